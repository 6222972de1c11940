"""SQLite backend: one WAL file, a bounded connection pool, writes serialized by one lock."""
import contextlib
import json
import uuid

from wildcat import domain
from wildcat.store.base import MESSAGE_STATUS_RANK, Store
from wildcat.store.sqlite_db import SQLiteConnections, translate
from wildcat.store.sqlite_docs import (
    CHUNK_SIZE, SCHEMA, SQLiteMediaFile, account_cols, apply_fields, chat_cols, delivery_cols,
    dumps, message_cols, new_chat, read_full, row_doc, webhook_cols)


class SQLiteStore(SQLiteConnections, Store):
    """The embedded store; safe for many threads and for several processes on one file."""

    def __init__(self, path: str):
        super().__init__(path)
        translate(self._init_schema)()

    def _init_schema(self):
        with self._lease() as db:
            db.execute("PRAGMA journal_mode=WAL")   # persistent: set once per file
        with self._write() as db:
            for statement in SCHEMA.split(";"):
                db.execute(statement)

    def _update(self, table, where, params, fields, cols, db=None):
        """Read-modify-write one row's doc inside a transaction; False when missing."""
        if db is None:
            with self._write() as db:
                return self._update(table, where, params, fields, cols, db)
        row = db.execute(f"SELECT * FROM {table} WHERE {where}", params).fetchone()
        if row is None:
            return False
        values = cols(apply_fields(row_doc(row), fields))
        sets = ", ".join(f"{c} = ?" for c in values)
        db.execute(f"UPDATE {table} SET {sets} WHERE {where}", (*values.values(), *params))
        return True

    # -- lifecycle ---------------------------------------------------------------------
    def ping(self):
        self._one("SELECT 1")

    # -- accounts ----------------------------------------------------------------------
    def create_account(self, doc):
        with self._write() as db:
            self._insert(db, "accounts", account_cols(doc))
        return dict(doc)

    def get_account(self, account_id):
        row = self._one("SELECT doc FROM accounts WHERE id = ?", (account_id,))
        return row_doc(row) if row else None

    def list_accounts(self):
        return [row_doc(r) for r in
                self._all("SELECT doc FROM accounts ORDER BY created_at, rowid")]

    def update_account(self, account_id, fields):
        return self._update("accounts", "id = ?", (account_id,), fields, account_cols)

    def delete_account(self, account_id):
        with self._write() as db:
            row = db.execute("SELECT doc FROM accounts WHERE id = ?", (account_id,)).fetchone()
            snapshot = domain.collection_name(row_doc(row) if row else {"_id": account_id})
            one = (account_id,)
            db.execute("DELETE FROM messages WHERE account_id = ?", one)
            db.execute("DELETE FROM chats WHERE account_id = ?", one)
            db.execute("DELETE FROM media_chunks WHERE media_id IN "
                       "(SELECT id FROM media WHERE account_id = ?)", one)
            db.execute("DELETE FROM media WHERE account_id = ?", one)
            db.execute("DELETE FROM deliveries WHERE webhook_id IN "
                       "(SELECT id FROM webhooks WHERE account_key = ?)", one)
            db.execute("DELETE FROM webhooks WHERE account_key = ?", one)
            db.execute("DELETE FROM leases WHERE account_id = ?", one)
            db.execute("DELETE FROM snapshots WHERE name = ?", (snapshot,))
            db.execute("DELETE FROM groups WHERE account_id = ?", one)
            db.execute("DELETE FROM send_counts WHERE account_id = ?", one)
            db.execute("DELETE FROM contacts WHERE account_id = ?", one)
            db.execute("DELETE FROM identities WHERE account_id = ?", one)
            db.execute("DELETE FROM world WHERE key IN (?, ?)",
                       ("registered:" + account_id, "faults:" + account_id))
            db.execute("DELETE FROM world_sent WHERE account_id = ?", one)
            return db.execute("DELETE FROM accounts WHERE id = ?", one).rowcount > 0

    # -- messages ----------------------------------------------------------------------
    def insert_message(self, account_id, msg):
        return bool(self.insert_messages(account_id, [msg]))

    def insert_messages(self, account_id, msgs):
        rows = [message_cols(account_id, m) for m in msgs]   # validate before locking
        inserted = []
        with self._write() as db:
            for values in rows:
                if self._insert(db, "messages", values, "INSERT OR IGNORE").rowcount:
                    inserted.append(values["message_id"])
        return inserted

    def get_message(self, account_id, message_id):
        row = self._one("SELECT doc, raw FROM messages WHERE account_id = ? AND message_id = ?",
                        (account_id, message_id))
        return row_doc(row) if row else None

    def update_message(self, account_id, message_id, fields):
        return self._update("messages", "account_id = ? AND message_id = ?",
                            (account_id, message_id), fields,
                            lambda doc: message_cols(account_id, doc))

    def advance_message_status(self, account_id, message_id, status):
        rank = MESSAGE_STATUS_RANK[status]
        with self._write() as db:
            row = db.execute("SELECT doc FROM messages WHERE account_id = ? AND message_id = ?",
                             (account_id, message_id)).fetchone()
            if row is None:
                return False
            doc = row_doc(row)
            current = doc.get("status")
            # A missing status counts as lowest; an unknown one is never overwritten.
            if current is not None and MESSAGE_STATUS_RANK.get(current, rank) >= rank:
                return False
            doc["status"] = status
            db.execute("UPDATE messages SET doc = ? WHERE account_id = ? AND message_id = ?",
                       (dumps(doc), account_id, message_id))
            return True

    def list_messages(self, account_id, chat_id, *, limit=50, skip=0, before=None, after=None):
        sql = "SELECT doc, raw FROM messages WHERE account_id = ? AND chat_id = ?"
        params = [account_id, chat_id]
        if before is not None:
            sql += " AND timestamp < ?"
            params.append(int(before))
        if after is not None:
            sql += " AND timestamp > ?"
            params.append(int(after))
        sql += " ORDER BY timestamp DESC, rowid DESC LIMIT ? OFFSET ?"
        return [row_doc(r) for r in self._all(sql, (*params, int(limit), int(skip)))]

    def find_message_by_media_id(self, account_id, media_id):
        row = self._one("SELECT doc, raw FROM messages WHERE account_id = ? AND media_id = ? "
                        "LIMIT 1", (account_id, media_id))
        return row_doc(row) if row else None

    def count_messages(self, account_id=None):
        if account_id is None:
            return self._one("SELECT count(*) FROM messages")[0]
        return self._one("SELECT count(*) FROM messages WHERE account_id = ?", (account_id,))[0]

    # -- chats -------------------------------------------------------------------------
    def upsert_chat(self, account_id, chat_id, **fields):
        with self._write() as db:
            self._upsert_chat(db, account_id, chat_id, **fields)

    @translate
    def upsert_chats(self, account_id, updates):
        with self._write() as db:   # one transaction for the whole batch
            for update in updates:
                self._upsert_chat(db, account_id, **update)

    def _upsert_chat(self, db, account_id, chat_id, *, name=None, is_group=None,
                     last_message_time=None, last_message=None, unread_increment=0,
                     unread_count=None):
        row = db.execute("SELECT doc FROM chats WHERE account_id = ? AND chat_id = ?",
                         (account_id, chat_id)).fetchone()
        doc = row_doc(row) if row else new_chat(account_id, chat_id)
        if name is not None:
            doc["name"] = name
        if is_group is not None:
            doc["isGroup"] = bool(is_group)
        stored = doc.get("lastMessageTime")
        if last_message_time is not None and (stored is None or last_message_time > stored):
            doc["lastMessageTime"] = int(last_message_time)
            doc["lastMessage"] = last_message
        if unread_count is not None:
            doc["unreadCount"] = int(unread_count)
        doc["unreadCount"] = doc.get("unreadCount", 0) + int(unread_increment)
        self._insert(db, "chats", chat_cols(doc), "INSERT OR REPLACE")

    def get_chat(self, account_id, chat_id):
        row = self._one("SELECT doc FROM chats WHERE account_id = ? AND chat_id = ?",
                        (account_id, chat_id))
        return row_doc(row) if row else None

    def list_chats(self, account_id, *, limit=50, skip=0):
        # DESC puts NULLs last in SQLite, so chats without activity come at the end.
        rows = self._all("SELECT doc FROM chats WHERE account_id = ? ORDER BY "
                         "last_message_time DESC, chat_id LIMIT ? OFFSET ?",
                         (account_id, int(limit), int(skip)))
        return [row_doc(r) for r in rows]

    # -- media -------------------------------------------------------------------------
    def put_media(self, account_id, stream, *, filename, mimetype):
        media_id = uuid.uuid4().hex
        length, n = 0, 0
        try:
            while True:
                chunk = read_full(stream, CHUNK_SIZE)
                if not chunk:
                    break
                # One short transaction per chunk: a slow upload never holds the write lock.
                with self._write() as db:
                    db.execute("INSERT INTO media_chunks (media_id, n, data) VALUES (?, ?, ?)",
                               (media_id, n, chunk))
                length, n = length + len(chunk), n + 1
            with self._write() as db:
                db.execute("INSERT INTO media (id, account_id, length, chunk_size, filename, "
                           "mimetype) VALUES (?, ?, ?, ?, ?, ?)",
                           (media_id, account_id, length, CHUNK_SIZE, filename, mimetype))
        except BaseException:
            with contextlib.suppress(Exception), self._write() as db:
                db.execute("DELETE FROM media_chunks WHERE media_id = ?", (media_id,))
            raise
        return {"mediaId": media_id, "length": length, "mimetype": mimetype,
                "filename": filename}

    def open_media(self, media_id):
        row = self._one("SELECT * FROM media WHERE id = ?", (media_id,))
        return SQLiteMediaFile(self._chunk, row) if row else None

    def _chunk(self, media_id, n):
        row = self._one("SELECT data FROM media_chunks WHERE media_id = ? AND n = ?",
                        (media_id, n))
        return bytes(row[0]) if row else b""

    def delete_media(self, media_id):
        with self._write() as db:
            db.execute("DELETE FROM media_chunks WHERE media_id = ?", (media_id,))
            return db.execute("DELETE FROM media WHERE id = ?", (media_id,)).rowcount > 0

    # -- webhooks ----------------------------------------------------------------------
    def create_webhook(self, doc):
        values = webhook_cols(doc)
        with self._write() as db:
            row = db.execute("SELECT doc FROM webhooks WHERE url = ? AND account_key = ?",
                             (values["url"], values["account_key"])).fetchone()
            if row:
                return row_doc(row), False
            self._insert(db, "webhooks", values)
        return dict(doc), True

    def get_webhook(self, webhook_id):
        row = self._one("SELECT doc FROM webhooks WHERE id = ?", (webhook_id,))
        return row_doc(row) if row else None

    def list_webhooks(self, account_id=None):
        if account_id is None:
            rows = self._all("SELECT doc FROM webhooks ORDER BY created_at, rowid")
        else:
            rows = self._all("SELECT doc FROM webhooks WHERE account_key IN (?, '') "
                             "ORDER BY created_at, rowid", (account_id,))
        return [row_doc(r) for r in rows]

    def update_webhook(self, webhook_id, fields):
        with self._write() as db:
            if not self._update("webhooks", "id = ?", (webhook_id,), fields, webhook_cols, db):
                return None
            return row_doc(db.execute("SELECT doc FROM webhooks WHERE id = ?",
                                      (webhook_id,)).fetchone())

    def delete_webhook(self, webhook_id):
        with self._write() as db:
            db.execute("DELETE FROM deliveries WHERE webhook_id = ?", (webhook_id,))
            return db.execute("DELETE FROM webhooks WHERE id = ?", (webhook_id,)).rowcount > 0

    # -- deliveries --------------------------------------------------------------------
    def create_deliveries(self, docs):
        rows = [delivery_cols(d) for d in docs]
        with self._write() as db:
            for values in rows:
                self._insert(db, "deliveries", values)

    def get_delivery(self, delivery_id):
        row = self._one("SELECT doc FROM deliveries WHERE id = ?", (delivery_id,))
        return row_doc(row) if row else None

    def update_delivery(self, delivery_id, fields):
        return self._update("deliveries", "id = ?", (delivery_id,), fields, delivery_cols)

    def update_deliveries(self, updates):
        with self._write() as db:
            for delivery_id, fields in updates:
                self._update("deliveries", "id = ?", (delivery_id,), fields, delivery_cols, db)

    def due_deliveries(self, now_ms, limit=100, exclude_ids=(), webhook_id=None):
        where, params = "", []
        if webhook_id is not None:
            where, params = "webhook_id = ? AND ", [webhook_id]
        rows = self._all(f"SELECT doc FROM deliveries WHERE {where}status = 'pending' AND "
                         "next_attempt_at <= ? AND id NOT IN (SELECT value FROM json_each(?)) "
                         # rowid is insertion order: the index alone answers this order,
                         # so a large backlog due at one instant is never sorted per fetch.
                         "ORDER BY next_attempt_at, rowid LIMIT ?",
                         (*params, int(now_ms), json.dumps(list(exclude_ids)), int(limit)))
        return [row_doc(r) for r in rows]

    def list_deliveries(self, webhook_id, *, limit=50, skip=0, status=None):
        sql, params = "SELECT doc FROM deliveries WHERE webhook_id = ?", [webhook_id]
        if status is not None:
            sql, params = sql + " AND status = ?", params + [status]
        sql += " ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?"
        return [row_doc(r) for r in self._all(sql, (*params, int(limit), int(skip)))]

    def purge_deliveries(self, created_before, statuses=("delivered", "failed")):
        statuses = [s for s in statuses if s != "pending"]
        with self._write() as db:
            cur = db.execute("DELETE FROM deliveries WHERE created_at < ? AND status IN "
                             "(SELECT value FROM json_each(?))",
                             (str(created_before), json.dumps(statuses)))
            return cur.rowcount

    def count_deliveries(self):
        rows = self._all("SELECT status, count(*) FROM deliveries GROUP BY status")
        return {status: count for status, count in rows}

    def count_deliveries_by_webhook(self):
        counts = {}
        for webhook_id, status, count in self._all(
                "SELECT webhook_id, status, count(*) FROM deliveries GROUP BY webhook_id, status"):
            counts.setdefault(webhook_id, {})[status] = count
        return counts

    # -- leases ------------------------------------------------------------------------
    def acquire_lease(self, account_id, owner, ttl_ms, now_ms):
        with self._write() as db:
            # One statement: insert, or take over only when expired or already ours.
            cur = db.execute(
                "INSERT INTO leases (account_id, owner, expires_at) VALUES (?, ?, ?) "
                "ON CONFLICT (account_id) DO UPDATE SET owner = excluded.owner, "
                "expires_at = excluded.expires_at "
                "WHERE leases.expires_at <= ? OR leases.owner = excluded.owner",
                (account_id, owner, int(now_ms) + int(ttl_ms), int(now_ms)))
            return cur.rowcount > 0

    def release_lease(self, account_id, owner):
        with self._write() as db:
            db.execute("DELETE FROM leases WHERE account_id = ? AND owner = ?",
                       (account_id, owner))

    def get_lease(self, account_id):
        row = self._one("SELECT * FROM leases WHERE account_id = ?", (account_id,))
        if row is None:
            return None
        return {"accountId": row["account_id"], "owner": row["owner"],
                "expiresAt": row["expires_at"]}

    def live_leases(self, now_ms):
        rows = self._all("SELECT * FROM leases WHERE expires_at > ?", (int(now_ms),))
        return [{"accountId": r["account_id"], "owner": r["owner"],
                 "expiresAt": r["expires_at"]} for r in rows]

    # -- the event log -----------------------------------------------------------------
    # Writers are serialized (BEGIN IMMEDIATE, across processes too), so cursors commit in
    # order here; AUTOINCREMENT never reuses a purged cursor.
    def append_event(self, event, at_ms, deliveries=()):
        doc = {k: v for k, v in event.items() if k != "cursor"}
        with self._write() as db:
            cursor = db.execute(
                "INSERT INTO events (account_id, name, at, doc) VALUES (?, ?, ?, ?)",
                (event.get("accountId"), event.get("event"), int(at_ms), dumps(doc))).lastrowid
            for delivery in deliveries:
                self._insert(db, "deliveries", delivery_cols(
                    dict(delivery, payload=dict(doc, cursor=cursor))))
            return cursor

    def read_events(self, after, limit=100, *, upto=None, account_id=None, events=None):
        where, params = ["cursor > ?"], [int(after)]
        if upto is not None:
            where.append("cursor <= ?")
            params.append(int(upto))
        if account_id is not None:
            where.append("account_id = ?")
            params.append(account_id)
        if events:
            names = sorted(events)
            where.append(f"name IN ({', '.join('?' * len(names))})")
            params.extend(names)
        rows = self._all(f"SELECT cursor, doc FROM events WHERE {' AND '.join(where)} "
                         "ORDER BY cursor LIMIT ?", (*params, int(limit)))
        return [dict(json.loads(r["doc"]), cursor=r["cursor"]) for r in rows]

    def last_event_cursor(self):
        row = self._one("SELECT max(cursor) FROM events")
        if row[0] is not None:
            return row[0]
        row = self._one("SELECT seq FROM sqlite_sequence WHERE name = 'events'")
        return row[0] if row else 0

    def purge_events(self, before_ms):
        with self._write() as db:
            return db.execute("DELETE FROM events WHERE at < ?", (int(before_ms),)).rowcount

    # -- instances ---------------------------------------------------------------------
    def register_instance(self, doc):
        with self._write() as db:
            db.execute("INSERT OR REPLACE INTO instances (id, address, started_at, heartbeat_at)"
                       " VALUES (?, ?, ?, ?)", (doc["_id"], doc.get("address"),
                                                doc.get("startedAt"), int(doc["heartbeatAt"])))

    def heartbeat_instance(self, instance_id, now_ms):
        with self._write() as db:
            return db.execute("UPDATE instances SET heartbeat_at = ? WHERE id = ?",
                              (int(now_ms), instance_id)).rowcount > 0

    def remove_instance(self, instance_id):
        with self._write() as db:
            db.execute("DELETE FROM instances WHERE id = ?", (instance_id,))

    def list_instances(self):
        rows = self._all("SELECT * FROM instances ORDER BY started_at, id")
        return [{"_id": r["id"], "address": r["address"], "startedAt": r["started_at"],
                 "heartbeatAt": r["heartbeat_at"]} for r in rows]

    def purge_instances(self, heartbeat_before_ms):
        with self._write() as db:
            return db.execute("DELETE FROM instances WHERE heartbeat_at < ?",
                              (int(heartbeat_before_ms),)).rowcount

    # -- snapshots ---------------------------------------------------------------------
    def save_snapshot(self, collection_name, data):
        with self._write() as db:
            db.execute("INSERT OR REPLACE INTO snapshots (name, data) VALUES (?, ?)",
                       (collection_name, bytes(data)))

    def load_snapshot(self, collection_name):
        row = self._one("SELECT data FROM snapshots WHERE name = ?", (collection_name,))
        return bytes(row[0]) if row else None

    def delete_snapshot(self, collection_name):
        with self._write() as db:
            db.execute("DELETE FROM snapshots WHERE name = ?", (collection_name,))

    # -- groups (issue 12) -------------------------------------------------------------
    def upsert_group(self, account_id, group):
        doc = dict(group)
        with self._write() as db:
            db.execute("INSERT OR REPLACE INTO groups (account_id, group_id, doc) "
                       "VALUES (?, ?, ?)", (str(account_id), str(doc["id"]), dumps(doc)))

    def get_group(self, account_id, group_id):
        row = self._one("SELECT doc FROM groups WHERE account_id = ? AND group_id = ?",
                        (account_id, group_id))
        return row_doc(row) if row else None

    def list_groups(self, account_id):
        rows = self._all("SELECT doc FROM groups WHERE account_id = ? ORDER BY group_id",
                         (account_id,))
        return [row_doc(r) for r in rows]

    def delete_group(self, account_id, group_id):
        with self._write() as db:
            return db.execute("DELETE FROM groups WHERE account_id = ? AND group_id = ?",
                              (account_id, group_id)).rowcount > 0
    # -- chat extras (issue 11) ----------------------------------------------------------
    def upsert_contact(self, account_id, jid, fields):
        with self._write() as db:
            row = db.execute("SELECT doc FROM contacts WHERE account_id = ? AND jid = ?",
                             (account_id, jid)).fetchone()
            doc = row_doc(row) if row else {"jid": jid}
            doc.update({k: v for k, v in fields.items() if v is not None and k != "jid"})
            db.execute("INSERT OR REPLACE INTO contacts (account_id, jid, lid, doc) "
                       "VALUES (?, ?, ?, ?)", (account_id, jid, doc.get("lid"), dumps(doc)))

    def get_contact(self, account_id, jid):
        row = self._one("SELECT doc FROM contacts WHERE account_id = ? AND (jid = ? OR lid = ?) "
                        "ORDER BY jid = ? DESC LIMIT 1", (account_id, jid, jid, jid))
        return row_doc(row) if row else None

    def delete_contact(self, account_id, jid):
        with self._write() as db:
            return db.execute("DELETE FROM contacts WHERE account_id = ? AND jid = ?",
                              (account_id, jid)).rowcount > 0

    def list_contacts(self, account_id, *, limit=50, skip=0, before=None):
        sql, params = "SELECT doc FROM contacts WHERE account_id = ?", [account_id]
        if before is not None:
            sql, params = sql + " AND jid < ?", params + [before]
        sql += " ORDER BY jid DESC LIMIT ? OFFSET ?"
        return [row_doc(r) for r in self._all(sql, (*params, int(limit), int(skip)))]

    def put_identity(self, account_id, lid, phone_jid):
        with self._write() as db:
            row = db.execute("SELECT pn FROM identities WHERE account_id = ? AND lid = ?",
                             (account_id, lid)).fetchone()
            if row is not None and row[0] == phone_jid:
                return False
            db.execute("INSERT OR REPLACE INTO identities (account_id, lid, pn) VALUES (?, ?, ?)",
                       (account_id, lid, phone_jid))
            return True

    def phone_for_lid(self, account_id, lid):
        row = self._one("SELECT pn FROM identities WHERE account_id = ? AND lid = ?",
                        (account_id, lid))
        return row[0] if row else None

    def lid_for_phone(self, account_id, phone_jid):
        row = self._one("SELECT lid FROM identities WHERE account_id = ? AND pn = ? "
                        "ORDER BY rowid DESC LIMIT 1", (account_id, phone_jid))
        return row[0] if row else None

    def move_chat(self, account_id, old_chat_id, new_chat_id):
        with self._write() as db:
            rows = db.execute("SELECT message_id, doc FROM messages WHERE account_id = ? AND "
                              "chat_id = ?", (account_id, old_chat_id)).fetchall()
            for row in rows:
                doc = row_doc(row)
                doc["chatId"] = new_chat_id
                if doc.get("from") == old_chat_id:
                    doc["from"] = new_chat_id
                db.execute("UPDATE messages SET chat_id = ?, doc = ? WHERE account_id = ? AND "
                           "message_id = ?", (new_chat_id, dumps(doc), account_id,
                                              row["message_id"]))
            old = db.execute("SELECT doc FROM chats WHERE account_id = ? AND chat_id = ?",
                             (account_id, old_chat_id)).fetchone()
            if old is not None:
                old = row_doc(old)
                kept = db.execute("SELECT doc FROM chats WHERE account_id = ? AND chat_id = ?",
                                  (account_id, new_chat_id)).fetchone()
                named = kept is not None and row_doc(kept).get("name")
                self._upsert_chat(db, account_id, new_chat_id,
                                  name=None if named else old.get("name"),
                                  last_message_time=old.get("lastMessageTime"),
                                  last_message=old.get("lastMessage"),
                                  unread_increment=int(old.get("unreadCount") or 0))
                new = row_doc(db.execute("SELECT doc FROM chats WHERE account_id = ? AND "
                                         "chat_id = ?", (account_id, new_chat_id)).fetchone())
                if new.get("lastMessage"):   # the preview's author may be the old id too
                    last = dict(new["lastMessage"])
                    if last.get("from") == old_chat_id:
                        last["from"] = new_chat_id
                        new["lastMessage"] = last
                        self._insert(db, "chats", chat_cols(new), "INSERT OR REPLACE")
                db.execute("DELETE FROM chats WHERE account_id = ? AND chat_id = ?",
                           (account_id, old_chat_id))
            return len(rows)

    # -- daily send counts -------------------------------------------------------------
    def add_send_count(self, account_id, day, delta):
        with self._write() as db:
            db.execute("INSERT INTO send_counts (account_id, day, count) VALUES (?, ?, ?) "
                       "ON CONFLICT (account_id, day) DO UPDATE SET count = count + ?",
                       (account_id, day, delta, delta))
            return db.execute("SELECT count FROM send_counts WHERE account_id = ? AND day = ?",
                              (account_id, day)).fetchone()[0]


    # -- the sandbox's simulated world (issue 13 item 6) -------------------------------
    # world_change holds the write lock (the thread lock and the lock file) for its whole
    # read-modify-write, so changes from every thread and process on the file serialize.
    def world_get(self, key):
        row = self._one("SELECT doc FROM world WHERE key = ?", (str(key),))
        return json.loads(row[0]) if row else None

    def world_list(self, prefix):
        # Keys are compared as text: [prefix, prefix + U+10FFFF) is every key starting so.
        rows = self._all("SELECT key, doc FROM world WHERE key >= ? AND key < ? ORDER BY key",
                         (str(prefix), str(prefix) + "\U0010ffff"))
        return [(r[0], json.loads(r[1])) for r in rows]

    def world_change(self, key, fn):
        key = str(key)
        with self._write() as db:
            row = db.execute("SELECT doc FROM world WHERE key = ?", (key,)).fetchone()
            new = fn(json.loads(row[0]) if row else None)
            if new is None:
                db.execute("DELETE FROM world WHERE key = ?", (key,))
            else:
                db.execute("INSERT OR REPLACE INTO world (key, doc) VALUES (?, ?)",
                           (key, dumps(new)))
            return new

    def world_post(self, packets, at_ms, *, account_id=None, sent=None):
        rows = [(str(p["to"]), int(at_ms), dumps(p)) for p in packets]   # validate first
        with self._write() as db:
            if sent is not None:
                db.execute("INSERT INTO world_sent (account_id, doc) VALUES (?, ?)",
                           (str(account_id), dumps(sent)))
            db.executemany("INSERT INTO world_packets (jid, at, doc) VALUES (?, ?, ?)", rows)

    def pending_packets(self, jids, limit=100):
        rows = self._all("SELECT seq, doc FROM world_packets WHERE jid IN "
                         "(SELECT value FROM json_each(?)) ORDER BY seq LIMIT ?",
                         (json.dumps([str(j) for j in jids]), int(limit)))
        return [dict(json.loads(r[1]), seq=r[0]) for r in rows]

    def ack_packets(self, seqs):
        seqs = [int(s) for s in seqs]
        if seqs:
            with self._write() as db:
                db.execute("DELETE FROM world_packets WHERE seq IN "
                           "(SELECT value FROM json_each(?))", (json.dumps(seqs),))

    def purge_packets(self, before_ms):
        with self._write() as db:
            return db.execute("DELETE FROM world_packets WHERE at < ?",
                              (int(before_ms),)).rowcount

    def list_sent(self, account_id):
        rows = self._all("SELECT doc FROM world_sent WHERE account_id = ? ORDER BY seq",
                         (str(account_id),))
        return [json.loads(r[0]) for r in rows]

# Every contract method reports driver failures as StoreError/DuplicateKey.
for _name in Store.__abstractmethods__ | {"close", "_chunk"}:
    setattr(SQLiteStore, _name, translate(getattr(SQLiteStore, _name)))
