"""The sandbox's chat extras (issue 11): who is on WhatsApp, the new outbound kinds, presence,
number checks, contact info, blocks and call rejections, each recorded in `sent` like a send.

Until `/sandbox/accounts/:id/registered` is first called every number exists (as before);
after it only the listed phones do: the number check says so, and a message, presence or
contact lookup for any other phone fails as WhatsApp would.
"""
import hashlib

from wildcat.drivers import base

ABOUT = "Hey there! I am using WhatsApp."


def _digits(jid):
    return jid.split("@", 1)[0].split(":", 1)[0]


class SandboxChatDriver:
    """Mixin of SandboxDriver: the per-account directory of registered numbers."""

    def set_registered(self, account_id, phones, lids=None):
        """Only `phones` (E.164) exist for this account's network from now on; `lids` gives
        some of them a LID ({phone: lid})."""
        lids = lids or {}
        self.world.set_directory(account_id, {p.lstrip("+"): lids.get(p) for p in phones})

    def directory(self, account_id):
        """{digits: lid or None}, or None while every number exists."""
        return self.world.directory(account_id)

    def _chat_delivery(self, sender, request, msg):
        """The inbound form of an issue-11 kind at a peer sandbox account; False when the
        kind is not one of them."""
        payload = request.payload or {}
        if request.kind == "location":
            msg.update(type="location", location=dict(payload), text=payload.get("name"))
        elif request.kind == "contact":
            cards = [{"name": c["name"], "phone": c["phone"]} for c in payload["contacts"]]
            msg.update(type="contact", contacts=cards, text=cards[0]["name"])
        elif request.kind == "poll":
            msg.update(type="poll", text=payload["question"], poll={
                "question": payload["question"], "multiple": bool(payload.get("multiple")),
                "options": [{"name": o, "voters": []} for o in payload["options"]]})
        elif request.kind == "edit":
            msg.update(type="edit", edit={"messageId": request.target["messageId"],
                                          "text": payload.get("text", request.text)})
        else:
            return False
        return True


class SandboxChatSession:
    """Mixin of SandboxSession (uses its driver, account_id, jid, connected, record)."""

    def _require_on_whatsapp(self, jid):
        directory = self.driver.directory(self.account_id)
        if directory is None or not jid or not jid.endswith("@s.whatsapp.net"):
            return
        if _digits(jid) not in directory:
            raise base.NotOnWhatsApp(f"{jid} is not on WhatsApp")

    def _require_connection(self):
        if not self.connected:
            raise base.NotConnected("account is not connected")

    def _chat_record(self, request, record):
        """Fields of an issue-11 kind in `sent`."""
        payload = request.payload or {}
        if request.kind == "location":
            record.update(location=dict(payload))
        elif request.kind == "contact":
            record.update(contacts=[dict(c) for c in payload["contacts"]])
        elif request.kind == "poll":
            record.update(poll=dict(payload))
        elif request.kind == "edit":
            record.update(editedMessageId=request.target["messageId"],
                          text=payload.get("text", request.text))
        elif request.kind == "status_text":
            record.update(backgroundColor=payload.get("backgroundColor"))

    # -- DriverSession chat extras ---------------------------------------------------------
    def send_presence(self, state, to):
        self._require_connection()
        self._require_on_whatsapp(to)
        self.record({"type": "presence", "state": state, "to": to})

    def check_numbers(self, phones):
        self._require_connection()
        directory = self.driver.directory(self.account_id)
        results = []
        for phone in phones:
            digits = phone.lstrip("+")
            exists = directory is None or digits in directory
            lid = (directory or {}).get(digits) if exists else None
            results.append({"phone": phone, "exists": exists,
                            "jid": f"{digits}@s.whatsapp.net" if exists else None,
                            "lid": lid})
        self.record({"type": "check", "to": None, "phones": list(phones)})
        return results

    def contact_info(self, jid):
        self._require_connection()
        self._require_on_whatsapp(jid)
        if not jid.endswith("@s.whatsapp.net"):
            return {"pictureUrl": None, "about": None}   # a LID alone shows nothing
        tag = hashlib.sha256(jid.encode()).hexdigest()[:16]
        return {"pictureUrl": f"https://pps.whatsapp.net/sandbox/{tag}.jpg", "about": ABOUT}

    def set_blocked(self, jid, blocked):
        self._require_connection()
        self.record({"type": "block" if blocked else "unblock", "to": jid})

    def reject_call(self, call_id, caller):
        self._require_connection()
        self.record({"type": "call_reject", "to": caller, "callId": call_id})

    def presence(self, data):
        """Someone's typing/online state arrives (the sandbox route)."""
        self.emit(base.PRESENCE, data)

    def call(self, data):
        """A call arrives (the sandbox route)."""
        self.emit(base.CALL, data)
