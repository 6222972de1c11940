"""Reactions, revokes, edits and poll votes: what each changes on the message it targets."""
import hashlib

from wildcat import domain

EFFECT_EVENTS = {"reaction": domain.MESSAGE_REACTION, "revoke": domain.MESSAGE_REVOKED,
                 "edit": domain.MESSAGE_EDITED, "poll_vote": domain.POLL_VOTE}
EFFECT_TYPES = tuple(EFFECT_EVENTS)


def target_id(msg: dict) -> str | None:
    """The id of the message a reaction/revoke/edit applies to."""
    detail = {"reaction": msg.get("reaction"), "edit": msg.get("edit"),
              "poll_vote": msg.get("pollVote"),
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
    if kind == "poll_vote":
        return poll_vote(msg, target)
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


def option_hash(name: str) -> str:
    """WhatsApp's id of a poll option: the SHA-256 of its name (hex)."""
    return hashlib.sha256(name.encode("utf-8")).hexdigest()


def poll_vote(msg, target):
    """A voter's new choice replaces their previous one in the stored tally. Options may come
    by name (sandbox) or by SHA-256 (WhatsApp's encrypted votes); unknown ones are ignored."""
    detail = msg.get("pollVote") or {}
    voter = msg.get("from") or detail.get("from")
    poll = (target or {}).get("poll")
    if not isinstance(poll, dict) or not voter:
        return None, {"options": list(detail.get("options") or [])}
    names = [o["name"] for o in poll.get("options") or ()]
    wanted = {str(n) for n in detail.get("options") or ()}
    hashes = {str(h).lower() for h in detail.get("optionHashes") or ()}
    chosen = [n for n in names if n in wanted or option_hash(n) in hashes]
    if not poll.get("multiple"):
        chosen = chosen[:1]
    options = []
    for option in poll.get("options") or ():
        voters = [v for v in option.get("voters") or () if v != voter]
        if option["name"] in chosen:
            voters.append(voter)
        options.append({"name": option["name"], "voters": voters})
    tally = {**poll, "options": options}
    extra = {"options": chosen, "poll": tally}
    if tally == poll:
        return None, extra
    return {"poll": tally}, extra
