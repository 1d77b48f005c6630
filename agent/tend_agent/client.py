"""Talking to Tend: POST a JSON batch with the asset's token (urllib, no dependencies).

Three outcomes: sent; unreachable (connection refused, timeout, 5xx, 429: keep the batch
and retry later); rejected (another 4xx: the batch itself or the token is wrong, and
sending it again will not help).
"""

import json
import urllib.error
import urllib.request

from tend_agent import __version__
from tend_agent.config import Config

USER_AGENT = f"tend-agent/{__version__}"


class Unreachable(Exception):
    """Tend did not take the batch this time; it stays in the spool."""


class Rejected(Exception):
    """Tend refused the batch for good (4xx); the message carries Tend's answer."""

    def __init__(self, status: int, body: str):
        super().__init__(f"HTTP {status}: {body[:500]}")
        self.status = status


def post(config: Config, what: str, payload: dict) -> dict:
    """POST `payload` to /api/v1/assets/<id>/<what>/; Tend's JSON answer."""
    request = urllib.request.Request(  # noqa: S310 (the configured http(s) URL)
        config.endpoint(what), data=json.dumps(payload).encode(), method="POST",
        headers={"Content-Type": "application/json", "Accept": "application/json",
                 "Authorization": f"Bearer {config.token}", "User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=config.timeout) as response:  # noqa: S310
            body = response.read(1024 * 1024)
    except urllib.error.HTTPError as exc:
        text = exc.read(4096).decode(errors="replace")
        if exc.code >= 500 or exc.code in {408, 429}:
            raise Unreachable(f"HTTP {exc.code} from {config.url}") from exc
        raise Rejected(exc.code, text) from exc
    except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
        reason = getattr(exc, "reason", exc)
        raise Unreachable(f"{config.url} unreachable: {reason}") from exc
    try:
        return json.loads(body or b"{}")
    except ValueError:
        return {}
