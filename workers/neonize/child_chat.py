"""The session host's chat extras (issue 11): a mixin of NeonizeClientSession with the new
send kinds, presence, number checks, contact info, blocks, call rejections and the presence /
call / identity events. Runs only in the session host child (it imports neonize)."""
import contextlib
import logging

from neonize.events import CallOfferEv, ChatPresenceEv, PresenceEv
from neonize.utils.enum import (BlocklistAction, ChatPresence, ChatPresenceMedia, Presence)

from wildcat.drivers import base
from workers.neonize import codec, codec_chat

log = logging.getLogger(__name__)

_CHAT_STATES = {
    "composing": (ChatPresence.CHAT_PRESENCE_COMPOSING, ChatPresenceMedia.CHAT_PRESENCE_MEDIA_TEXT),
    "recording": (ChatPresence.CHAT_PRESENCE_COMPOSING, ChatPresenceMedia.CHAT_PRESENCE_MEDIA_AUDIO),
    "paused": (ChatPresence.CHAT_PRESENCE_PAUSED, ChatPresenceMedia.CHAT_PRESENCE_MEDIA_TEXT),
}
_OWN_STATES = {"available": Presence.AVAILABLE, "unavailable": Presence.UNAVAILABLE}


class ChildChatMixin:
    """Uses the session's `_client`, `_emit`, `_own()`, `_connected_client()` and `_gate`
    (the host's FFI gate: every neonize call on the event path holds it shared, as sends do;
    the remote methods are called by name under it already)."""

    REMOTE_METHODS = ("send_presence", "check_numbers", "contact_info", "set_blocked",
                      "reject_call")

    def _ffi(self):
        gate = getattr(self, "_gate", None)
        return gate.shared() if gate is not None else contextlib.nullcontext()

    # -- events --------------------------------------------------------------------------
    def _chat_handlers(self):
        return {ChatPresenceEv: self._on_chat_presence, PresenceEv: self._on_presence,
                CallOfferEv: self._on_call_offer}

    def _on_chat_presence(self, ev):
        data = codec_chat.normalise_chat_presence(ev)
        if data is not None:
            self._emit(base.PRESENCE, data)

    def _on_presence(self, ev):
        data = codec_chat.normalise_presence(ev)
        if data is not None:
            self._emit(base.PRESENCE, data)

    def _on_call_offer(self, ev):
        data = codec_chat.normalise_call(ev)
        if data is not None:
            self._emit(base.CALL, data)

    def _vote_hashes(self, ev):
        """The SHA-256 hex of the options a poll vote chose (None when it is not a vote or
        cannot be decrypted: the poll's secret is on another device)."""
        if not ev.Message.HasField("pollUpdateMessage"):
            return None
        try:
            with self._ffi():
                vote = self._client.decrypt_poll_vote(ev)
        except Exception as exc:   # noqa: BLE001 - DecryptPollVoteError
            log.info("account %s: cannot decrypt a poll vote: %s", self.account_id, exc)
            return None
        return [bytes(h).hex() for h in vote.selectedOptions]

    def _store_ready(self):
        """True when whatsmeow's stores may be read: they abort the whole process (a Go
        panic) when the client is not logged in, so ask Go itself too (that call is safe)."""
        if not (self._logged_in and self._client.me is not None):
            return False
        with self._ffi():
            return bool(self._client.is_logged_in)

    def _phone_of_lid(self, data):
        """A message from a LID alone: ask whatsmeow's own LID store for the phone number."""
        lid = data.get("from")
        if not lid or not lid.endswith("@lid") or not self._store_ready():
            return
        try:
            with self._ffi():
                pn = self._client.get_pn_from_lid(codec.parse_jid(lid))
        except Exception:   # noqa: BLE001 - not in the store
            return
        if pn.User and pn.Server == codec.USER_SERVER:
            phone = codec.jid_to_str(pn)
            data["fromLid"] = lid
            data["from"] = phone
            if data.get("chatId") == lid:
                data["chatId"], data["chatLid"] = phone, lid

    def _sync_contacts(self):
        """After connecting: the phone's address book names contacts."""
        if not self._store_ready():
            return
        try:
            with self._ffi():
                contacts = self._client.contact.get_all_contacts()
        except Exception as exc:   # noqa: BLE001 - app state not synced yet
            log.info("account %s: contacts not available yet: %s", self.account_id, exc)
            return
        data = codec_chat.contact_identities(contacts)
        if data["contacts"]:
            self._emit(base.IDENTITIES, data)

    # -- sends -----------------------------------------------------------------------------
    def _build_chat(self, client, req):
        """The message for an issue-11 send kind (None when `req` is not one)."""
        payload = req.payload or {}
        if req.kind == "location":
            return codec_chat.build_location(payload)
        if req.kind == "contact":
            return codec_chat.build_contacts(payload)
        if req.kind == "poll":
            return codec_chat.build_poll(payload)
        if req.kind == "edit":
            return codec_chat.build_edit(req.target, payload.get("text", req.text or ""),
                                         self._own()[0])
        if req.kind == "status_text":
            return codec_chat.build_status_text(req.text or "", payload.get("backgroundColor"))
        if req.kind == "sticker":   # already a 512x512 WebP: upload as it is
            return client.build_sticker_message(bytes(req.data), passthrough=True)
        if req.kind == "status_image":
            return client.build_image_message(bytes(req.data), caption=req.caption)
        return None

    # -- remote methods (the parent calls them by name) --------------------------------------
    def send_presence(self, state, to):
        client = self._connected_client()
        try:
            if state in _OWN_STATES:
                client.send_presence(_OWN_STATES[state])
            else:
                chat_state, media = _CHAT_STATES[state]
                client.send_chat_presence(codec.parse_jid(to), chat_state, media)
        except Exception as exc:   # noqa: BLE001 - SendPresenceError
            raise base.DriverError("presence failed: %s" % exc) from exc

    def check_numbers(self, phones):
        client = self._connected_client()
        try:
            responses = client.is_on_whatsapp(*phones)
        except Exception as exc:   # noqa: BLE001 - IsOnWhatsAppError
            raise base.DriverError("number check failed: %s" % exc) from exc
        lids = {}
        for r in responses:
            if r.IsIn and r.JID.User:
                try:
                    lid = client.get_lid_from_pn(r.JID)
                except Exception:   # noqa: BLE001 - not in whatsmeow's LID store
                    continue
                if lid.User and lid.Server == codec.LID_SERVER:
                    lids[codec.jid_to_str(r.JID)] = codec.jid_to_str(lid)
        return codec_chat.number_results(list(phones), responses, lids)

    def contact_info(self, jid):
        client = self._connected_client()
        target = codec.parse_jid(jid)
        try:
            users = client.get_user_info(target)
        except Exception as exc:   # noqa: BLE001 - GetUserInfoError
            raise base.DriverError("contact lookup failed: %s" % exc) from exc
        if not users:
            raise base.NotOnWhatsApp("%s is not on WhatsApp" % jid)
        about = users[0].UserInfo.Status or None
        try:
            picture = client.get_profile_picture(target)
            url = picture.URL or None
        except Exception:   # noqa: BLE001 - hidden or unset picture
            url = None
        return {"pictureUrl": url, "about": about}

    def set_blocked(self, jid, blocked):
        client = self._connected_client()
        action = BlocklistAction.BLOCK if blocked else BlocklistAction.UNBLOCK
        try:
            client.update_blocklist(codec.parse_jid(jid), action)
        except Exception as exc:   # noqa: BLE001 - UpdateBlocklistError
            raise base.DriverError("blocklist update failed: %s" % exc) from exc

    def reject_call(self, call_id, caller):
        client = self._connected_client()
        try:
            client.reject_call(codec.parse_jid(caller), call_id)
        except Exception as exc:   # noqa: BLE001 - RejectCallError
            raise base.DriverError("rejecting the call failed: %s" % exc) from exc
