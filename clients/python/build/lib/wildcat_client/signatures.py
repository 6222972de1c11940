"""Checking that a webhook request really comes from WILDCAT (X-Wildcat-Signature)."""
from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Mapping


def verify_signature(secret: str, headers: Mapping[str, str], body: bytes, *,
                     tolerance_s: float = 300, now_ms: int | None = None) -> bool:
    """True when `body` (the raw request bytes, exactly as received) was signed by WILDCAT
    with `secret` and its X-Wildcat-Timestamp is within `tolerance_s` of now.

    With Flask: `verify_signature(SECRET, request.headers, request.get_data())`.
    """
    lowered = {k.lower(): v for k, v in headers.items()}
    timestamp = lowered.get("x-wildcat-timestamp", "")
    signature = lowered.get("x-wildcat-signature", "")
    if not timestamp.isdigit() or not signature:
        return False
    now = int(time.time() * 1000) if now_ms is None else now_ms
    if abs(now - int(timestamp)) > tolerance_s * 1000:
        return False
    expected = "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body,
                                    hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)
