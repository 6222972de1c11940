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

CACHE_MAX = 50_000        # answers remembered per process (both directions)
_UNKNOWN = ""             # a cached "the store has no pair for it"


def is_lid(jid: str | None) -> bool:
    return bool(jid) and jid.endswith("@lid")


def is_phone_jid(jid: str | None) -> bool:
    return bool(jid) and jid.endswith("@s.whatsapp.net")


class IdentityBook:
    """The store's identity map with a bounded in-memory cache of its answers, misses
    included: every pair an account learns goes through the `learn` of the one runtime that
    owns the account (its worker's process), which updates the cache, so a cached miss is
    never stale for long enough to matter (at worst until the entry is evicted)."""

    def __init__(self, store):
        self.store = store
        self._pn = collections.OrderedDict()     # (account, lid) -> phone jid
        self._lid = collections.OrderedDict()    # (account, phone jid) -> lid
        self._lock = threading.Lock()

    @staticmethod
    def _put(cache, key, value):
        cache[key] = value
        cache.move_to_end(key)
        if len(cache) > CACHE_MAX:
            cache.popitem(last=False)

    def _remember(self, account_id, lid, pn):
        with self._lock:
            self._put(self._pn, (account_id, lid), pn)
            self._put(self._lid, (account_id, pn), lid)

    def _lookup(self, cache, key, read):
        with self._lock:
            value = cache.get(key)
        if value is None:
            value = read() or _UNKNOWN
            with self._lock:
                self._put(cache, key, value)
        return value or None

    def forget(self, account_id):
        """Drop the cached answers of a deleted account."""
        with self._lock:
            for cache in (self._pn, self._lid):
                for key in [k for k in cache if k[0] == account_id]:
                    del cache[key]

    def phone_for(self, account_id, lid):
        """The phone JID of `lid`, or None when unknown."""
        return self._lookup(self._pn, (account_id, lid),
                            lambda: self.store.phone_for_lid(account_id, lid))

    def lid_for(self, account_id, pn):
        """The LID of phone JID `pn`, or None when unknown."""
        return self._lookup(self._lid, (account_id, pn),
                            lambda: self.store.lid_for_phone(account_id, pn))

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
