"""Blocking HTTP clients whose every connection goes through netguard: capacity's scrapes
and Prometheus queries, webhook deliveries and chat messages all reach out with these.

httpx has no parameter for the network backend, so the transport's pool gets one that
resolves the host itself and connects only to an address netguard allows (as
monitoring/probes.py does for the asynchronous checks); a name that resolves to a refused
address is refused at connect time, after any redirect or DNS change.
"""

import httpcore
import httpx

from monitoring import netguard


class _GuardedBackend(httpcore.SyncBackend):
    def __init__(self, purpose: str):
        super().__init__()
        self.purpose = purpose

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        return super().connect_tcp(allowed_address(host, port), port, timeout=timeout,
                                   local_address=local_address, socket_options=socket_options)

    def connect_unix_socket(self, path, timeout=None, socket_options=None):
        raise netguard.BlockedAddress(f"refused: unix sockets are not a {self.purpose}")


def allowed_address(host: str, port: int) -> str:
    """The address to connect to, after resolving; BlockedAddress if any is off limits."""
    literal = host.strip("[]")
    try:
        reason = netguard.refusal(literal)
    except ValueError:  # a name, not an address
        return netguard.check_host(host, port)[0]
    if reason:
        raise netguard.BlockedAddress(f"refused: {reason}")
    return literal


def guarded_client(*, user_agent: str, purpose: str) -> httpx.Client:
    """No proxies from the environment, no redirects followed, no retries; `purpose`
    names the target in refusals ("scrape target", "webhook target")."""
    transport = httpx.HTTPTransport(retries=0)
    transport._pool._network_backend = _GuardedBackend(purpose)
    return httpx.Client(transport=transport, trust_env=False, follow_redirects=False,
                        headers={"User-Agent": user_agent})
