"""Webhook use cases: registration, the delivery outbox, redelivery, and the event body."""
import hashlib
import hmac
import json
import logging
import threading
import time
from urllib.parse import urlsplit

from wildcat.errors import DeliveryNotFound, WebhookExists, WebhookNotFound, WebhookUrlBlocked
from wildcat.domain import DELIVERY_STATUSES, PENDING, iso_from_ms, iso_now, new_id, now_ms
from wildcat.netguard import AddressBlocked, check_host
from wildcat.services.accounts import get_account
from wildcat.store.base import DuplicateKey

log = logging.getLogger(__name__)

DEFAULT_EVENTS = ["message"]
REGISTRY_TTL = 1.0    # seconds; webhooks created on another instance, or removed with their
                      # account, are seen within it


def event_body(event: dict) -> bytes:
    """The exact bytes of a webhook body and of a WebSocket frame: compact UTF-8 JSON."""
    return json.dumps(event, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """`sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">` with the webhook's secret."""
    mac = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body,
                   hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def wants(webhook: dict, event: dict) -> bool:
    """Does this webhook receive this event (its account filter and its event names)?"""
    account_id = webhook.get("accountId")
    if account_id and account_id != event.get("accountId"):
        return False
    names = webhook.get("events") or DEFAULT_EVENTS
    return "*" in names or event.get("event") in names


class WebhookRegistry:
    """The webhook list cached in memory, so fanning out an event costs no store read.

    Reloaded after `invalidate()` (create/delete through the API) and every REGISTRY_TTL
    seconds (webhooks removed together with their account).
    """

    def __init__(self, store, ttl=REGISTRY_TTL):
        self.store, self.ttl = store, ttl
        self._lock = threading.Lock()
        self._hooks = None
        self._loaded_at = 0.0
        self.version = 0

    def invalidate(self):
        with self._lock:
            self._hooks = None

    def all(self) -> list[dict]:
        hooks = self._hooks
        if hooks is not None and time.monotonic() - self._loaded_at < self.ttl:
            return hooks
        with self._lock:
            if self._hooks is None or time.monotonic() - self._loaded_at >= self.ttl:
                fresh = self.store.list_webhooks()
                if fresh != self._hooks:
                    self.version += 1
                self._hooks, self._loaded_at = fresh, time.monotonic()
            return self._hooks

    def matching(self, event: dict) -> list[dict]:
        return [w for w in self.all() if wants(w, event)]


def new_delivery(webhook: dict, event: dict, created_ms: int) -> dict:
    return {"_id": new_id(), "webhookId": webhook["_id"],
            "accountId": event.get("accountId"), "event": event.get("event"),
            "payload": event, "status": PENDING, "attempts": 0,
            "nextAttemptAt": created_ms, "createdAt": iso_now()}


# -- views ----------------------------------------------------------------------------
def public_webhook(webhook: dict, default_secret: str = "") -> dict:
    """A webhook as the API shows it; the secret never leaves the server."""
    return {"id": webhook["_id"], "url": webhook["url"],
            "accountId": webhook.get("accountId"),
            "events": webhook.get("events") or DEFAULT_EVENTS,
            "hasSecret": bool(webhook.get("secret") or default_secret),
            "enabled": webhook.get("enabled", True),
            "createdAt": webhook.get("createdAt"), "updatedAt": webhook.get("updatedAt")}


def public_delivery(delivery: dict) -> dict:
    return {"id": delivery["_id"], "webhookId": delivery["webhookId"],
            "accountId": delivery.get("accountId"), "event": delivery.get("event"),
            "status": delivery.get("status"), "attempts": delivery.get("attempts", 0),
            "lastStatusCode": delivery.get("lastStatusCode"),
            "lastError": delivery.get("lastError"),
            "nextAttemptAt": iso_from_ms(delivery.get("nextAttemptAt")),
            "lastAttemptAt": delivery.get("lastAttemptAt"),
            "deliveredAt": delivery.get("deliveredAt"),
            "redeliveries": delivery.get("redeliveries", 0),
            "createdAt": delivery.get("createdAt"), "payload": delivery.get("payload")}


# -- use cases ------------------------------------------------------------------------
def check_url_allowed(config, url: str) -> None:
    """With WILDCAT_WEBHOOK_BLOCK_PRIVATE, refuse hosts that are or resolve to private ones."""
    if not config.webhook_block_private:
        return
    parts = urlsplit(url)
    try:
        check_host(parts.hostname or "", parts.port)
    except AddressBlocked as exc:
        raise WebhookUrlBlocked(f"Webhook URL is not allowed: {exc}") from None


def _same_settings(stored: dict, doc: dict) -> bool:
    return (list(stored.get("events") or DEFAULT_EVENTS) == doc["events"]
            and (stored.get("secret") or None) == doc.get("secret"))


def create_webhook(runtime, data) -> tuple[dict, bool]:
    """Register a webhook. The same (url, accountId) with the same events and secret again
    returns the existing one; with other settings it is a WebhookExists (use PATCH)."""
    account_id = data.get("accountId")
    if account_id:
        get_account(runtime, account_id)
    check_url_allowed(runtime.config, data["url"])
    doc = {"_id": new_id(), "url": data["url"], "accountId": account_id,
           "events": data.get("events") or list(DEFAULT_EVENTS),
           "secret": data.get("secret") or None, "createdAt": iso_now()}
    doc = {k: v for k, v in doc.items() if v is not None}
    stored, created = runtime.store.create_webhook(doc)
    if not created and not _same_settings(stored, doc):
        raise WebhookExists(details={"id": stored["_id"]})
    if created:
        log.info("webhook %s registered (account %s, events %s)", stored["_id"],
                 account_id or "*", ",".join(stored["events"]))
        runtime.dispatcher.webhooks_changed()
    return public_webhook(stored, runtime.config.webhook_secret), created


def list_webhooks(runtime, account_id=None) -> list[dict]:
    """The webhooks with their delivery counts and latest error."""
    return webhook_summaries(runtime, [public_webhook(w, runtime.config.webhook_secret)
                                       for w in runtime.store.list_webhooks(account_id)])


def get_webhook(runtime, webhook_id) -> dict:
    webhook = runtime.store.get_webhook(webhook_id)
    if webhook is None:
        raise WebhookNotFound()
    return webhook


def update_webhook(runtime, webhook_id, data) -> dict:
    """Change the given fields of a webhook (null accountId makes it global, null secret
    removes it). A disabled webhook keeps collecting deliveries; none is sent until it is
    enabled again."""
    get_webhook(runtime, webhook_id)
    if data.get("accountId"):
        get_account(runtime, data["accountId"])
    if "url" in data:
        check_url_allowed(runtime.config, data["url"])
    fields = dict(data, updatedAt=iso_now())
    try:
        stored = runtime.store.update_webhook(webhook_id, fields)
    except DuplicateKey:
        raise WebhookExists("Another webhook has this url (and accountId)") from None
    if stored is None:                          # deleted between the two calls
        raise WebhookNotFound()
    log.info("webhook %s updated (%s)", webhook_id, ", ".join(sorted(data)))
    runtime.dispatcher.webhooks_changed()
    return public_webhook(stored, runtime.config.webhook_secret)


def webhook_summaries(runtime, webhooks: list[dict]) -> list[dict]:
    """Each webhook with its delivery counts and its latest error (for the dashboard)."""
    counts = runtime.store.count_deliveries_by_webhook()
    out = []
    for webhook in webhooks:
        recent = runtime.store.list_deliveries(webhook["id"], limit=20)
        errors = [d for d in recent if d.get("lastError")]
        last = max(errors, key=lambda d: d.get("lastAttemptAt") or "", default=None)
        mine = counts.get(webhook["id"], {})
        out.append(dict(webhook, deliveries={s: mine.get(s, 0) for s in DELIVERY_STATUSES},
                        lastError=last and last["lastError"],
                        lastErrorAt=last and last.get("lastAttemptAt")))
    return out


def delete_webhook(runtime, webhook_id) -> None:
    if not runtime.store.delete_webhook(webhook_id):
        raise WebhookNotFound()
    log.info("webhook %s deleted", webhook_id)
    runtime.dispatcher.webhooks_changed()


def list_deliveries(runtime, webhook_id, *, limit, skip, status=None) -> list[dict]:
    get_webhook(runtime, webhook_id)
    return [public_delivery(d) for d in runtime.store.list_deliveries(
        webhook_id, limit=limit, skip=skip, status=status)]


def redeliver(runtime, delivery_id) -> dict:
    """Send a delivery again now, with a fresh attempt budget (attempts reset to 0)."""
    delivery = runtime.store.get_delivery(delivery_id)
    if delivery is None:
        raise DeliveryNotFound()
    fields = {"status": PENDING, "attempts": 0, "nextAttemptAt": now_ms(),
              "redeliveries": delivery.get("redeliveries", 0) + 1, "deliveredAt": None}
    runtime.store.update_delivery(delivery_id, fields)
    log.info("account %s: delivery %s of webhook %s queued for redelivery",
             delivery.get("accountId"), delivery_id, delivery["webhookId"])
    runtime.dispatcher.notify([delivery["webhookId"]])
    return public_delivery({**delivery, **{k: v for k, v in fields.items() if v is not None},
                            "deliveredAt": None})
