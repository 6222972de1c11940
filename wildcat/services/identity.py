"""Phone-number identity: each account's LID <-> phone-number map, and what it changes.

WhatsApp names people by phone JID (`…@s.whatsapp.net`) or by LID (`…@lid`). Every source
that pairs the two (a message's SenderAlt/RecipientAlt, history-sync mappings, contact
sync, the number check, the sandbox) goes through `IdentityBook.learn`, which stores the pair
and, the first time, merges the LID's direct chat into the phone chat, so one person never has
two chats. `person()` gives the `from`, `fromLid` and `fromPhone` every event carries.
"""
import collections
import logging
import threading

from wildcat.domain import phone_of

log = logging.getLogger(__name__)

CACHE_MAX = 50_000        # pairs remembered per process (both directions)


def is_lid(jid: str | None) -> bool:
    return bool(jid) and jid.endswith("@lid")


def is_phone_jid(jid: str | None) -> bool:
    return bool(jid) and jid.endswith("@s.whatsapp.net")


class IdentityBook:
    """The store's identity map with a bounded in-memory cache of known pairs (a pair never
    changes once learned, except when WhatsApp re-assigns it, which `learn` also records)."""

    def __init__(self, store):
        self.store = store
        self._pn = collections.OrderedDict()     # (account, lid) -> phone jid
        self._lid = collections.OrderedDict()    # (account, phone jid) -> lid
        self._lock = threading.Lock()

    def _remember(self, account_id, lid, pn):
        with self._lock:
            for cache, key, value in ((self._pn, (account_id, lid), pn),
                                      (self._lid, (account_id, pn), lid)):
                cache[key] = value
                cache.move_to_end(key)
                if len(cache) > CACHE_MAX:
                    cache.popitem(last=False)

    def phone_for(self, account_id, lid):
        """The phone JID of `lid`, or None when unknown."""
        with self._lock:
            pn = self._pn.get((account_id, lid))
        if pn is None:
            pn = self.store.phone_for_lid(account_id, lid)
            if pn is not None:
                self._remember(account_id, lid, pn)
        return pn

    def lid_for(self, account_id, pn):
        """The LID of phone JID `pn`, or None when unknown."""
        with self._lock:
            lid = self._lid.get((account_id, pn))
        if lid is None:
            lid = self.store.lid_for_phone(account_id, pn)
            if lid is not None:
                self._remember(account_id, lid, pn)
        return lid

    def learn(self, account_id, lid, pn) -> bool:
        """Record that `lid` is `pn`; the first time, merge the LID's chat and contact into
        the phone's. True when the pair was new."""
        if not (is_lid(lid) and is_phone_jid(pn)):
            return False
        with self._lock:
            if self._pn.get((account_id, lid)) == pn:
                return False
        new = self.store.put_identity(account_id, lid, pn)
        self._remember(account_id, lid, pn)
        if new:
            moved = self.store.move_chat(account_id, lid, pn)
            self._merge_contact(account_id, lid, pn)
            log.info("account %s: learned a LID's phone number; %d messages merged into its "
                     "phone chat", account_id, moved)
        return new

    def _merge_contact(self, account_id, lid, pn):
        old = self.store.get_contact(account_id, lid)
        fields = {}
        if old is not None and old.get("jid") == lid:
            fields = {k: v for k, v in old.items() if k not in ("jid", "lid", "phone")}
            self.store.delete_contact(account_id, lid)
        self.store.upsert_contact(account_id, pn, {**fields, "lid": lid, "phone": phone_of(pn)})

    def resolve(self, account_id, jid):
        """The JID a person's chat is kept under: the phone JID when known, else `jid`."""
        if is_lid(jid):
            return self.phone_for(account_id, jid) or jid
        return jid

    def person(self, account_id, jid, lid=None) -> dict:
        """{from, fromLid, fromPhone} for someone named by `jid` (phone JID or LID), with
        `lid` when the source gave it."""
        if is_lid(jid):
            lid, jid = jid, self.phone_for(account_id, jid) or jid
        elif is_phone_jid(jid) and lid is None:
            lid = self.lid_for(account_id, jid)
        return {"from": jid, "fromLid": lid if is_lid(lid) else None, "fromPhone": phone_of(jid)}

    def resolve_message(self, account_id, msg) -> bool:
        """Resolve a normalised inbound message's people, in place: pairs it carries are
        learned; a LID author or direct chat becomes the phone JID when known; `fromLid` and
        `fromPhone` set. Idempotent; True when a new pair was learned."""
        sender, lid, learned = msg.get("from"), msg.get("fromLid"), False
        if is_lid(lid) and is_phone_jid(sender):
            learned = self.learn(account_id, lid, sender)
        chat_lid = msg.get("chatLid")
        if is_lid(chat_lid) and is_phone_jid(msg.get("chatId")):
            learned = self.learn(account_id, chat_lid, msg["chatId"]) or learned
        if not msg.get("isGroup"):
            msg["chatId"] = self.resolve(account_id, msg["chatId"])
        if sender:
            msg.update(self.person(account_id, sender, lid))
        for key in ("reaction", "pollVote"):     # who reacted / voted, named the same way
            detail = msg.get(key)
            if isinstance(detail, dict) and isinstance(detail.get("from"), str):
                detail["from"] = self.resolve(account_id, detail["from"])
        msg.pop("chatLid", None)
        return learned
