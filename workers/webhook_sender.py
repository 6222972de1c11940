"""One webhook HTTP attempt: the request as DESIGN §8 specifies it, and its classification.

Retryable: network errors, timeouts, 408, 429 and 5xx (Retry-After honoured). Final at once:
other 4xx, 3xx (redirects are never followed: a moved endpoint is a configuration error,
and following it could leave the checked host) and a blocked private address.
"""
import dataclasses
import email.utils
import time

import requests

from wildcat.domain import DELIVERED, FAILED, PENDING, backoff_delay, iso_now, now_ms
from wildcat.netguard import AddressBlocked, GuardedAdapter
from wildcat.services.webhooks import event_body, sign

USER_AGENT = "WILDCAT-Webhooks/1"
MAX_RESPONSE_BYTES = 64 * 1024   # read at most this much of a reply; more closes the socket
ERROR_SNIPPET = 200
RETRYABLE_STATUS = {408, 429}
MAX_RETRY_AFTER = 3600.0         # longest Retry-After honoured, seconds


@dataclasses.dataclass
class Outcome:
    ok: bool
    retryable: bool
    status_code: int | None = None
    error: str | None = None
    retry_after: float | None = None     # seconds, from the endpoint's Retry-After
    elapsed: float = 0.0


def make_session(config) -> requests.Session:
    """A keep-alive session for one sender thread; no proxies or .netrc from the environment."""
    session = requests.Session()
    session.trust_env = False
    adapter_cls = GuardedAdapter if config.webhook_block_private else requests.adapters.HTTPAdapter
    adapter = adapter_cls(pool_connections=32, pool_maxsize=4, max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def headers_for(delivery: dict, secret: str, body: bytes, timestamp: str) -> dict:
    headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT,
               "X-Wildcat-Event": str(delivery.get("event")),
               "X-Wildcat-Delivery": delivery["_id"],
               "X-Wildcat-Timestamp": timestamp,
               "X-Wildcat-Attempt": str(delivery.get("attempts", 0) + 1)}
    if secret:
        headers["X-Wildcat-Signature"] = sign(secret, timestamp, body)
    return headers


def _read_reply(response) -> tuple[bytes, bool]:
    """Up to MAX_RESPONSE_BYTES of the reply; (snippet, fully read so the socket is reusable)."""
    data = b""
    try:
        for chunk in response.iter_content(8192):
            data += chunk
            if len(data) > MAX_RESPONSE_BYTES:
                return data[:ERROR_SNIPPET], False
    except requests.RequestException:
        return data[:ERROR_SNIPPET], False
    return data[:ERROR_SNIPPET], True


def attempt(session, webhook: dict, delivery: dict, *, secret: str, timeout: float) -> Outcome:
    """POST the delivery's event once and classify the result."""
    body = event_body(delivery["payload"])
    timestamp = str(int(time.time() * 1000))
    started = time.monotonic()
    try:
        response = session.post(webhook["url"], data=body, timeout=timeout, stream=True,
                                allow_redirects=False,
                                headers=headers_for(delivery, secret, body, timestamp))
    except AddressBlocked as exc:
        return Outcome(False, False, error=f"webhook_url_blocked: {exc}",
                       elapsed=time.monotonic() - started)
    except requests.Timeout:
        return Outcome(False, True, error=f"timeout after {timeout:g}s",
                       elapsed=time.monotonic() - started)
    except requests.ConnectionError as exc:
        return Outcome(False, True, error=f"connection error: {_reason(exc)}",
                       elapsed=time.monotonic() - started)
    except (requests.exceptions.InvalidURL, requests.exceptions.InvalidSchema,
            requests.exceptions.MissingSchema) as exc:
        return Outcome(False, False, error=f"invalid url: {exc}",
                       elapsed=time.monotonic() - started)
    except requests.RequestException as exc:
        return Outcome(False, True, error=f"request failed: {_reason(exc)}",
                       elapsed=time.monotonic() - started)
    try:
        snippet, complete = _read_reply(response)
    finally:
        response.close()
    return classify(response.status_code, response.headers, snippet,
                    time.monotonic() - started)


def classify(status: int, headers, snippet: bytes, elapsed: float) -> Outcome:
    if 200 <= status < 300:
        return Outcome(True, False, status, elapsed=elapsed)
    text = snippet.decode("utf-8", "replace").strip()
    if 300 <= status < 400:
        where = headers.get("Location", "?")
        return Outcome(False, False, status, f"HTTP {status}: redirect to {where} not followed",
                       elapsed=elapsed)
    error = f"HTTP {status}" + (f": {text}" if text else "")
    retryable = status in RETRYABLE_STATUS or status >= 500
    retry_after = parse_retry_after(headers.get("Retry-After")) if retryable else None
    return Outcome(False, retryable, status, error, retry_after, elapsed)


def _reason(exc) -> str:
    return str(exc)[:300]


def result_fields(delivery, outcome, config):
    """(fields to store, seconds until the retry or None) for one attempt's outcome."""
    attempts = delivery.get("attempts", 0) + 1
    fields = {"attempts": attempts, "lastAttemptAt": iso_now(),
              "lastStatusCode": outcome.status_code, "lastError": outcome.error}
    if outcome.ok:
        fields.update(status=DELIVERED, deliveredAt=iso_now(), nextAttemptAt=None)
        return fields, None
    if outcome.retryable and attempts < config.webhook_max_attempts:
        retry_in = backoff_delay(attempts, config.webhook_backoff_base, config.webhook_backoff_cap)
        if outcome.retry_after is not None:
            retry_in = min(outcome.retry_after, MAX_RETRY_AFTER)
        fields.update(status=PENDING, nextAttemptAt=now_ms() + int(retry_in * 1000))
        return fields, retry_in
    fields.update(status=FAILED, nextAttemptAt=None)
    return fields, None
