"""The inbound pipeline's issue-11 steps: people resolved through the LID <-> phone map,
contacts remembered, and the presence, call and identity driver events. Called by
InboundPipeline on the account's worker thread."""
import collections
import logging

from wildcat.domain import CALL, PRESENCE, make_event, phone_of
from wildcat.drivers.base import DriverError
from wildcat.services.identity import is_lid, is_phone_jid

log = logging.getLogger(__name__)

SEEN_CONTACTS_MAX = 20_000   # (account, jid) -> what was last written, per process
PRESENCE_STATES = ("composing", "recording", "paused", "available", "unavailable")


class InboundChat:
    def __init__(self, store, events, identities):
        self.store, self.events, self.identities = store, events, identities
        self._seen = collections.OrderedDict()

    # -- messages --------------------------------------------------------------------------
    def resolve(self, account_id, msg):
        """Learn the pairs a message carries and name its people by phone when known."""
        return self.identities.resolve_message(account_id, msg)

    def remember_sender(self, account_id, doc):
        """Keep the author of a received message as a contact (one write per change)."""
        if doc.get("fromMe"):
            return
        jid = doc.get("from")
        if not (is_phone_jid(jid) or is_lid(jid)):
            return
        fields = {"lid": doc.get("fromLid"), "phone": doc.get("fromPhone"),
                  "pushName": doc.get("pushName")}
        key = (account_id, jid)
        if self._seen.get(key) == fields:
            return
        self.store.upsert_contact(account_id, jid, fields)
        self._seen[key] = fields
        self._seen.move_to_end(key)
        if len(self._seen) > SEEN_CONTACTS_MAX:
            self._seen.popitem(last=False)

    # -- presence, calls, identities -------------------------------------------------------
    def on_presence(self, worker, data):
        """Someone typing/recording/online: published, not stored."""
        state, sender = data.get("state"), data.get("from")
        if state not in PRESENCE_STATES or not isinstance(sender, str) or not sender:
            return
        account_id = worker.account_id
        person = self.identities.person(account_id, sender, data.get("fromLid"))
        chat = data.get("chatId") or person["from"]
        if not chat.endswith("@g.us"):
            chat = self.identities.resolve(account_id, chat)
        self.events.emit(make_event(PRESENCE, account_id, chatId=chat, state=state, **person))

    def on_call(self, worker, data):
        """An incoming call: declined when the account has `rejectCalls`, then published."""
        caller, call_id = data.get("from"), data.get("callId")
        if not isinstance(caller, str) or not isinstance(call_id, str) or not call_id:
            return
        account_id = worker.account_id
        account = self.store.get_account(account_id) or {}
        rejected = False
        if account.get("rejectCalls"):
            try:
                worker.reject_call(call_id, caller)
                rejected = True
            except DriverError as exc:
                log.warning("account %s: could not reject a call: %s", account_id, exc)
        phone, lid = data.get("phone"), data.get("fromLid")
        if is_lid(lid) and is_phone_jid(phone):
            self.identities.learn(account_id, lid, phone)
        person = self.identities.person(account_id, phone or caller, lid)
        log.info("account %s: incoming %s call%s", account_id,
                 "video" if data.get("isVideo") else "voice", " rejected" if rejected else "")
        self.events.emit(make_event(CALL, account_id, callId=call_id,
                                    isVideo=bool(data.get("isVideo")),
                                    isGroup=bool(data.get("isGroup")), rejected=rejected,
                                    **person))

    def on_identities(self, worker, data):
        """LID <-> phone pairs and contact names from history sync, contact sync or the
        driver's own store."""
        account_id, learned = worker.account_id, 0
        for pair in data.get("mappings") or ():
            if isinstance(pair, dict) and self.identities.learn(account_id, pair.get("lid"),
                                                                 pair.get("phone")):
                learned += 1
        for contact in data.get("contacts") or ():
            jid = contact.get("jid") if isinstance(contact, dict) else None
            if not (is_phone_jid(jid) or is_lid(jid)):
                continue
            jid = self.identities.resolve(account_id, jid)
            lid = contact.get("lid") if is_lid(contact.get("lid")) else None
            if lid and is_phone_jid(jid):
                self.identities.learn(account_id, lid, jid)
            self.store.upsert_contact(account_id, jid, {
                "lid": lid or (jid if is_lid(jid) else None), "phone": phone_of(jid),
                "name": contact.get("name") or None, "pushName": contact.get("pushName") or None})
        if learned:
            log.info("account %s: %d LID pairings learned", account_id, learned)
