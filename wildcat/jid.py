"""WhatsApp JIDs as strings: validation and normalisation (no neonize here)."""
import re

_USER = re.compile(r"^([0-9]{5,20})(?::[0-9]{1,3})?@s\.whatsapp\.net\Z")
_GROUP = re.compile(r"^[0-9]{5,20}(?:-[0-9]{5,20})?@g\.us\Z")
_LID = re.compile(r"^[0-9]{5,25}(?::[0-9]{1,3})?@lid\Z")
_PHONE = re.compile(r"^\+?([1-9][0-9]{6,14})\Z")


def normalise_jid(value: str) -> str | None:
    """The canonical JID for `value` (a JID or an international phone number), or None."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    phone = _PHONE.match(value)
    if phone:
        return f"{phone.group(1)}@s.whatsapp.net"
    user = _USER.match(value)
    if user:
        return f"{user.group(1)}@s.whatsapp.net"
    if _GROUP.match(value):
        return value
    if _LID.match(value):
        return value.split(":")[0] + "@lid" if ":" in value else value
    return None


def is_group(jid: str) -> bool:
    return jid.endswith("@g.us")
