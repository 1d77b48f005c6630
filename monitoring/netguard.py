"""Where checks may connect: never to cloud metadata or link-local addresses.

A check is a server-side request on behalf of a user, the classic SSRF. Addresses are
checked twice: when a check is saved (its name is resolved) and at connect time, after
resolving again, because DNS can change between the two (rebinding) and a redirect can
point anywhere. We connect to the address we checked, not to the name, so a second
lookup cannot swap it. IPv4 addresses hidden in IPv6 transition forms (6to4, Teredo,
NAT64, IPv4-mapped) are judged by the IPv4 inside. Private ranges are allowed unless
TEND_MONITORING_ALLOW_PRIVATE is off: monitoring internal services is the point; off, only
globally reachable addresses are.
"""

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit, urlunsplit

import httpcore

from monitoring import conf

# Link-local covers the AWS/GCP/Azure/OpenStack metadata address 169.254.169.254.
LINK_LOCAL = (ipaddress.ip_network("169.254.0.0/16"), ipaddress.ip_network("fe80::/10"))
METADATA = {
    ipaddress.ip_address("169.254.169.254"),
    ipaddress.ip_address("169.254.170.2"),     # AWS ECS task metadata
    ipaddress.ip_address("100.100.100.200"),   # Alibaba Cloud
    ipaddress.ip_address("192.0.0.192"),       # Oracle Cloud
    ipaddress.ip_address("fd00:ec2::254"),     # AWS over IPv6
}
# "This network": connecting to 0.x.x.x reaches the local host on Linux.
NOT_A_HOST = (ipaddress.ip_network("0.0.0.0/8"),)
# Not globally reachable (IANA special-purpose registries). `ipaddress.is_global` alone
# misses some of these on the Pythons we support (192.0.0.0/24, fec0::/10, 3fff::/20).
NON_GLOBAL = tuple(ipaddress.ip_network(net) for net in (
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
    "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16",
    "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "240.0.0.0/4",
    "::1/128", "::/128", "64:ff9b:1::/48", "100::/64", "2001::/23", "2001:db8::/32",
    "3fff::/20", "5f00::/16", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8",
))
SIX_TO_FOUR = ipaddress.ip_network("2002::/16")
TEREDO = ipaddress.ip_network("2001::/32")
NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


class BlockedAddress(Exception):
    """The target resolves to an address checks may not reach."""


def reached(ip) -> tuple[list, bool]:
    """The addresses a connection to `ip` really reaches, and whether `ip` wraps them.

    IPv6 transition forms carry an IPv4 address that the packets end up at (or at a
    relay, gateway or NAT there): IPv4-mapped ::ffff:a.b.c.d, IPv4-compatible ::a.b.c.d,
    NAT64 64:ff9b::a.b.c.d, 6to4 2002:aabb:ccdd::, and Teredo (server and client).
    They are judged by the IPv4 inside, in every mode: 2002:a9fe:a9fe:: is 169.254.169.254.
    """
    if ip.version == 4:
        return [ip], False
    if ip.ipv4_mapped:
        return [ip.ipv4_mapped], True
    if any(ip in net for net in NAT64) or (ip in IPV4_COMPATIBLE and int(ip) > 1):
        return [ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)], True
    if ip in SIX_TO_FOUR:
        return [ip.sixtofour], True
    if ip in TEREDO:
        return list(ip.teredo), True
    return [ip], False


def _always_refused(ip) -> str | None:
    if ip in METADATA:
        return f"{ip} is a cloud metadata address"
    if any(ip in net for net in LINK_LOCAL):
        return f"{ip} is a link-local address"
    # ::1 sits in the reserved ::/8 but is loopback, a private target like 127.0.0.1.
    if (ip.is_unspecified or ip.is_multicast or (ip.is_reserved and not ip.is_loopback)
            or any(ip in net for net in NOT_A_HOST)):
        return f"{ip} is not a host address"
    return None


def _non_global(ip) -> bool:
    return not ip.is_global or any(ip in net for net in NON_GLOBAL)


def refusal(address: str) -> str | None:
    """Why `address` may not be reached, or None if it may.

    Always refused: metadata, link-local, unspecified, multicast and reserved addresses,
    also when wrapped in an IPv6 transition form. With private targets off (the
    TEND_MONITORING_ALLOW_PRIVATE setting) every address that is not globally reachable
    is refused too: private, loopback, carrier-grade NAT 100.64.0.0/10, 192.0.0.0/24,
    site-local fec0::/10, unique-local fc00::/7, documentation and benchmarking ranges.
    """
    outer = ipaddress.ip_address(address.split("%", 1)[0])
    inner, wrapped = reached(outer)
    shown = (lambda ip: f"{ip} (inside {outer})") if wrapped else str
    for ip in inner:
        reason = _always_refused(ip)
        if reason:
            return reason.replace(str(ip), shown(ip), 1)
    if not conf.allow_private():
        for ip in inner:
            if _non_global(ip):
                return (f"{shown(ip)} is not a globally reachable address, and private "
                        "targets are turned off")
    return None


def resolve(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


def check_host(host: str, port: int) -> list[str]:
    """Resolve `host` and refuse it if any address is off limits (used when saving)."""
    try:
        addresses = resolve(host, port)
    except (socket.gaierror, UnicodeError) as exc:
        raise BlockedAddress(f"{host} does not resolve") from exc
    for address in addresses:
        reason = refusal(address)
        if reason:
            raise BlockedAddress(f"{host} resolves to {reason}")
    return addresses


async def resolve_allowed(host: str, port: int) -> str:
    """The address to connect to; refuses if any address of `host` is off limits.

    Every address is checked, not only the first: a name that answers with a public and
    a metadata address should not be reachable by retrying until the order changes.
    """
    try:
        literal = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        literal = None
    if literal is not None:  # an address already: nothing to resolve (or to rebind)
        reason = refusal(str(literal))
        if reason:
            raise BlockedAddress(f"refused: {reason}")
        return str(literal)
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise OSError(f"{host} does not resolve") from exc
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    for address in addresses:
        reason = refusal(address)
        if reason:
            raise BlockedAddress(f"refused: {host} resolves to {reason}")
    return addresses[0]


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend, resolving and checking before every connection.

    httpx follows redirects through the same pool, so a redirect to a metadata address
    is refused here too. TLS still verifies against the host name (httpcore passes the
    URL's host as server_hostname, not the address we connect to).
    """

    def __init__(self):
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(self, host, port, timeout=None, local_address=None,
                          socket_options=None):
        address = await resolve_allowed(host, port)
        return await self._inner.connect_tcp(address, port, timeout=timeout,
                                             local_address=local_address,
                                             socket_options=socket_options)

    async def connect_unix_socket(self, path, timeout=None, socket_options=None):
        raise BlockedAddress("refused: unix sockets are not a check target")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def strip_userinfo(url: str) -> str:
    """The URL without user:password@, for anything stored or shown."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if "@" not in parts.netloc:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))
