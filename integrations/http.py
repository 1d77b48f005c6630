"""One outbound POST for webhooks and chat: guarded, bounded, never raising.

Same network guard as checks and scrapes (monitoring.netguard, DESIGN.md security rules):
the host is resolved and checked at connect time and we connect to the checked address,
so DNS rebinding cannot point a webhook at cloud metadata; private and loopback targets
follow TEND_MONITORING_ALLOW_PRIVATE. Redirects are not followed (a 3xx is a failure),
proxies from the environment are ignored, and at most EXCERPT_BYTES of the answer are kept.
"""

import logging
import time
from dataclasses import dataclass

import httpx

from monitoring import netguard
from monitoring.guarded_http import allowed_address, guarded_client

USER_AGENT = "Tend-Webhooks/1"
EXCERPT_BYTES = 1024
# httpx logs every request at INFO: a line per delivery would drown the worker's log.
logging.getLogger("httpx").setLevel(logging.WARNING)


@dataclass(frozen=True)
class Sent:
    """What came of a request: status_code None when no answer came (see `error`)."""

    status_code: int | None
    latency_ms: int
    excerpt: str = ""
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def _client() -> httpx.Client:
    return guarded_client(user_agent=USER_AGENT, purpose="webhook target")


def send(url: str, *, body: bytes, headers: dict, timeout: float = 10) -> Sent:
    """POST `body` to `url`. Never raises for network trouble: it is in Sent.error."""
    shown = netguard.strip_userinfo(url)
    sent_headers = {"User-Agent": USER_AGENT, "Content-Type": "application/json", **headers}
    started = time.monotonic()

    def elapsed() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        with _client() as client, client.stream(
                "POST", url, content=body, headers=sent_headers,
                timeout=httpx.Timeout(timeout)) as response:
            data = b""
            for chunk in response.iter_bytes():
                data += chunk
                if len(data) >= EXCERPT_BYTES:  # the rest is not read at all
                    break
                if time.monotonic() - started > timeout:
                    break
            excerpt = data[:EXCERPT_BYTES].decode("utf-8", errors="replace")
            return Sent(status_code=response.status_code, latency_ms=elapsed(),
                        excerpt=excerpt)
    except netguard.BlockedAddress as exc:
        return Sent(status_code=None, latency_ms=elapsed(), error=str(exc)[:300])
    except httpx.TimeoutException:
        return Sent(status_code=None, latency_ms=elapsed(),
                    error=f"{shown} took longer than {timeout:g} s")
    except (httpx.HTTPError, OSError, ValueError) as exc:
        return Sent(status_code=None, latency_ms=elapsed(),
                    error=f"{shown} unreachable: {type(exc).__name__}: {exc}"[:300])


def check_url(url: str) -> str | None:
    """Why `url` may not be a webhook target (scheme, host, netguard), or None; for forms."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, ValueError):
        return "Enter a valid URL."
    if parsed.scheme not in ("http", "https"):
        return "Only http:// and https:// URLs can receive webhooks."
    if not parsed.host:
        return "The URL needs a host name."
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    try:
        allowed_address(parsed.host, port)
    except netguard.BlockedAddress as exc:
        return f"Tend may not send to this address: {exc}."
    return None
