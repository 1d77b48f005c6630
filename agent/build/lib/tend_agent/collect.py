"""One measurement of the host, as Tend's JSON samples ({"series", "name", "labels", "t", "v"}).

Disk used is size minus what is available to users (as node_exporter's size − avail), so
the reserved blocks count as used: a disk is full for its users when `avail` is zero.
"""

import os
import time

import psutil

# Pseudo and in-memory file systems: their usage says nothing about a host's capacity.
SKIPPED_FSTYPES = {"tmpfs", "devtmpfs", "overlay", "squashfs", "ramfs", "proc", "sysfs",
                   "devpts", "cgroup", "cgroup2", "nsfs", "autofs", "fuse.lxcfs", "iso9660"}
SKIPPED_INTERFACES = {"lo"}


def _sample(series: str, value: float, t: float, name: str = "",
            labels: dict | None = None) -> dict:
    return {"series": series, "name": name, "labels": labels or {}, "t": t, "v": value}


def disks(t: float) -> list[dict]:
    samples, seen = [], set()
    for part in psutil.disk_partitions(all=False):
        if part.fstype in SKIPPED_FSTYPES or part.mountpoint in seen \
                or part.mountpoint.startswith("/snap/"):
            continue
        try:
            usage = psutil.disk_usage(part.mountpoint)
        except OSError:  # unmounted since, or not readable by this user
            continue
        if not usage.total:
            continue
        seen.add(part.mountpoint)
        samples.append(_sample("fs_size", float(usage.total), t, part.mountpoint))
        samples.append(_sample("fs_used", float(usage.total - usage.free), t, part.mountpoint))
    return samples


def memory(t: float) -> list[dict]:
    samples = [_sample("memory", round(psutil.virtual_memory().percent, 2), t)]
    swap = psutil.swap_memory()
    if swap.total:
        samples.append(_sample("swap", round(swap.percent, 2), t))
    return samples


def network(t: float) -> list[dict]:
    samples = []
    for nic, counters in sorted(psutil.net_io_counters(pernic=True).items()):
        if nic in SKIPPED_INTERFACES:
            continue
        samples.append(_sample("network", float(counters.bytes_recv), t, nic,
                               {"direction": "rx"}))
        samples.append(_sample("network", float(counters.bytes_sent), t, nic,
                               {"direction": "tx"}))
    return samples


def measure(*, cpu_wait: float | None = 1.0, now: float | None = None) -> list[dict]:
    """Every sample of this moment. `cpu_wait` seconds are spent measuring CPU busy;
    None measures since the previous call (the loop's way: no second spent per round)."""
    cpu = psutil.cpu_percent(interval=cpu_wait)
    t = round(time.time() if now is None else now, 3)
    samples = [*disks(t), *memory(t), _sample("cpu", round(cpu, 2), t),
               _sample("load", round(os.getloadavg()[0], 2), t), *network(t)]
    return samples
