"""How an account's connection state is shown: retry fields, ban ends, outdated clients.

Used by the account worker (workers/account_worker.py) when it records a state; kept here so
the rules are plain functions with their own tests.
"""
import time

OUTDATED_MESSAGE = ("WhatsApp refuses this client version as outdated: update WILDCAT "
                    "(its neonize/whatsmeow) and connect again")


def iso_at(epoch_seconds: float) -> str:
    """ISO-8601 UTC with milliseconds of an epoch time (like domain.iso_now)."""
    return (time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(epoch_seconds))
            + ".%03dZ" % (epoch_seconds % 1 * 1000))


def retry_fields(attempts: int, delay: float) -> dict:
    """The account fields that show a planned retry: attempts so far and when it dials."""
    return {"attempts": attempts, "nextRetryAt": iso_at(time.time() + delay)}


def ban_until(expire_seconds) -> str | None:
    """When a temporary ban of `expire_seconds` (from now) ends; None when unknown."""
    try:
        seconds = float(expire_seconds)
    except (TypeError, ValueError):
        return None
    if seconds <= 0:
        return None
    return iso_at(time.time() + seconds)


def is_outdated_error(error: str) -> bool:
    """True for a connect/login failure that means WhatsApp refuses the client version
    (whatsmeow's QR login status `err-client-outdated`, ClientOutdated)."""
    text = (error or "").lower().replace("-", "_")
    return "client_outdated" in text or "clientoutdated" in text
