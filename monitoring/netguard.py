"""Where checks may connect: never to cloud metadata or link-local addresses.

A check is a server-side request on behalf of a user, the classic SSRF. Addresses are
checked twice: when a check is saved (its name is resolved) and at connect time, after
resolving again, because DNS can change between the two (rebinding) and a redirect can
point anywhere. We connect to the address we checked, not to the name, so a second
lookup cannot swap it. Private ranges are allowed unless TEND_MONITORING_ALLOW_PRIVATE
is off: monitoring internal services is the point.
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


class BlockedAddress(Exception):
    """The target resolves to an address checks may not reach."""


def refusal(address: str) -> str | None:
    """Why `address` may not be reached, or None if it may."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if ip in METADATA:
        return f"{ip} is a cloud metadata address"
    if any(ip in net for net in LINK_LOCAL):
        return f"{ip} is a link-local address"
    if ip.is_unspecified or ip.is_multicast or ip.is_reserved:
        return f"{ip} is not a host address"
    if not conf.allow_private() and (ip.is_private or ip.is_loopback or ip.is_link_local):
        return f"{ip} is a private address, and private targets are turned off"
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
