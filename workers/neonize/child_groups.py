"""The group methods of NeonizeClientSession (inside the session host child): the parent
calls them by name (`NeonizeSession.remote`, listed in GROUP_REMOTE_METHODS), and the group
events of neonize become driver events here.

WhatsApp's refusals come back from whatsmeow as error strings; codec_groups.group_error
turns them into NotInGroup / NotGroupAdmin / InvalidInvite, which travel over the pipe by
class name.
"""
import logging

from neonize.events import GroupInfoEv, JoinedGroupEv
from neonize.utils.enum import ParticipantChange

from wildcat.drivers import base
from workers.neonize import codec_groups
from workers.neonize.codec import jid_to_str, parse_jid

log = logging.getLogger(__name__)

GROUP_REMOTE_METHODS = ("list_groups", "group_info", "create_group", "update_group",
                        "update_participants", "group_invite", "join_group", "leave_group",
                        "set_group_picture")


class NeonizeGroupsMixin:
    """Needs `_connected_client()`, `_emit(kind, data)` and `account_id` of the session."""

    def _group_handlers(self):
        """neonize event type -> handler, registered with the others before connect()."""
        return {JoinedGroupEv: self._on_joined_group, GroupInfoEv: self._on_group_info}

    def _on_joined_group(self, ev):
        self._emit(base.GROUP_JOINED, codec_groups.normalise_joined(ev))

    def _on_group_info(self, ev):
        for kind, data in codec_groups.normalise_group_event(ev):
            self._emit(kind, data)

    def _group_call(self, what, fn, *args, forbidden=base.NotGroupAdmin, invite=False):
        client = self._connected_client()
        try:
            return fn(client, *args)
        except base.DriverError:
            raise
        except Exception as exc:   # noqa: BLE001 - neonize raises one class per call
            log.info("account %s: %s refused: %s", self.account_id, what, exc)
            raise codec_groups.group_error(what, exc, forbidden=forbidden,
                                           invite=invite) from exc

    # -- reading ----------------------------------------------------------------------------
    def list_groups(self):
        groups = self._group_call("list groups", lambda c: c.get_joined_groups())
        return [codec_groups.normalise_group(g) for g in groups]

    def group_info(self, group_id):
        info = self._group_call("read the group", lambda c: c.get_group_info(
            parse_jid(group_id)), forbidden=base.NotInGroup)
        return codec_groups.normalise_group(info)

    # -- changing ---------------------------------------------------------------------------
    def create_group(self, subject, participants):
        info = self._group_call("create a group", lambda c: c.create_group(
            subject, [parse_jid(p) for p in participants]))
        return codec_groups.normalise_group(info)

    def update_group(self, group_id, changes):
        jid = parse_jid(group_id)
        # Settings first: a group being locked must not refuse the rename that came with it.
        if "announce" in changes:
            self._group_call("change announce", lambda c: c.set_group_announce(
                jid, bool(changes["announce"])))
        if "locked" in changes:
            self._group_call("change locked", lambda c: c.set_group_locked(
                jid, bool(changes["locked"])))
        if "subject" in changes:
            self._group_call("rename the group", lambda c: c.set_group_name(
                jid, changes["subject"]))
        if "description" in changes:
            # Empty ids: whatsmeow reads the current topic id and makes a new one itself.
            self._group_call("change the description", lambda c: c.set_group_topic(
                jid, "", "", changes["description"] or ""))

    def update_participants(self, group_id, action, participants):
        change = ParticipantChange(action)
        answer = self._group_call(f"{action} participants", lambda c: c.update_group_participants(
            parse_jid(group_id), [parse_jid(p) for p in participants], change))
        return codec_groups.participant_results(action, list(participants), answer)

    def group_invite(self, group_id, revoke=False):
        link = self._group_call("manage the invite link", lambda c: c.get_group_invite_link(
            parse_jid(group_id), bool(revoke)))
        return codec_groups.invite_code(link)

    def join_group(self, code):
        jid = self._group_call("join the group", lambda c: c.join_group_with_link(code),
                               invite=True)
        try:
            return self.group_info(jid_to_str(jid))
        except base.DriverError as exc:   # joined; only the details are missing
            log.warning("account %s: joined %s but cannot read it: %s", self.account_id,
                        jid_to_str(jid), exc)
            return {"id": jid_to_str(jid), "subject": None, "description": None,
                    "owner": None, "createdAt": None, "announce": False, "locked": False,
                    "participants": []}

    def leave_group(self, group_id):
        self._group_call("leave the group", lambda c: c.leave_group(parse_jid(group_id)),
                         forbidden=base.NotInGroup)

    def set_group_picture(self, group_id, image):
        self._group_call("set the group picture", lambda c: c.set_group_photo(
            parse_jid(group_id), bytes(image)))
