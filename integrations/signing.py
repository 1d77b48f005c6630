"""Standard Webhooks signatures (https://www.standardwebhooks.com/): pure functions.

The signed content is "<webhook-id>.<webhook-timestamp>.<body>", HMAC-SHA256 keyed with
the base64 bytes after "whsec_", sent as "v1,<base64>". During a rotation's overlap both
the new and the previous secret sign, space-separated, so a receiver holding either
verifies (the spec lets a receiver accept any one signature that matches).
"""

import base64
import hashlib
import hmac
import secrets

PREFIX = "whsec_"
SECRET_BYTES = 32


def new_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def new_msg_id() -> str:
    return "msg_" + secrets.token_urlsafe(18)


def sign(secret: str, *, msg_id: str, timestamp: int, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix(PREFIX))
    content = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(secrets_: list[str], *, msg_id: str, timestamp: int, body: bytes) -> dict:
    """The three Standard Webhooks headers, signed with every secret given (newest first)."""
    signature = " ".join(sign(s, msg_id=msg_id, timestamp=timestamp, body=body)
                         for s in secrets_ if s)
    return {"webhook-id": msg_id, "webhook-timestamp": str(timestamp),
            "webhook-signature": signature}
