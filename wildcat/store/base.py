"""The store contract: every backend (SQLite, MongoDB) implements exactly this.

Records are plain dicts with the API's camelCase keys. A backend keeps unknown keys of a
record as they are (they round-trip), except that the `raw` key of a message is bytes (the
serialized protobuf of the WhatsApp message) and is kept as bytes. Record times
(`createdAt`, `lastUpdate`) are ISO-8601 strings made by the caller; message timestamps and
`nextAttemptAt`/`expiresAt` are epoch milliseconds (int).
"""
import abc
import contextlib

from wildcat.domain import MESSAGE_STATUSES


class StoreError(Exception):
    """The backend failed (unreachable, corrupt); the API answers 503 `store_unavailable`."""


class DuplicateKey(StoreError):
    """An insert collided with a unique key."""


# Forward-only order of a sent message's status.
MESSAGE_STATUS_RANK = {status: rank for rank, status in enumerate(MESSAGE_STATUSES)}


class MediaFile(abc.ABC):
    """A stored blob opened for streaming: `length`, `mimetype`, `filename`, `accountId`."""

    length: int
    mimetype: str
    filename: str
    accountId: str
    mediaId: str

    @abc.abstractmethod
    def read(self, size=-1) -> bytes:
        """Read up to `size` bytes (all remaining when -1)."""

    @abc.abstractmethod
    def seek(self, offset: int) -> None:
        """Move to an absolute byte offset (for HTTP Range)."""

    def close(self) -> None:
        """Release the handle."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class Store(abc.ABC):
    """One store interface, two backends; every method is safe to call from any thread."""

    # -- lifecycle -----------------------------------------------------------------------
    @abc.abstractmethod
    def ping(self) -> None:
        """Raise StoreError when the store does not answer."""

    def close(self) -> None:
        """Release connections."""

    # -- units of work ---------------------------------------------------------------------
    def atomic(self):
        """A context manager grouping this thread's writes. SQLite: one transaction (all or
        nothing, one write lock). MongoDB: each write stands alone (the pairs that must not
        be split, an event and its deliveries, are made whole by the method that writes
        them, see append_event)."""
        return contextlib.nullcontext()

    def after_commit(self, fn) -> None:
        """Call `fn()` once the writes of the open `atomic()` block are committed (at once
        when none is open, and on MongoDB)."""
        fn()

    # -- accounts ------------------------------------------------------------------------
    @abc.abstractmethod
    def create_account(self, doc: dict) -> dict:
        """Insert an account (`_id` required); raise DuplicateKey when the id exists."""

    @abc.abstractmethod
    def get_account(self, account_id: str) -> dict | None: ...

    @abc.abstractmethod
    def list_accounts(self) -> list[dict]:
        """All accounts, oldest first (by createdAt)."""

    @abc.abstractmethod
    def update_account(self, account_id: str, fields: dict) -> bool:
        """Set top-level fields (a value of None removes the key); False when missing."""

    @abc.abstractmethod
    def delete_account(self, account_id: str) -> bool:
        """Remove the account and all it owns: messages, chats, media, its webhooks and
        their deliveries, its lease, the session snapshot under its collectionName
        (default `auth_{id}`), and the sandbox world's documents of the account
        (`registered:<id>`, `faults:<id>`) and its sent log, so an account created again
        under the id starts afresh. Global webhooks and their deliveries stay. The cascade
        runs even when the account record is already gone; returns whether it existed."""

    # -- messages ------------------------------------------------------------------------
    @abc.abstractmethod
    def insert_message(self, account_id: str, msg: dict) -> bool:
        """Store a message (`messageId`, `chatId`, `timestamp` required). Returns False and
        changes nothing when (account, messageId) is already stored. Messages are read back
        with `accountId` added and without any `_id`."""

    @abc.abstractmethod
    def insert_messages(self, account_id: str, msgs: list[dict]) -> list[str]:
        """Batch insert (one transaction where the backend has them); duplicates skipped.
        Returns the messageIds actually inserted."""

    @abc.abstractmethod
    def get_message(self, account_id: str, message_id: str) -> dict | None: ...

    @abc.abstractmethod
    def update_message(self, account_id: str, message_id: str, fields: dict) -> bool:
        """Set top-level fields (None removes); False when missing."""

    @abc.abstractmethod
    def advance_message_status(self, account_id: str, message_id: str, status: str) -> bool:
        """Move `status` forward only (MESSAGE_STATUS_RANK); True when it changed. A message
        without a status counts as lowest; one whose status is not in the rank is kept."""

    @abc.abstractmethod
    def list_messages(self, account_id: str, chat_id: str, *, limit: int = 50, skip: int = 0,
                      before: int | None = None, after: int | None = None) -> list[dict]:
        """Messages of one chat, newest first (timestamp desc), with before/after as
        exclusive ms bounds."""

    @abc.abstractmethod
    def find_message_by_media_id(self, account_id: str, media_id: str) -> dict | None: ...

    @abc.abstractmethod
    def count_messages(self, account_id: str | None = None) -> int: ...

    # -- chats ---------------------------------------------------------------------------
    @abc.abstractmethod
    def upsert_chat(self, account_id: str, chat_id: str, *, name: str | None = None,
                    is_group: bool | None = None, last_message_time: int | None = None,
                    last_message: dict | None = None, unread_increment: int = 0,
                    unread_count: int | None = None) -> None:
        """Create or update a chat. `name`/`is_group` set when given. `lastMessageTime` and
        `lastMessage` (preview) change only when `last_message_time` is newer than stored.
        `unread_count` sets, `unread_increment` adds (after the set when both are given).
        A new chat has every field list_chats names (name/lastMessage None, unreadCount 0,
        isGroup from `is_group` or else whether chat_id ends in @g.us)."""

    def upsert_chats(self, account_id: str, updates: list[dict]) -> None:
        """upsert_chat for each dict of keyword arguments (plus `chat_id`), in order; in one
        transaction where the backend has them (the inbound pipeline's bursts)."""
        for update in updates:
            fields = dict(update)
            self.upsert_chat(account_id, fields.pop("chat_id"), **fields)

    @abc.abstractmethod
    def get_chat(self, account_id: str, chat_id: str) -> dict | None: ...

    @abc.abstractmethod
    def list_chats(self, account_id: str, *, limit: int = 50, skip: int = 0) -> list[dict]:
        """Chats with `chatId, name, isGroup, unreadCount, lastMessageTime, lastMessage`,
        newest activity first (chats without lastMessageTime last)."""

    # -- media ---------------------------------------------------------------------------
    @abc.abstractmethod
    def put_media(self, account_id: str, stream, *, filename: str, mimetype: str) -> dict:
        """Store a blob read from a file-like `stream` in chunks (never whole in memory).
        Returns {mediaId, length, mimetype, filename}."""

    @abc.abstractmethod
    def open_media(self, media_id: str) -> MediaFile | None: ...

    @abc.abstractmethod
    def delete_media(self, media_id: str) -> bool: ...

    # -- webhooks ------------------------------------------------------------------------
    @abc.abstractmethod
    def create_webhook(self, doc: dict) -> tuple[dict, bool]:
        """Insert `doc` (`_id`, `url`, optional `accountId`, `events`, `secret`) unless a
        webhook with the same (url, accountId) exists. Returns (stored doc, created)."""

    @abc.abstractmethod
    def get_webhook(self, webhook_id: str) -> dict | None: ...

    @abc.abstractmethod
    def list_webhooks(self, account_id: str | None = None) -> list[dict]:
        """All webhooks, oldest first; with account_id, those for that account plus the
        global ones (no accountId)."""

    @abc.abstractmethod
    def update_webhook(self, webhook_id: str, fields: dict) -> dict | None:
        """Set top-level fields (None removes one, e.g. `accountId` → global) and return the
        updated webhook, or None when it does not exist. Raises DuplicateKey when the new
        (url, accountId) belongs to another webhook; nothing changes then."""

    @abc.abstractmethod
    def delete_webhook(self, webhook_id: str) -> bool:
        """Remove the webhook and its deliveries."""

    # -- webhook deliveries (the durable outbox) -----------------------------------------
    @abc.abstractmethod
    def create_deliveries(self, docs: list[dict]) -> None:
        """Insert deliveries (`_id`, `webhookId`, `accountId`, `event`, `payload` (dict),
        `status`='pending', `attempts`, `nextAttemptAt` ms, `createdAt`) in one batch."""

    @abc.abstractmethod
    def get_delivery(self, delivery_id: str) -> dict | None: ...

    @abc.abstractmethod
    def update_delivery(self, delivery_id: str, fields: dict) -> bool: ...

    @abc.abstractmethod
    def update_deliveries(self, updates: list[tuple[str, dict]]) -> None:
        """`update_delivery` for each (delivery_id, fields) pair, in one batch (one
        transaction where the backend has them); missing ids are skipped."""

    @abc.abstractmethod
    def due_deliveries(self, now_ms: int, limit: int = 100,
                       exclude_ids=(), webhook_id: str | None = None) -> list[dict]:
        """Pending deliveries with nextAttemptAt <= now_ms, oldest due first; with
        `webhook_id`, only that webhook's (one endpoint's backlog never hides another's)."""

    @abc.abstractmethod
    def list_deliveries(self, webhook_id: str, *, limit: int = 50, skip: int = 0,
                        status: str | None = None) -> list[dict]:
        """A webhook's deliveries, newest first."""

    @abc.abstractmethod
    def purge_deliveries(self, created_before: str, statuses=("delivered", "failed")) -> int:
        """Delete finished deliveries whose `createdAt` (ISO-8601) is before
        `created_before`; pending ones are never purged. Returns how many went."""

    @abc.abstractmethod
    def count_deliveries(self) -> dict[str, int]:
        """{status: count} over all deliveries."""

    @abc.abstractmethod
    def count_deliveries_by_webhook(self) -> dict[str, dict[str, int]]:
        """{webhookId: {status: count}} over all deliveries (webhooks with none are absent)."""

    # -- leases --------------------------------------------------------------------------
    @abc.abstractmethod
    def acquire_lease(self, account_id: str, owner: str, ttl_ms: int, now_ms: int) -> bool:
        """Atomically take or renew the account's lease: succeeds when there is none, it
        expired (expiresAt <= now_ms), or `owner` holds it. Sets expiresAt = now_ms+ttl_ms."""

    @abc.abstractmethod
    def release_lease(self, account_id: str, owner: str) -> None:
        """Drop the lease if `owner` holds it."""

    @abc.abstractmethod
    def get_lease(self, account_id: str) -> dict | None:
        """{accountId, owner, expiresAt} or None."""

    @abc.abstractmethod
    def live_leases(self, now_ms: int) -> list[dict]:
        """Every lease not expired at now_ms ({accountId, owner, expiresAt}), in one read."""

    # -- the event log (DESIGN §10: every event, ordered, with a cursor) ------------------
    @abc.abstractmethod
    def append_event(self, event: dict, at_ms: int, deliveries=()) -> int:
        """Append a flat event (`event`, `accountId`, ...) and return its cursor: an int
        greater than every cursor handed out before. Cursors are unique but may commit out
        of order under concurrent writers (readers handle gaps); `at_ms` is for retention.

        `deliveries` (webhook delivery docs whose `payload` is the event) are created with
        it, each payload carrying the cursor: once this returns, a crash can no longer
        leave the event without them. SQLite writes both in one transaction; MongoDB
        writes the event with its deliveries inside (one document, atomic), then creates
        them; `complete_fanout()` finishes what a crash interrupted. When this raises, the
        event is not in the log."""

    def complete_fanout(self, before_ms: int) -> int:
        """Create the deliveries of events appended before `before_ms` whose writer died
        between the event and its deliveries (MongoDB); how many were created."""
        return 0

    @abc.abstractmethod
    def read_events(self, after: int, limit: int = 100, *, upto: int | None = None,
                    account_id: str | None = None, events=None) -> list[dict]:
        """Events with after < cursor (<= upto when given), ascending, each with its
        `cursor`; optionally only one account's and/or only the named events."""

    @abc.abstractmethod
    def last_event_cursor(self) -> int:
        """The highest cursor stored (0 when the log is empty)."""

    @abc.abstractmethod
    def purge_events(self, before_ms: int) -> int:
        """Remove events appended before `before_ms`; how many went."""

    # -- instances (the processes sharing this store, DESIGN §10) -------------------------
    @abc.abstractmethod
    def register_instance(self, doc: dict) -> None:
        """Insert or replace an instance: `_id`, `address`, `startedAt` (ISO-8601),
        `heartbeatAt` (ms)."""

    @abc.abstractmethod
    def heartbeat_instance(self, instance_id: str, now_ms: int) -> bool:
        """Set the instance's heartbeatAt; False when it is not registered (purged)."""

    @abc.abstractmethod
    def remove_instance(self, instance_id: str) -> None: ...

    @abc.abstractmethod
    def list_instances(self) -> list[dict]:
        """Every registered instance, oldest started first (then by id)."""

    @abc.abstractmethod
    def purge_instances(self, heartbeat_before_ms: int) -> int:
        """Remove instances whose heartbeatAt < heartbeat_before_ms; how many went."""

    # -- session snapshots ---------------------------------------------------------------
    @abc.abstractmethod
    def save_snapshot(self, collection_name: str, data: bytes) -> None:
        """Replace the snapshot stored under collection_name."""

    @abc.abstractmethod
    def load_snapshot(self, collection_name: str) -> bytes | None: ...

    @abc.abstractmethod
    def delete_snapshot(self, collection_name: str) -> None: ...

    # -- groups (issue 12) ---------------------------------------------------------------
    # A group record is the API's group: {id (…@g.us), subject, description, owner,
    # createdAt, announce, locked, participants: [{jid, phone, lid, admin}], updatedAt}.
    @abc.abstractmethod
    def upsert_group(self, account_id: str, group: dict) -> None:
        """Store the account's group record `group` (keyed by its `id`), replacing any."""

    @abc.abstractmethod
    def get_group(self, account_id: str, group_id: str) -> dict | None: ...

    @abc.abstractmethod
    def list_groups(self, account_id: str) -> list[dict]:
        """The account's group records, by id."""

    @abc.abstractmethod
    def delete_group(self, account_id: str, group_id: str) -> bool:
        """Forget one group record; False when there was none. delete_account removes all."""

    # -- daily send counts (the send policy's dailyLimit) -------------------------------
    @abc.abstractmethod
    def add_send_count(self, account_id: str, day: str, delta: int) -> int:
        """Atomically add `delta` to the account's send count of `day` (YYYY-MM-DD, UTC;
        a missing count is 0) and return the new count. delete_account removes them."""

    # -- chat extras (issue 11): contacts, the LID <-> phone map, LID chat merges ----------
    @abc.abstractmethod
    def upsert_contact(self, account_id: str, jid: str, fields: dict) -> None:
        """Create the contact `jid` (a phone JID, or a LID while its phone is unknown) or
        set its fields (`lid`, `phone`, `name`, `pushName`, `blocked`, ...; None values are
        ignored, so a partial source never erases what another one taught)."""

    @abc.abstractmethod
    def get_contact(self, account_id: str, jid: str) -> dict | None:
        """The contact stored under `jid`, or whose `lid` is `jid`; {jid, lid?, ...}."""

    @abc.abstractmethod
    def delete_contact(self, account_id: str, jid: str) -> bool: ...

    @abc.abstractmethod
    def list_contacts(self, account_id: str, *, limit: int = 50, skip: int = 0,
                      before: str | None = None) -> list[dict]:
        """Contacts ordered by `jid` descending; `before` (a jid, exclusive) pages on."""

    @abc.abstractmethod
    def put_identity(self, account_id: str, lid: str, phone_jid: str) -> bool:
        """Remember that `lid` is `phone_jid`; True when the pair is new or changed."""

    @abc.abstractmethod
    def phone_for_lid(self, account_id: str, lid: str) -> str | None: ...

    @abc.abstractmethod
    def lid_for_phone(self, account_id: str, phone_jid: str) -> str | None: ...

    @abc.abstractmethod
    def move_chat(self, account_id: str, old_chat_id: str, new_chat_id: str) -> int:
        """Merge chat `old_chat_id` into `new_chat_id`: its messages move (chatId, and a
        `from` equal to the old id, rewritten), the chat records merge (unread counts add,
        the newer preview wins, a missing name is taken) and the old chat goes. Returns how
        many messages moved; idempotent."""


    # -- the sandbox's simulated world (issue 13 item 6) ----------------------------------
    # What the sandbox driver's WhatsApp knows, shared by every process on the store so that
    # an account that moves finds its world intact: documents by key (groups, invite codes,
    # directories of registered numbers, fault switches, which media the network holds), a
    # mailbox of network packets addressed to JIDs, and each account's `sent` log.
    @abc.abstractmethod
    def world_get(self, key: str) -> dict | None:
        """The world document stored under `key`, or None."""

    @abc.abstractmethod
    def world_list(self, prefix: str) -> list[tuple[str, dict]]:
        """(key, document) of every key starting with `prefix`, by key."""

    @abc.abstractmethod
    def world_change(self, key: str, fn) -> dict | None:
        """Atomically, across processes, replace the document under `key` with
        `fn(current)` (current None when absent; fn returning None deletes it) and return
        what fn returned. fn may be called more than once (a concurrent change retries it),
        so it only computes from its argument; it must not call the store. An exception
        raised by fn changes nothing and propagates."""

    @abc.abstractmethod
    def world_post(self, packets: list[dict], at_ms: int, *, account_id: str | None = None,
                   sent: dict | None = None) -> None:
        """In one write where the backend has transactions: append `sent` to the sent log
        of `account_id` (when given) and post `packets` (dicts, each with `to`: the JID it
        is addressed to) to the mailbox, in order, each with a sequence greater than any
        before; `at_ms` is for purge_packets."""

    @abc.abstractmethod
    def pending_packets(self, jids, limit: int = 100) -> list[dict]:
        """The packets addressed to any of `jids` not yet acknowledged, by sequence, each
        with its `seq`."""

    @abc.abstractmethod
    def ack_packets(self, seqs) -> None:
        """Delete the packets with these sequences (delivered); unknown ones are skipped."""

    @abc.abstractmethod
    def purge_packets(self, before_ms: int) -> int:
        """Delete packets posted before `before_ms`, delivered or not; how many went."""

    @abc.abstractmethod
    def list_sent(self, account_id: str) -> list[dict]:
        """The account's sent log, oldest first."""
