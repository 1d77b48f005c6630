"""Second-factor helpers for tests: TOTP codes computed here (RFC 6238), never by allauth."""

import base64
import hashlib
import hmac
import re
import struct
import time


def totp(secret: str, *, at: float | None = None, period: int = 30, digits: int = 6) -> str:
    """The RFC 6238 code (HMAC-SHA1) of a base32 secret at time `at`."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = int((time.time() if at is None else at) // period)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10 ** digits).zfill(digits)


def secret_on(html: str) -> str:
    return re.search(r'id="authenticator_secret" type="text" value="([A-Z2-7]+)"', html)[1]
