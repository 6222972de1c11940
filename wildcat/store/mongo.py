"""MongoDB backend: pymongo collections, media in GridFS (bucket `media`)."""
import json
import logging
import random
import re
import time

import gridfs
from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.errors import BulkWriteError, DuplicateKeyError

from wildcat import domain
from wildcat.store.base import MESSAGE_STATUS_RANK, Store, StoreError
from wildcat.store.mongo_docs import (
    CHUNK_SIZE, NO_ID, MongoMediaFile, as_str, message_doc, msg_key, page, to_oid, translate,
    update_spec)

log = logging.getLogger(__name__)


class MongoStore(Store):
    """The production store; one client shared by all threads (pymongo pools connections)."""

    def __init__(self, client, db_name: str):
        self.client = client
        self.db = client[db_name]
        self.media = gridfs.GridFSBucket(self.db, bucket_name="media", chunk_size_bytes=CHUNK_SIZE)
        self.ensure_indexes()

    @translate
    def ensure_indexes(self) -> None:
        """Create the indexes the queries rely on (idempotent)."""
        db = self.db
        db.messages.create_index([("accountId", ASCENDING), ("messageId", ASCENDING)],
                                 unique=True)
        db.messages.create_index([("accountId", ASCENDING), ("chatId", ASCENDING),
                                  ("timestamp", DESCENDING)])
        db.messages.create_index([("accountId", ASCENDING), ("mediaId", ASCENDING)],
                                 sparse=True)
        db.chats.create_index([("accountId", ASCENDING), ("chatId", ASCENDING)], unique=True)
        db.chats.create_index([("accountId", ASCENDING), ("lastMessageTime", DESCENDING)])
        # Unique so that create_webhook is atomic; a missing accountId indexes as null.
        db.webhooks.create_index([("url", ASCENDING), ("accountId", ASCENDING)], unique=True)
        db.deliveries.create_index([("status", ASCENDING), ("nextAttemptAt", ASCENDING)])
        db.deliveries.create_index([("webhookId", ASCENDING), ("status", ASCENDING),
                                    ("nextAttemptAt", ASCENDING), ("_id", ASCENDING)])
        db.deliveries.create_index([("webhookId", ASCENDING), ("createdAt", DESCENDING)])
        db.accounts.create_index([("createdAt", ASCENDING)])
        db["media.files"].create_index([("metadata.accountId", ASCENDING)])
        db.groups.create_index([("accountId", ASCENDING), ("id", ASCENDING)], unique=True)
        db.send_counts.create_index([("accountId", ASCENDING)])
        db.contacts.create_index([("accountId", ASCENDING), ("jid", ASCENDING)], unique=True)
        db.contacts.create_index([("accountId", ASCENDING), ("lid", ASCENDING)], sparse=True)
        db.identities.create_index([("accountId", ASCENDING), ("lid", ASCENDING)], unique=True)
        db.identities.create_index([("accountId", ASCENDING), ("pn", ASCENDING)])
        db.events.create_index([("accountId", ASCENDING), ("_id", ASCENDING)])
        db.events.create_index([("at", ASCENDING)])
        db.events.create_index([("pending", ASCENDING)], sparse=True)
        # leases and snapshots are looked up by _id, which is always indexed.

    # -- lifecycle ---------------------------------------------------------------------
    def ping(self):
        self.db.command("ping")

    def close(self):
        self.client.close()

    # -- accounts ----------------------------------------------------------------------
    def create_account(self, doc):
        self.db.accounts.insert_one(dict(doc, _id=as_str(doc["_id"])))
        return dict(doc)

    def get_account(self, account_id):
        return self.db.accounts.find_one({"_id": as_str(account_id)})

    def list_accounts(self):
        return list(self.db.accounts.find().sort([("createdAt", ASCENDING), ("_id", ASCENDING)]))

    def update_account(self, account_id, fields):
        return self._update(self.db.accounts, {"_id": as_str(account_id)}, fields)

    def _update(self, coll, query, fields):
        spec = update_spec(fields)
        if not spec:
            return coll.count_documents(query, limit=1) > 0
        return coll.update_one(query, spec).matched_count > 0

    def delete_account(self, account_id):
        db, account_id = self.db, as_str(account_id)
        account = db.accounts.find_one({"_id": account_id}, {"collectionName": 1})
        snapshot = domain.collection_name(account or {"_id": account_id})
        db.messages.delete_many({"accountId": account_id})
        db.chats.delete_many({"accountId": account_id})
        for f in db["media.files"].find({"metadata.accountId": account_id}, {"_id": 1}):
            self._delete_grid(f["_id"])
        hooks = [h["_id"] for h in db.webhooks.find({"accountId": account_id}, {"_id": 1})]
        db.deliveries.delete_many({"webhookId": {"$in": hooks}})
        db.webhooks.delete_many({"_id": {"$in": hooks}})
        db.leases.delete_one({"_id": account_id})
        db.snapshots.delete_one({"_id": snapshot})
        db.groups.delete_many({"accountId": account_id})
        db.send_counts.delete_many({"accountId": account_id})
        db.contacts.delete_many({"accountId": account_id})
        db.identities.delete_many({"accountId": account_id})
        db.world.delete_many({"_id": {"$in": ["registered:" + account_id,
                                              "faults:" + account_id]}})
        db.world_sent.delete_many({"accountId": account_id})
        # The account goes last, so a cascade cut short can be finished by deleting again.
        return db.accounts.delete_one({"_id": account_id}).deleted_count > 0

    # -- messages ----------------------------------------------------------------------
    def insert_message(self, account_id, msg):
        return bool(self.insert_messages(account_id, [msg]))

    def insert_messages(self, account_id, msgs):
        docs = [message_doc(as_str(account_id), m) for m in msgs]
        if not docs:
            return []
        failed = set()
        try:
            self.db.messages.insert_many(docs, ordered=False)
        except BulkWriteError as exc:
            errors = exc.details.get("writeErrors", [])
            if any(e.get("code") != 11000 for e in errors):
                raise
            failed = {e["index"] for e in errors}
        return [d["messageId"] for i, d in enumerate(docs) if i not in failed]

    def get_message(self, account_id, message_id):
        return self.db.messages.find_one(msg_key(account_id, message_id), NO_ID)

    def update_message(self, account_id, message_id, fields):
        return self._update(self.db.messages, msg_key(account_id, message_id), fields)

    def advance_message_status(self, account_id, message_id, status):
        rank = MESSAGE_STATUS_RANK[status]
        lower = [s for s, r in MESSAGE_STATUS_RANK.items() if r < rank]
        # A missing status counts as lowest; an unknown one is never overwritten.
        query = dict(msg_key(account_id, message_id),
                     **{"$or": [{"status": {"$in": lower}}, {"status": None}]})
        return self.db.messages.update_one(query, {"$set": {"status": status}}).modified_count > 0

    def list_messages(self, account_id, chat_id, *, limit=50, skip=0, before=None, after=None):
        query = {"accountId": as_str(account_id), "chatId": as_str(chat_id)}
        bounds = {}
        if before is not None:
            bounds["$lt"] = int(before)
        if after is not None:
            bounds["$gt"] = int(after)
        if bounds:
            query["timestamp"] = bounds
        # _id (an ObjectId) breaks timestamp ties by insertion order.
        cursor = self.db.messages.find(query, NO_ID).sort(
            [("timestamp", DESCENDING), ("_id", DESCENDING)])
        return page(cursor, limit, skip)

    def find_message_by_media_id(self, account_id, media_id):
        return self.db.messages.find_one({"accountId": as_str(account_id), "mediaId": as_str(media_id)},
                                         NO_ID)

    def count_messages(self, account_id=None):
        query = {} if account_id is None else {"accountId": as_str(account_id)}
        return self.db.messages.count_documents(query)

    # -- chats -------------------------------------------------------------------------
    def upsert_chat(self, account_id, chat_id, *, name=None, is_group=None,
                    last_message_time=None, last_message=None, unread_increment=0,
                    unread_count=None):
        key = {"accountId": as_str(account_id), "chatId": as_str(chat_id)}
        sets, on_insert = {}, {"lastMessageTime": None, "lastMessage": None}
        (sets if name is not None else on_insert)["name"] = name
        group = bool(is_group) if is_group is not None else chat_id.endswith("@g.us")
        (sets if is_group is not None else on_insert)["isGroup"] = group
        spec = {"$setOnInsert": on_insert}
        if unread_count is not None:
            sets["unreadCount"] = int(unread_count) + int(unread_increment)
        else:
            spec["$inc"] = {"unreadCount": int(unread_increment)}
        if sets:
            spec["$set"] = sets
        self.db.chats.update_one(key, spec, upsert=True)
        if last_message_time is not None:
            # A separate conditional update keeps "only newer wins" atomic under races.
            newer = {"$or": [{"lastMessageTime": None},
                             {"lastMessageTime": {"$lt": int(last_message_time)}}]}
            self.db.chats.update_one(dict(key, **newer), {"$set": {
                "lastMessageTime": int(last_message_time), "lastMessage": last_message}})

    def get_chat(self, account_id, chat_id):
        return self.db.chats.find_one({"accountId": as_str(account_id), "chatId": as_str(chat_id)},
                                      NO_ID)

    def list_chats(self, account_id, *, limit=50, skip=0):
        # Descending order puts null lastMessageTime last.
        cursor = self.db.chats.find({"accountId": as_str(account_id)}, NO_ID).sort(
            [("lastMessageTime", DESCENDING), ("chatId", ASCENDING)])
        return page(cursor, limit, skip)

    # -- media -------------------------------------------------------------------------
    def put_media(self, account_id, stream, *, filename, mimetype):
        meta = {"accountId": as_str(account_id), "mimetype": mimetype}
        length = 0
        with self.media.open_upload_stream(filename, metadata=meta) as grid_in:
            while chunk := stream.read(CHUNK_SIZE):
                grid_in.write(chunk)
                length += len(chunk)
        return {"mediaId": str(grid_in._id), "length": length, "mimetype": mimetype,
                "filename": filename}

    def open_media(self, media_id):
        oid = to_oid(media_id)
        if oid is None:
            return None
        try:
            return MongoMediaFile(self.media.open_download_stream(oid))
        except gridfs.errors.NoFile:
            return None

    def delete_media(self, media_id):
        oid = to_oid(media_id)
        return oid is not None and self._delete_grid(oid)

    def _delete_grid(self, oid) -> bool:
        try:
            self.media.delete(oid)
            return True
        except gridfs.errors.NoFile:
            return False

    # -- webhooks ----------------------------------------------------------------------
    def create_webhook(self, doc):
        # The unique (url, accountId) index decides races; the loser returns the winner.
        try:
            self.db.webhooks.insert_one(dict(doc, _id=as_str(doc["_id"])))
            return dict(doc), True
        except DuplicateKeyError:
            existing = self.db.webhooks.find_one({"url": as_str(doc["url"]),
                                                  "accountId": doc.get("accountId")})
            if existing is None:               # the collision was on _id, not on the url
                raise
            return existing, False

    def get_webhook(self, webhook_id):
        return self.db.webhooks.find_one({"_id": as_str(webhook_id)})

    def list_webhooks(self, account_id=None):
        query = {} if account_id is None else {
            "$or": [{"accountId": as_str(account_id)}, {"accountId": None}]}
        return list(self.db.webhooks.find(query).sort([("createdAt", ASCENDING),
                                                       ("_id", ASCENDING)]))

    def update_webhook(self, webhook_id, fields):
        if "_id" in fields:
            raise ValueError("_id cannot be updated")
        if not self._update(self.db.webhooks, {"_id": as_str(webhook_id)}, fields):
            return None
        return self.get_webhook(webhook_id)

    def delete_webhook(self, webhook_id):
        self.db.deliveries.delete_many({"webhookId": as_str(webhook_id)})
        return self.db.webhooks.delete_one({"_id": webhook_id}).deleted_count > 0

    # -- deliveries --------------------------------------------------------------------
    def create_deliveries(self, docs):
        if docs:
            self.db.deliveries.insert_many([dict(d, _id=as_str(d["_id"])) for d in docs])

    def get_delivery(self, delivery_id):
        return self.db.deliveries.find_one({"_id": as_str(delivery_id)})

    def update_delivery(self, delivery_id, fields):
        return self._update(self.db.deliveries, {"_id": as_str(delivery_id)}, fields)

    def update_deliveries(self, updates):
        # One update_one each: bulk_write would be one round trip, but mongomock (the test
        # double) does not accept pymongo 4.20's UpdateOne; a standalone server has no
        # multi-document transaction either way.
        for delivery_id, fields in updates:
            if spec := update_spec(fields):
                self.db.deliveries.update_one({"_id": as_str(delivery_id)}, spec)

    def due_deliveries(self, now_ms, limit=100, exclude_ids=(), webhook_id=None):
        query = {"status": "pending", "nextAttemptAt": {"$lte": int(now_ms)}}
        if webhook_id is not None:
            query["webhookId"] = as_str(webhook_id)
        if exclude_ids:
            query["_id"] = {"$nin": [as_str(i) for i in exclude_ids]}
        # Per webhook, the index (webhookId, status, nextAttemptAt, _id) yields this order
        # without a blocking sort of the whole due backlog.
        order = [("nextAttemptAt", ASCENDING), ("_id", ASCENDING)] if webhook_id is not None \
            else [("nextAttemptAt", ASCENDING), ("createdAt", ASCENDING), ("_id", ASCENDING)]
        cursor = self.db.deliveries.find(query).sort(order)
        return page(cursor, limit, 0)

    def list_deliveries(self, webhook_id, *, limit=50, skip=0, status=None):
        query = {"webhookId": as_str(webhook_id)}
        if status is not None:
            query["status"] = as_str(status)
        cursor = self.db.deliveries.find(query).sort([("createdAt", DESCENDING),
                                                      ("_id", DESCENDING)])
        return page(cursor, limit, skip)

    def purge_deliveries(self, created_before, statuses=("delivered", "failed")):
        statuses = [as_str(s) for s in statuses if s != "pending"]
        result = self.db.deliveries.delete_many({"createdAt": {"$lt": as_str(created_before)},
                                                 "status": {"$in": statuses}})
        return result.deleted_count

    def count_deliveries(self):
        groups = self.db.deliveries.aggregate([{"$group": {"_id": "$status", "n": {"$sum": 1}}}])
        return {g["_id"]: g["n"] for g in groups}

    def count_deliveries_by_webhook(self):
        groups = self.db.deliveries.aggregate([{"$group": {
            "_id": {"w": "$webhookId", "s": "$status"}, "n": {"$sum": 1}}}])
        counts = {}
        for g in groups:
            counts.setdefault(g["_id"]["w"], {})[g["_id"]["s"]] = g["n"]
        return counts

    # -- leases ------------------------------------------------------------------------
    def acquire_lease(self, account_id, owner, ttl_ms, now_ms):
        account_id, owner = as_str(account_id), as_str(owner)
        query = {"_id": account_id,
                 "$or": [{"expiresAt": {"$lte": int(now_ms)}}, {"owner": owner}]}
        lease = {"accountId": account_id, "owner": owner, "expiresAt": int(now_ms) + int(ttl_ms)}
        try:
            self.db.leases.find_one_and_update(query, {"$set": lease}, upsert=True,
                                               return_document=ReturnDocument.AFTER)
            return True
        except DuplicateKeyError:              # a live lease held by someone else
            return False

    def release_lease(self, account_id, owner):
        self.db.leases.delete_one({"_id": as_str(account_id), "owner": as_str(owner)})

    def get_lease(self, account_id):
        return self.db.leases.find_one({"_id": as_str(account_id)}, NO_ID)

    def live_leases(self, now_ms):
        return list(self.db.leases.find({"expiresAt": {"$gt": int(now_ms)}}, NO_ID))

    # -- the event log -----------------------------------------------------------------
    # The cursor comes from a counter, then the event is inserted: two writers may commit
    # out of cursor order, which the readers (services/event_log.py) wait out.
    def append_event(self, event, at_ms, deliveries=()):
        counter = self.db.counters.find_one_and_update(
            {"_id": "events"}, {"$inc": {"seq": 1}}, upsert=True,
            return_document=ReturnDocument.AFTER)
        cursor = int(counter["seq"])
        record = {"_id": cursor, "accountId": event.get("accountId"),
                  "name": event.get("event"), "at": int(at_ms),
                  "doc": {k: v for k, v in event.items() if k != "cursor"}}
        if deliveries:   # inside the event's own document: written together or not at all
            record["pending"] = [dict(d, payload=None) for d in deliveries]
        self.db.events.insert_one(record)
        if deliveries:
            try:
                self._fan_out(record)
            except Exception:   # the event is logged: complete_fanout() finishes it
                log.exception("event %d: deliveries not created yet; completed later",
                              cursor)
        return cursor

    def _fan_out(self, record):
        """Create the deliveries kept in an event's `pending` (those already created are
        skipped), then drop them from the event."""
        payload = dict(record["doc"], cursor=record["_id"])
        docs = [dict(d, _id=as_str(d["_id"]), payload=payload) for d in record["pending"]]
        try:
            self.db.deliveries.insert_many(docs, ordered=False)
        except BulkWriteError as exc:
            if any(e.get("code") != 11000 for e in exc.details.get("writeErrors", [])):
                raise
        self.db.events.update_one({"_id": record["_id"]}, {"$unset": {"pending": ""}})
        return len(docs)

    def complete_fanout(self, before_ms):
        done = 0
        for record in self.db.events.find({"pending": {"$exists": True},
                                           "at": {"$lt": int(before_ms)}}):
            done += self._fan_out(record)
        return done

    def read_events(self, after, limit=100, *, upto=None, account_id=None, events=None):
        bounds = {"$gt": int(after)}
        if upto is not None:
            bounds["$lte"] = int(upto)
        query = {"_id": bounds}
        if account_id is not None:
            query["accountId"] = as_str(account_id)
        if events:
            query["name"] = {"$in": sorted(events)}
        docs = self.db.events.find(query).sort("_id", ASCENDING).limit(int(limit))
        return [dict(d["doc"], cursor=d["_id"]) for d in docs]

    def last_event_cursor(self):
        counter = self.db.counters.find_one({"_id": "events"})
        return int(counter["seq"]) if counter else 0

    def purge_events(self, before_ms):
        return self.db.events.delete_many({"at": {"$lt": int(before_ms)}}).deleted_count

    # -- instances ---------------------------------------------------------------------
    def register_instance(self, doc):
        doc = {"_id": as_str(doc["_id"]), "address": doc.get("address"),
               "startedAt": doc.get("startedAt"), "heartbeatAt": int(doc["heartbeatAt"])}
        self.db.instances.replace_one({"_id": doc["_id"]}, doc, upsert=True)

    def heartbeat_instance(self, instance_id, now_ms):
        return self.db.instances.update_one({"_id": as_str(instance_id)},
                                            {"$set": {"heartbeatAt": int(now_ms)}}
                                            ).matched_count > 0

    def remove_instance(self, instance_id):
        self.db.instances.delete_one({"_id": as_str(instance_id)})

    def list_instances(self):
        return list(self.db.instances.find().sort([("startedAt", ASCENDING),
                                                   ("_id", ASCENDING)]))

    def purge_instances(self, heartbeat_before_ms):
        return self.db.instances.delete_many(
            {"heartbeatAt": {"$lt": int(heartbeat_before_ms)}}).deleted_count

    # -- snapshots ---------------------------------------------------------------------
    def save_snapshot(self, collection_name, data):
        self.db.snapshots.replace_one({"_id": as_str(collection_name)},
                                      {"_id": collection_name, "data": bytes(data)}, upsert=True)

    def load_snapshot(self, collection_name):
        doc = self.db.snapshots.find_one({"_id": as_str(collection_name)})
        return bytes(doc["data"]) if doc else None

    def delete_snapshot(self, collection_name):
        self.db.snapshots.delete_one({"_id": as_str(collection_name)})

    # -- groups (issue 12) -------------------------------------------------------------
    def upsert_group(self, account_id, group):
        doc = {k: v for k, v in group.items() if k not in ("_id", "accountId")}
        key = {"accountId": as_str(account_id), "id": as_str(doc["id"])}
        self.db.groups.replace_one(key, dict(doc, **key), upsert=True)

    def get_group(self, account_id, group_id):
        return self.db.groups.find_one(
            {"accountId": as_str(account_id), "id": as_str(group_id)}, _GROUP_VIEW)

    def list_groups(self, account_id):
        return list(self.db.groups.find({"accountId": as_str(account_id)}, _GROUP_VIEW)
                    .sort("id", ASCENDING))

    def delete_group(self, account_id, group_id):
        return self.db.groups.delete_one(
            {"accountId": as_str(account_id), "id": as_str(group_id)}).deleted_count > 0

    # -- chat extras (issue 11) ----------------------------------------------------------
    def upsert_contact(self, account_id, jid, fields):
        sets = {k: v for k, v in fields.items() if v is not None and k not in ("jid", "_id")}
        update_spec(sets)   # refuses operator or dotted names
        key = {"accountId": as_str(account_id), "jid": as_str(jid)}
        spec = {"$setOnInsert": {}}
        if sets:
            spec["$set"] = sets
        self.db.contacts.update_one(key, spec, upsert=True)

    def get_contact(self, account_id, jid):
        account_id, jid = as_str(account_id), as_str(jid)
        found = self.db.contacts.find_one({"accountId": account_id, "jid": jid}, CONTACT_FIELDS)
        return found or self.db.contacts.find_one({"accountId": account_id, "lid": jid},
                                                  CONTACT_FIELDS)

    def delete_contact(self, account_id, jid):
        return self.db.contacts.delete_one({"accountId": as_str(account_id),
                                            "jid": as_str(jid)}).deleted_count > 0

    def list_contacts(self, account_id, *, limit=50, skip=0, before=None):
        query = {"accountId": as_str(account_id)}
        if before is not None:
            query["jid"] = {"$lt": as_str(before)}
        cursor = self.db.contacts.find(query, CONTACT_FIELDS).sort([("jid", DESCENDING)])
        return page(cursor, limit, skip)

    def put_identity(self, account_id, lid, phone_jid):
        key = {"accountId": as_str(account_id), "lid": as_str(lid)}
        result = self.db.identities.update_one(key, {"$set": {"pn": as_str(phone_jid)}},
                                               upsert=True)
        return result.upserted_id is not None or result.modified_count > 0

    def phone_for_lid(self, account_id, lid):
        doc = self.db.identities.find_one({"accountId": as_str(account_id), "lid": as_str(lid)})
        return doc["pn"] if doc else None

    def lid_for_phone(self, account_id, phone_jid):
        doc = self.db.identities.find_one({"accountId": as_str(account_id),
                                           "pn": as_str(phone_jid)}, sort=[("_id", DESCENDING)])
        return doc["lid"] if doc else None

    def move_chat(self, account_id, old_chat_id, new_chat_id):
        account_id, old_id, new_id = as_str(account_id), as_str(old_chat_id), as_str(new_chat_id)
        db = self.db
        # `from` first: once chatId moves, the old chat's messages are no longer found.
        db.messages.update_many({"accountId": account_id, "chatId": old_id, "from": old_id},
                                {"$set": {"from": new_id}})
        moved = db.messages.update_many({"accountId": account_id, "chatId": old_id},
                                        {"$set": {"chatId": new_id}}).modified_count
        old = db.chats.find_one({"accountId": account_id, "chatId": old_id}, NO_ID)
        if old is not None:
            kept = db.chats.find_one({"accountId": account_id, "chatId": new_id}, NO_ID)
            last = old.get("lastMessage")
            if isinstance(last, dict) and last.get("from") == old_id:
                last = dict(last, **{"from": new_id})
            self.upsert_chat(account_id, new_id,
                             name=None if kept and kept.get("name") else old.get("name"),
                             last_message_time=old.get("lastMessageTime"), last_message=last,
                             unread_increment=int(old.get("unreadCount") or 0))
            db.chats.delete_one({"accountId": account_id, "chatId": old_id})
        return moved


    # -- daily send counts -------------------------------------------------------------
    def add_send_count(self, account_id, day, delta):
        account_id, day = as_str(account_id), as_str(day)
        doc = self.db.send_counts.find_one_and_update(
            {"_id": f"{account_id}|{day}"},
            {"$inc": {"count": int(delta)}, "$setOnInsert": {"accountId": account_id, "day": day}},
            upsert=True, return_document=ReturnDocument.AFTER)
        return doc["count"]


    # -- the sandbox's simulated world (issue 13 item 6) -------------------------------
    # Documents are kept as JSON text (their keys are JIDs, with dots); world_change is a
    # compare-and-swap on a version field, retried: no multi-document transaction needed.
    # Sequences come from a counter, so concurrent posts may commit out of order; the
    # mailbox is read by deleting what was delivered, so a late commit is never skipped.
    def _world(self):
        if not getattr(self, "_world_indexed", False):
            self.db.world_packets.create_index([("to", ASCENDING), ("_id", ASCENDING)])
            self.db.world_packets.create_index([("at", ASCENDING)])
            self.db.world_sent.create_index([("accountId", ASCENDING), ("_id", ASCENDING)])
            self._world_indexed = True
        return self.db

    def world_get(self, key):
        doc = self._world().world.find_one({"_id": as_str(key)})
        return json.loads(doc["json"]) if doc else None

    def world_list(self, prefix):
        docs = self._world().world.find({"_id": {"$regex": "^" + re.escape(as_str(prefix))}})
        return [(d["_id"], json.loads(d["json"])) for d in docs.sort("_id", ASCENDING)]

    def world_change(self, key, fn):
        coll, key = self._world().world, as_str(key)
        for attempt in range(WORLD_CAS_ATTEMPTS):
            found = coll.find_one({"_id": key})
            new = fn(json.loads(found["json"]) if found else None)
            text = None if new is None else json.dumps(new, separators=(",", ":"))
            if found is None:
                if new is None:
                    return None
                try:
                    coll.insert_one({"_id": key, "v": 1, "json": text})
                    return new
                except DuplicateKeyError:       # someone created it first: read it again
                    continue
            current = {"_id": key, "v": found["v"]}
            if new is None:
                if coll.delete_one(current).deleted_count:
                    return None
            elif coll.update_one(current, {"$set": {"json": text, "v": found["v"] + 1}}
                                 ).matched_count:
                return new
            time.sleep(random.uniform(0, 0.002 * min(attempt + 1, 10)))
        raise StoreError(f"mongodb: world document {key} kept changing under us")

    def world_post(self, packets, at_ms, *, account_id=None, sent=None):
        db, count = self._world(), len(packets) + (sent is not None)
        if not count:
            return
        last = db.counters.find_one_and_update({"_id": "world"}, {"$inc": {"seq": count}},
                                               upsert=True, return_document=ReturnDocument.AFTER)
        seq = int(last["seq"]) - count
        if sent is not None:
            seq += 1
            db.world_sent.insert_one({"_id": seq, "accountId": as_str(account_id),
                                      "json": json.dumps(sent)})
        if packets:
            db.world_packets.insert_many([
                {"_id": seq + n, "to": as_str(p["to"]), "at": int(at_ms), "json": json.dumps(p)}
                for n, p in enumerate(packets, 1)])

    def pending_packets(self, jids, limit=100):
        docs = self._world().world_packets.find({"to": {"$in": [as_str(j) for j in jids]}})
        return [dict(json.loads(d["json"]), seq=d["_id"])
                for d in page(docs.sort("_id", ASCENDING), limit, 0)]

    def ack_packets(self, seqs):
        seqs = [int(s) for s in seqs]
        if seqs:
            self._world().world_packets.delete_many({"_id": {"$in": seqs}})

    def purge_packets(self, before_ms):
        return self._world().world_packets.delete_many(
            {"at": {"$lt": int(before_ms)}}).deleted_count

    def list_sent(self, account_id):
        docs = self._world().world_sent.find({"accountId": as_str(account_id)})
        return [json.loads(d["json"]) for d in docs.sort("_id", ASCENDING)]


_GROUP_VIEW = {"_id": 0, "accountId": 0}
WORLD_CAS_ATTEMPTS = 200          # world_change retries before it gives up
CONTACT_FIELDS = {"_id": 0, "accountId": 0}


# Every contract method reports driver failures as StoreError/DuplicateKey.
for _name in Store.__abstractmethods__ | {"close", "complete_fanout"}:
    setattr(MongoStore, _name, translate(getattr(MongoStore, _name)))
