"""Reactions, revokes and edits: what each changes on the message it targets."""
from wildcat import domain

EFFECT_EVENTS = {"reaction": domain.MESSAGE_REACTION, "revoke": domain.MESSAGE_REVOKED,
                 "edit": domain.MESSAGE_EDITED}
EFFECT_TYPES = tuple(EFFECT_EVENTS)


def target_id(msg: dict) -> str | None:
    """The id of the message a reaction/revoke/edit applies to."""
    detail = {"reaction": msg.get("reaction"), "edit": msg.get("edit"),
              "revoke": {"messageId": msg.get("revokedMessageId")}}[msg["type"]] or {}
    value = detail.get("messageId")
    return value if isinstance(value, str) and value else None


def effect_change(msg: dict, target: dict | None) -> tuple[dict | None, dict]:
    """(fields to set on the stored target or None when nothing changes, extra event
    fields). A redelivered effect changes nothing, which is what keeps it published once."""
    kind = msg["type"]
    if kind == "reaction":
        return _reaction(msg, target)
    if kind == "edit":
        return _edit(msg, target)
    if target is None or target.get("deleted"):
        return None, {}
    return {"deleted": True}, {}


def _reaction(msg, target):
    detail = msg.get("reaction") or {}
    reactor = detail.get("from") or msg.get("from")
    emoji = detail.get("emoji") or ""
    extra = {"emoji": emoji, "from": reactor, "removed": emoji == ""}
    if target is None:
        return None, extra
    reactions = dict(target.get("reactions") or {})
    if reactions.get(reactor, "") == emoji:
        return None, extra
    if emoji:
        reactions[reactor] = emoji
    else:
        reactions.pop(reactor, None)
    return {"reactions": reactions}, extra


def _edit(msg, target):
    text = (msg.get("edit") or {}).get("text")
    extra = {"text": text if isinstance(text, str) else None}
    if target is None or not isinstance(text, str):
        return None, extra
    if target.get("edited") and target.get("text") == text:
        return None, extra
    fields = {"text": text, "edited": True}
    if target.get("hasMedia"):
        fields["caption"] = text
    return fields, extra
