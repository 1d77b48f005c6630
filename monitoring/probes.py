"""Running checks: many at once with asyncio, each at its planned moment.

Everything here is I/O and pure data; no ORM calls, so it can run inside asyncio.run()
in a Celery task. Outbound safety (netguard): every connection is resolved and checked
first, bodies are read up to BODY_LIMIT, every run has an overall timeout, proxies from
the environment are ignored, and messages never carry user:password from a URL.
"""

import asyncio
import contextlib
import logging
import re
import ssl
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

import httpx
from cryptography import x509

from monitoring import conf, netguard

USER_AGENT = "Tend-Monitoring/1.0"
# httpx logs every request at INFO: a line per check run would drown the worker's log.
logging.getLogger("httpx").setLevel(logging.WARNING)
CREDENTIALS_IN_URL = re.compile(r"(?i)([a-z][a-z0-9+.-]*://)[^/\s@]+@")


@dataclass
class ProbeResult:
    check_id: int
    planned_at: datetime
    ran_at: datetime
    outcome: str  # "up", "degraded", "down"
    latency_ms: float | None = None
    status_code: int | None = None
    message: str = ""
    cert_not_after: datetime | None = None


def scrub(message: str) -> str:
    message = CREDENTIALS_IN_URL.sub(r"\1", str(message)).strip()
    return message[: conf.MESSAGE_LENGTH]


def parse_statuses(text: str) -> list[tuple[int, int]]:
    """'200-299, 301' -> [(200, 299), (301, 301)]. Raises ValueError on nonsense."""
    ranges = []
    for part in (text or "").replace(" ", "").split(","):
        if not part:
            continue
        low, _, high = part.partition("-")
        low_n, high_n = int(low), int(high or low)
        if not (100 <= low_n <= high_n <= 599):
            raise ValueError(part)
        ranges.append((low_n, high_n))
    if not ranges:
        raise ValueError(text)
    return ranges


def split_host_port(target: str, default_port: int | None = None) -> tuple[str, int]:
    """'db.example.com:5432' or '[::1]:443' -> (host, port)."""
    target = target.strip()
    if target.startswith("["):
        host, _, rest = target[1:].partition("]")
        port = rest.lstrip(":")
    elif target.count(":") == 1:
        host, port = target.split(":")
    else:
        host, port = target, ""
    if not port:
        if default_port is None:
            raise ValueError("a port is required")
        return host, default_port
    number = int(port)
    if not 1 <= number <= 65535:
        raise ValueError("port out of range")
    return host, number


def _elapsed_ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 2)


class Clients:
    """One httpx client per TLS-verification setting for a batch; no keep-alive, so every
    run measures a whole connection, as a user would see it."""

    def __init__(self):
        self._clients: dict[bool, httpx.AsyncClient] = {}

    def get(self, verify: bool) -> httpx.AsyncClient:
        if verify not in self._clients:
            transport = httpx.AsyncHTTPTransport(verify=verify, retries=0,
                                                 limits=httpx.Limits(max_keepalive_connections=0))
            # httpx builds its httpcore pool in __init__ and has no parameter for the
            # network backend; swap the pool for one that resolves through netguard.
            pool = transport._pool
            pool._network_backend = netguard.GuardedBackend()
            self._clients[verify] = httpx.AsyncClient(
                transport=transport, trust_env=False, max_redirects=5,
                headers={"User-Agent": USER_AGENT})
        return self._clients[verify]

    async def aclose(self):
        for client in self._clients.values():
            await client.aclose()


async def _read_capped(response: httpx.Response, limit: int) -> bytes:
    chunks, size = [], 0
    async for chunk in response.aiter_raw():
        chunks.append(chunk)
        size += len(chunk)
        if size >= limit:
            break
    return b"".join(chunks)[:limit]


async def probe_http(check, clients: Clients) -> tuple:
    start = time.perf_counter()
    client = clients.get(bool(check.verify_tls))
    request = client.build_request(check.http_method, check.target,
                                   timeout=httpx.Timeout(check.timeout))
    response = await client.send(request, stream=True,
                                 follow_redirects=bool(check.follow_redirects))
    try:
        body = b""
        if check.keyword_mode and check.http_method != "HEAD":
            body = await _read_capped(response, conf.BODY_LIMIT)
    finally:
        await response.aclose()
    latency = _elapsed_ms(start)
    code = response.status_code
    if not any(low <= code <= high for low, high in parse_statuses(check.expected_status)):
        return "down", latency, code, f"HTTP {code} {response.reason_phrase}, expected " \
                                      f"{check.expected_status}."
    if check.keyword_mode:
        text = body.decode(response.encoding or "utf-8", errors="replace")
        found = check.keyword in text
        if check.keyword_mode == "present" and not found:
            return "down", latency, code, f"HTTP {code}, but the keyword is missing " \
                                          f"(first {conf.BODY_LIMIT // 1024} KB searched)."
        if check.keyword_mode == "absent" and found:
            return "down", latency, code, f"HTTP {code}, but the body contains the keyword."
    if check.degraded_ms and latency > check.degraded_ms:
        return "degraded", latency, code, f"HTTP {code} in {latency:.0f} ms, slower " \
                                          f"than {check.degraded_ms} ms."
    return "up", latency, code, f"HTTP {code} in {latency:.0f} ms."


async def probe_tcp(check) -> tuple:
    host, port = split_host_port(check.target)
    start = time.perf_counter()
    address = await netguard.resolve_allowed(host, port)
    _reader, writer = await asyncio.open_connection(address, port)
    latency = _elapsed_ms(start)
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()
    return "up", latency, None, f"Connected to {host}:{port} in {latency:.0f} ms."


async def probe_dns(check) -> tuple:
    host = check.target.strip()
    loop = asyncio.get_running_loop()
    start = time.perf_counter()
    try:
        infos = await loop.getaddrinfo(host, None)
    except OSError as exc:
        return "down", _elapsed_ms(start), None, f"{host} does not resolve: {exc}"
    latency = _elapsed_ms(start)
    addresses = sorted({info[4][0] for info in infos})
    listed = ", ".join(addresses[:8])
    if check.dns_expected and check.dns_expected.strip() not in addresses:
        return "down", latency, None, f"{host} resolves to {listed}, expected " \
                                      f"{check.dns_expected.strip()}."
    return "up", latency, None, f"{host} resolves to {listed}."


def _tls_context(verify: bool) -> ssl.SSLContext:
    context = ssl.create_default_context()
    if not verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


async def probe_tls(check, now: datetime) -> tuple:
    host, port = split_host_port(check.target, 443)
    start = time.perf_counter()
    address = await netguard.resolve_allowed(host, port)
    try:
        _reader, writer = await asyncio.open_connection(
            address, port, ssl=_tls_context(bool(check.verify_tls)), server_hostname=host)
    except ssl.SSLCertVerificationError as exc:
        return "down", _elapsed_ms(start), None, f"Certificate not trusted: " \
                                                 f"{exc.verify_message or exc}.", None
    latency = _elapsed_ms(start)
    der = writer.get_extra_info("ssl_object").getpeercert(binary_form=True)
    writer.close()
    with contextlib.suppress(OSError, ssl.SSLError):
        await writer.wait_closed()
    not_after = x509.load_der_x509_certificate(der).not_valid_after_utc
    days = (not_after - now).total_seconds() / 86400
    when = f"{not_after:%Y-%m-%d %H:%M} UTC"
    if days <= 0:
        return "down", latency, None, f"The certificate expired on {when}.", not_after
    if days <= check.tls_warn_days:
        return "degraded", latency, None, f"The certificate expires in {int(days)} days " \
                                          f"({when}).", not_after
    return "up", latency, None, f"Valid until {when} ({int(days)} days).", not_after


async def probe(check, clients: Clients, planned_at: datetime) -> ProbeResult:
    """Run one check now; never raises (a failure is a result)."""
    ran_at = datetime.now(UTC)
    start = time.perf_counter()
    not_after = None
    try:
        async with asyncio.timeout(min(check.timeout, conf.MAX_TIMEOUT) + 0.5):
            if check.kind == "http":
                outcome, latency, code, message = await probe_http(check, clients)
            elif check.kind == "tcp":
                outcome, latency, code, message = await probe_tcp(check)
            elif check.kind == "dns":
                outcome, latency, code, message = await probe_dns(check)
            elif check.kind == "tls":
                outcome, latency, code, message, not_after = await probe_tls(check, ran_at)
            else:
                raise ValueError(f"{check.kind} checks are not probed")
    except netguard.BlockedAddress as exc:
        outcome, latency, code, message = "down", None, None, str(exc)
    except (TimeoutError, httpx.TimeoutException):
        outcome, latency, code = "down", _elapsed_ms(start), None
        message = f"Timed out after {check.timeout} s."
    except httpx.TooManyRedirects:
        outcome, latency, code, message = "down", None, None, "Too many redirects."
    except (httpx.HTTPError, OSError, ssl.SSLError, ValueError) as exc:
        outcome, latency, code = "down", None, None
        message = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return ProbeResult(check_id=check.pk, planned_at=planned_at, ran_at=ran_at,
                       outcome=outcome, latency_ms=latency, status_code=code,
                       message=scrub(message), cert_not_after=not_after)


async def run_all(jobs: list[tuple], *, concurrency: int = conf.CONCURRENCY
                  ) -> list[ProbeResult]:
    """Run (check, planned_at) jobs, each no earlier than its planned moment."""
    semaphore = asyncio.Semaphore(concurrency)
    clients = Clients()

    async def one(check, planned_at):
        delay = (planned_at - datetime.now(UTC)).total_seconds()
        if delay > 0:
            await asyncio.sleep(delay)
        async with semaphore:
            return await probe(check, clients, planned_at)

    try:
        return list(await asyncio.gather(*(one(c, p) for c, p in jobs)))
    finally:
        await clients.aclose()


def run_now(check) -> ProbeResult:
    """The "test now" button: one run, now, outside the schedule."""
    now = datetime.now(UTC)
    return asyncio.run(run_all([(check, now)]))[0]


def url_host(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("an http:// or https:// URL is required")
    return parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)
