"""The inbound pipeline: everything WhatsApp sends is stored once and published once.

Threading and back-pressure: the driver's callback (`AccountWorker.on_driver_event`) only
puts the event on the account's bounded queue (10,000 items); when the queue is full that
put blocks the driver's event thread, so a flood slows the network reader instead of
growing memory without bound or dropping messages. The pipeline itself runs on the account
worker thread in arrival order, which is what keeps per-chat order.

It must stay fast, so it batches without reordering: a live message event also takes the
MESSAGE events queued right behind it (`AccountWorker.take_events`, up to BURST_MAX) and
stores them with one insert transaction and one chat-upsert transaction, then publishes
one `message` event each, in order. A quiet account pays the same two writes per message
(plus one chat read the first time this worker sees a chat). History is inserted in
chunked batches. A media download waits at most `media_wait` seconds before the message
goes on without its blob.
"""
import collections
import logging
import threading
import weakref

from wildcat.drivers import base
from wildcat import domain
from wildcat.domain import backoff_delay, make_event, now_ms
from wildcat.media import safe_filename
from wildcat.services.chats import chat_activity, import_chats
from wildcat.services.identity import IdentityBook
from wildcat.services.inbound_chat import InboundChat
from wildcat.services.inbound_effects import (
    EFFECT_EVENTS, EFFECT_TYPES, effect_change, target_id)
from wildcat.services.groups_inbound import GroupEvents
from wildcat.services.inbound_media import MediaFetcher
from wildcat.services.message_shapes import message_event
from wildcat.store.base import StoreError

log = logging.getLogger(__name__)

# Keys of a normalised message that are instructions or bytes, never stored on the record.
TRANSIENT_KEYS = ("media", "reaction", "revokedMessageId", "edit", "pollVote", "chatLid")
BURST_MAX = 1000           # queued live messages stored together (one insert transaction)
INSERT_CHUNK = 1000        # history messages per store transaction (bounds lock hold time)
STORE_RETRY_BASE, STORE_RETRY_CAP = 0.5, 30.0  # seconds, while the store is unreachable
SEEN_EFFECTS_MAX = 10_000   # effect ids remembered per account (their target may be missing)


def stored_form(msg: dict) -> dict:
    """The record kept for a normalised message: no transient keys, no None values."""
    doc = {k: v for k, v in msg.items() if k not in TRANSIENT_KEYS and v is not None}
    doc["fromMe"] = bool(msg.get("fromMe"))
    doc["isGroup"] = bool(msg.get("isGroup"))
    doc["hasMedia"] = bool(msg.get("hasMedia"))
    doc["timestamp"] = int(msg["timestamp"])
    doc.setdefault("type", "text")
    if doc.get("fileName") is not None:   # the sender's name, cleaned like an upload's
        doc["fileName"] = safe_filename(str(doc["fileName"]), doc.get("mimetype"), "file")
    if doc["fromMe"]:
        doc.setdefault("status", "sent")   # sent from the phone; receipts move it forward
    return doc


def is_valid(msg) -> bool:
    """A normalised message the store can key: string ids and an integer timestamp."""
    return (isinstance(msg, dict) and isinstance(msg.get("messageId"), str)
            and isinstance(msg.get("chatId"), str) and msg["messageId"] and msg["chatId"]
            and isinstance(msg.get("timestamp"), int) and not isinstance(msg["timestamp"], bool))


class _AccountState:
    """What the pipeline remembers about one worker: named chats and recent effect ids."""

    def __init__(self):
        self.named_chats = set()
        self.seen_effects = collections.OrderedDict()

    def first_sight(self, effect_id) -> bool:
        if effect_id in self.seen_effects:
            return False
        self.seen_effects[effect_id] = None
        if len(self.seen_effects) > SEEN_EFFECTS_MAX:
            self.seen_effects.popitem(last=False)
        return True


class InboundPipeline:
    """Called as `pipeline(worker, event)` on the account's worker thread for MESSAGE,
    RECEIPT, HISTORY and the group driver events (services/groups_inbound.py); it owns no thread (media downloads that outlive
    their wait finish on a MediaFetcher helper thread). Of the worker it uses only
    `account_id`, `config`, `wait()`, `stopping()`, `take_events()` and
    `media_downloader()`; every event leaves through `events.emit` after it is stored."""

    def __init__(self, store, events, *, media_wait=30.0, max_late_downloads=4,
                 identities=None):
        self.store, self.events = store, events
        self.identities = identities or IdentityBook(store)
        self.chat = InboundChat(store, events, self.identities)   # issue 11
        self.media = MediaFetcher(store, wait=media_wait, max_late=max_late_downloads)
        self.groups = GroupEvents(store, events)
        self._states = weakref.WeakKeyDictionary()
        self._states_lock = threading.Lock()

    def __call__(self, worker, event):
        if event.kind == base.MESSAGE:
            take = getattr(worker, "take_events", None)
            burst = take(base.MESSAGE, BURST_MAX - 1) if take is not None else ()
            self._until_stored(worker, self.on_messages, [event.data] + [e.data for e in burst])
        elif event.kind == base.RECEIPT:
            self._until_stored(worker, self.on_receipt, event.data)
        elif event.kind == base.HISTORY:
            self._until_stored(worker, self.on_history, event.data)
        elif event.kind in base.GROUP_EVENT_KINDS:
            self._until_stored(worker, self.groups, event)
        elif event.kind == base.PRESENCE:
            self._until_stored(worker, self.chat.on_presence, event.data)
        elif event.kind == base.CALL:
            self._until_stored(worker, self.chat.on_call, event.data)
        elif event.kind == base.IDENTITIES:
            self._until_stored(worker, self.chat.on_identities, event.data)
        else:
            log.debug("account %s: ignoring driver event %s", worker.account_id, event.kind)

    def _until_stored(self, worker, handler, data):
        """Run `handler` again while the store is failing: an outage holds the account's
        queue (back-pressure onto the connection) instead of dropping what arrived. Every
        handler is idempotent (unique message ids, forward-only status), so a retry after a
        partial write stores nothing twice."""
        attempt = 0
        while True:
            try:
                return handler(worker, data)
            except StoreError as exc:
                attempt += 1
                stopping = getattr(worker, "stopping", None)
                if stopping is None or stopping():
                    raise
                delay = backoff_delay(attempt, STORE_RETRY_BASE, STORE_RETRY_CAP)
                log.warning("account %s: store failed (%s); retrying inbound in %.1fs",
                            worker.account_id, exc, delay)
                worker.wait(delay)

    def state(self, worker) -> _AccountState:
        with self._states_lock:
            state = self._states.get(worker)
            if state is None:
                state = self._states[worker] = _AccountState()
            return state

    # -- messages ------------------------------------------------------------------------
    def on_messages(self, worker, msgs):
        """Store live messages (one event, or a burst drained from the queue) in arrival
        order; a reaction/revoke/edit first stores what came before it (maybe its target)."""
        pending = []
        for msg in msgs:
            if not is_valid(msg):
                log.warning("account %s: dropped a malformed inbound message", worker.account_id)
                continue
            if self.chat.resolve(worker.account_id, msg):
                for earlier in pending:    # a pair learned just now renames those too
                    self.chat.resolve(worker.account_id, earlier)
            if msg.get("type") in EFFECT_TYPES:
                self._store_batch(worker, pending)
                pending = []
                self.apply_effect(worker, msg, publish=True)
            else:
                pending.append(msg)
        self._store_batch(worker, pending)

    def _store_batch(self, worker, msgs):
        """One batch insert (duplicates skipped), media, one upsert per chat, then one
        `message` event per newly stored message, in order."""
        if not msgs:
            return
        account_id, docs = worker.account_id, [stored_form(m) for m in msgs]
        inserted = set(self.store.insert_messages(account_id, docs))
        fresh = []   # redelivered messages (reconnect, history overlap) were published already
        for msg, doc in zip(msgs, docs):
            if doc["messageId"] in inserted:
                inserted.discard(doc["messageId"])   # twice in one burst still counts once
                fresh.append((msg, doc))
        for msg, doc in fresh:
            if doc["hasMedia"]:
                media_id = self.media.attach(worker, doc, msg.get("media"))
                if media_id:
                    doc["mediaId"] = media_id
        self._touch_chats(worker, [doc for _msg, doc in fresh])
        for _msg, doc in fresh:
            self.chat.remember_sender(account_id, doc)
        for _msg, doc in fresh:
            self.events.emit(message_event(domain.MESSAGE, account_id, doc))

    def _touch_chats(self, worker, docs):
        """One chat upsert per chat of the batch: newest preview, unread += inbound count."""
        chats = {}
        for doc in docs:
            entry = chats.setdefault(doc["chatId"], {"newest": doc, "unread": 0, "name": None})
            if doc["timestamp"] >= entry["newest"]["timestamp"]:
                entry["newest"] = doc
            if not doc["fromMe"]:
                entry["unread"] += 1
                entry["name"] = entry["name"] or self._chat_name(worker, doc)
        self.store.upsert_chats(worker.account_id, [
            chat_activity(e["newest"], unread_increment=e["unread"], name=e["name"])
            for e in chats.values()])

    def _chat_name(self, worker, doc):
        """The sender's pushName for a direct chat that has no name yet (one read per chat)."""
        if doc["isGroup"] or not doc.get("pushName"):
            return None
        named = self.state(worker).named_chats
        if doc["chatId"] in named:
            return None
        named.add(doc["chatId"])
        chat = self.store.get_chat(worker.account_id, doc["chatId"])
        return None if chat and chat.get("name") else doc["pushName"]

    # -- history -------------------------------------------------------------------------
    def on_history(self, worker, data):
        """Import a history batch idempotently: messages in chunked batch inserts, one upsert
        per chat, effects applied silently, then ONE `history.sync` event (no `message`
        events). Historical media is not downloaded here (a bootstrap can hold thousands of
        files); GET .../media fetches it on demand."""
        account_id, docs, effects, skipped = worker.account_id, [], [], 0
        for msg in data.get("messages") or ():
            if not is_valid(msg):
                skipped += 1
                continue
            self.chat.resolve(account_id, msg)
            if msg.get("type") in EFFECT_TYPES:
                effects.append(msg)
            else:
                docs.append(stored_form(msg))
        inserted = 0
        for start in range(0, len(docs), INSERT_CHUNK):
            inserted += len(self.store.insert_messages(account_id,
                                                       docs[start:start + INSERT_CHUNK]))
        chats = import_chats(self.store, account_id, data.get("chats") or (), docs)
        for msg in sorted(effects, key=lambda m: m["timestamp"]):
            self.apply_effect(worker, msg, publish=False)
        log.info("account %s: history %s imported: %d chats, %d/%d new messages", account_id,
                 data.get("syncType"), chats, inserted, len(docs))
        self.events.emit(make_event(
            domain.HISTORY_SYNC, account_id, syncType=data.get("syncType"), chats=chats,
            messages=len(docs), inserted=inserted, duplicates=len(docs) - inserted,
            effects=len(effects), skipped=skipped))

    # -- reactions, revokes, edits -------------------------------------------------------
    def apply_effect(self, worker, msg, *, publish):
        """Apply a reaction/revoke/edit to its target; publish only when something changed
        (a target not stored yet: once per effect id this worker remembers)."""
        account_id, target_ref = worker.account_id, target_id(msg)
        if target_ref is None:
            log.warning("account %s: %s without a target id", account_id, msg["type"])
            return
        target = self.store.get_message(account_id, target_ref)
        fields, extra = effect_change(msg, target)
        if target is not None:
            if not fields:
                return   # already applied: a redelivery
            self.store.update_message(account_id, target_ref, fields)
        elif not self.state(worker).first_sight(msg["messageId"]):
            return
        if publish:
            fields = {"messageId": target_ref, "chatId": msg["chatId"], "from": msg.get("from"),
                      "fromLid": msg.get("fromLid"), "fromPhone": msg.get("fromPhone"),
                      "fromMe": bool(msg.get("fromMe")), "timestamp": msg["timestamp"],
                      "isGroup": bool(msg.get("isGroup")), "targetFound": target is not None,
                      "eventMessageId": msg["messageId"], **extra}
            self.events.emit(make_event(EFFECT_EVENTS[msg["type"]], account_id, **fields))

    def _ack_person(self, account_id, sender):
        if not isinstance(sender, str) or not sender:
            return {"from": sender, "fromLid": None, "fromPhone": None}
        return self.identities.person(account_id, sender)

    # -- receipts ------------------------------------------------------------------------
    def on_receipt(self, worker, data):
        """Peer acks move status forward (one `message.ack` per change); our own read on
        another device resets the chat's unread count instead."""
        status, account_id = data.get("type"), worker.account_id
        ids = [i for i in data.get("messageIds") or () if isinstance(i, str) and i]
        if status not in ("delivered", "read", "played") or not ids:
            return
        if data.get("self"):
            chat_id = data.get("chatId")
            if status != "delivered" and chat_id and self.store.get_chat(account_id, chat_id):
                self.store.upsert_chat(account_id, chat_id, unread_count=0)
            return
        for message_id in ids:
            if self.store.advance_message_status(account_id, message_id, status):
                self.events.emit(make_event(
                    domain.MESSAGE_ACK, account_id, messageId=message_id,
                    chatId=data.get("chatId"), status=status,
                    **self._ack_person(account_id, data.get("from")),
                    timestamp=data.get("timestamp") or now_ms()))
