"""Contacts (issue 11): presence, number checks, the stored contact list, one contact with
its picture and about text, blocking. The number check feeds the LID <-> phone map."""
import logging

from wildcat.commands import CheckNumbers, ContactInfo, SetBlocked, SetPresence
from wildcat.domain import phone_of
from wildcat.drivers.base import NotOnWhatsApp
from wildcat.errors import ContactNotFound
from wildcat.services.accounts import connected_worker, get_account
from wildcat.services.identity import is_lid

log = logging.getLogger(__name__)

CONTACT_KEYS = ("jid", "lid", "phone", "name", "pushName")


def public_contact(contact: dict) -> dict:
    """A stored contact as the API shows it (every key present; `blocked` when known)."""
    view = {key: contact.get(key) for key in CONTACT_KEYS}
    if view["phone"] is None:
        view["phone"] = phone_of(view["jid"])
    if contact.get("blocked") is not None:
        view["blocked"] = bool(contact["blocked"])
    return view


def set_presence(runtime, account_id, data):
    worker = connected_worker(runtime, account_id)
    to = runtime.identities.resolve(account_id, data["to"]) if data.get("to") else None
    worker.execute(SetPresence(state=data["state"], to=to))


def check_numbers(runtime, account_id, phones):
    """[{phone, exists, jid, lid}] in the order asked; what exists is remembered as a
    contact, and its LID pairing learned."""
    worker = connected_worker(runtime, account_id)
    found = {r["phone"]: r for r in worker.execute(CheckNumbers(phones=list(phones)))}
    results = []
    for phone in phones:
        answer = found.get(phone) or {}
        exists = bool(answer.get("exists")) and bool(answer.get("jid"))
        jid = answer.get("jid") if exists else None
        lid = answer.get("lid") if exists and is_lid(answer.get("lid")) else None
        results.append({"phone": phone, "exists": exists, "jid": jid, "lid": lid})
        if exists:
            if lid:
                runtime.identities.learn(account_id, lid, jid)
            runtime.store.upsert_contact(account_id, jid, {"lid": lid, "phone": phone_of(jid)})
    return results


def list_contacts(runtime, account_id, *, limit=50, skip=0, before=None):
    get_account(runtime, account_id)
    return [public_contact(c) for c in
            runtime.store.list_contacts(account_id, limit=limit, skip=skip, before=before)]


def contact_view(runtime, account_id, jid):
    """One contact (by phone JID, LID or +phone) with WhatsApp's picture URL and about."""
    worker = connected_worker(runtime, account_id)
    stored = runtime.store.get_contact(account_id, jid)
    target = stored["jid"] if stored else runtime.identities.resolve(account_id, jid)
    try:
        info = worker.execute(ContactInfo(jid=target))
    except NotOnWhatsApp:
        raise ContactNotFound() from None
    contact = stored or {"jid": target}
    if contact.get("lid") is None and is_lid(jid):
        contact = {**contact, "lid": jid}
    if contact.get("lid") is None and not is_lid(target):
        contact = {**contact, "lid": runtime.identities.lid_for(account_id, target)}
    return {**public_contact(contact), "pictureUrl": info.get("pictureUrl"),
            "about": info.get("about")}


def set_blocked(runtime, account_id, jid, blocked):
    worker = connected_worker(runtime, account_id)
    target = runtime.identities.resolve(account_id, jid)
    worker.execute(SetBlocked(jid=target, blocked=blocked))
    runtime.store.upsert_contact(account_id, target, {"blocked": blocked,
                                                      "phone": phone_of(target)})
    log.info("account %s: contact %s", account_id, "blocked" if blocked else "unblocked")
