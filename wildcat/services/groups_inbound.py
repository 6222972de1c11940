"""The inbound pipeline's group step: group changes reported by WhatsApp (or made through
this API; wildcat/commands.py hands those over the same way) update the stored group record,
then the events describing what really changed are emitted.

Each change is compared with the stored record first, so a change already recorded (our own
change, echoed later by WhatsApp; a repeated notification) changes nothing and emits
nothing. Runs on the account's worker thread, in order with the account's other events.
"""
import logging

from wildcat import domain
from wildcat.domain import iso_now, make_event
from wildcat.drivers import base

log = logging.getLogger(__name__)

SETTINGS = ("subject", "description", "announce", "locked")


def participant(jid: str, admin=None) -> dict:
    """A participant entry for a JID known only from an event."""
    phone = jid.split("@")[0].split(":")[0] if jid.endswith("@s.whatsapp.net") else None
    lid = jid if jid.endswith("@lid") else None
    return {"jid": jid, "phone": phone, "lid": lid, "admin": admin}


def _record(group: dict) -> dict:
    """The stored fields of a normalised group (without updatedAt)."""
    record = {k: group.get(k) for k in ("id", "subject", "description", "owner", "createdAt",
                                        "announce", "locked")}
    record["participants"] = list(group.get("participants") or [])
    return record


def find(participants: list[dict], jid: str) -> dict | None:
    """The entry of `jid` (its phone JID or its LID) in a group's participants."""
    for entry in participants:
        if jid in (entry.get("jid"), entry.get("lid")) or (
                entry.get("phone") and jid == f"{entry['phone']}@s.whatsapp.net"):
            return entry
    return None


class GroupEvents:
    """Called with each group driver event (kinds in drivers.base.GROUP_EVENT_KINDS)."""

    def __init__(self, store, events):
        self.store, self.events = store, events

    def __call__(self, worker, event):
        me = worker.state().jid
        handler = {base.GROUP_INFO: self._info, base.GROUP_JOINED: self._joined,
                   base.GROUP_PARTICIPANTS: self._participants,
                   base.GROUP_UPDATE: self._update}[event.kind]
        handler(worker.account_id, me, event.data)

    # -- snapshots asked of WhatsApp (no event: nothing happened) ------------------------
    def _info(self, account_id, me, data):
        """Bring the stored records in line with what WhatsApp answered; a record that did
        not change is not written again (GET groups of a large account stays a read)."""
        groups = [g for g in data.get("groups") or [] if g.get("id")]
        complete = bool(data.get("complete"))
        if complete:
            stored = {g["id"]: g for g in self.store.list_groups(account_id)}
        else:
            stored = {g["id"]: self.store.get_group(account_id, g["id"]) for g in groups}
        for group in groups:
            if _record(group) != _record(stored.get(group["id"]) or {}):
                self._save(account_id, group)
        if complete:
            current = {g["id"] for g in groups}
            for group_id in stored.keys() - current:
                self.store.delete_group(account_id, group_id)
                log.info("account %s: no longer in group %s", account_id, group_id)

    def _save(self, account_id, group):
        record = _record(group)
        record["updatedAt"] = iso_now()
        self.store.upsert_group(account_id, record)
        return record

    # -- changes -------------------------------------------------------------------------
    def _joined(self, account_id, me, data):
        group_id = data["groupId"]
        known = self.store.get_group(account_id, group_id)
        group = data.get("group")
        if group is not None:                   # WhatsApp sent the whole group: keep it
            self._save(account_id, group)
        elif known is None:                     # only its name: what we know for now
            group = {"id": group_id, "subject": data.get("subject"),
                     "participants": [participant(me)] if me else []}
            self._save(account_id, group)
        if known is not None:
            return   # already recorded (our own create/join, echoed by WhatsApp)
        log.info("account %s: joined group %s", account_id, group_id)
        self.events.emit(make_event(domain.GROUP_JOINED, account_id, groupId=group_id,
                                    subject=group.get("subject"), by=data.get("by")))

    def _participants(self, account_id, me, data):
        group_id, action = data["groupId"], data["action"]
        jids = [j for j in data.get("participants") or [] if j]
        if action == "leave" and not jids and data.get("by"):
            jids = [data["by"]]
        stored = self.store.get_group(account_id, group_id)
        if stored is None:
            if action in ("remove", "leave") and me in jids:
                return   # a group we hold no record of is already left
            changed = jids
        else:
            changed = self._apply(stored, action, jids)
            if not changed:
                return
            if action in ("remove", "leave") and me is not None and me in changed:
                self.store.delete_group(account_id, group_id)
            else:
                stored["updatedAt"] = iso_now()
                self.store.upsert_group(account_id, stored)
        if not changed:
            return
        self.events.emit(make_event(domain.GROUP_PARTICIPANTS, account_id, groupId=group_id,
                                    action=action, participants=changed, by=data.get("by")))

    @staticmethod
    def _apply(group, action, jids):
        """Apply a participants change to a stored group in place; the JIDs it changed."""
        members, changed = group.setdefault("participants", []), []
        for jid in jids:
            entry = find(members, jid)
            if action in ("add", "join"):
                if entry is None:
                    members.append(participant(jid))
                    changed.append(jid)
            elif action in ("remove", "leave"):
                if entry is not None:
                    members.remove(entry)
                    changed.append(jid)
            elif action == "promote":
                if entry is not None and not entry.get("admin"):
                    entry["admin"] = "admin"
                    changed.append(jid)
            elif action == "demote":
                if entry is not None and entry.get("admin"):
                    entry["admin"] = None
                    changed.append(jid)
        return changed

    def _update(self, account_id, me, data):
        group_id = data["groupId"]
        changes = {k: v for k, v in (data.get("changes") or {}).items() if k in SETTINGS}
        stored = self.store.get_group(account_id, group_id)
        if stored is not None:
            changes = {k: v for k, v in changes.items() if stored.get(k) != v}
            if not changes:
                return
            stored.update(changes, updatedAt=iso_now())
            self.store.upsert_group(account_id, stored)
        if changes:
            self.events.emit(make_event(domain.GROUP_UPDATE, account_id, groupId=group_id,
                                        by=data.get("by"), changes=changes))
