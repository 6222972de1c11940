"""vCard 3.0 contact cards as WhatsApp sends them: build one from {name, phone}, and read
{name, phone} back from any card a phone sends (both drivers use this; no WILDCAT imports)."""
import re

_ESCAPES = (("\\", "\\\\"), (",", "\\,"), (";", "\\;"), ("\n", "\\n"))
_WAID = re.compile(r"waid=([0-9]+)", re.IGNORECASE)


def _escape(text: str) -> str:
    for raw, escaped in _ESCAPES:
        text = text.replace(raw, escaped)
    return text


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) in "nN" else m.group(1), text)


def build_vcard(name: str, phone: str) -> str:
    """The card for `name` at `phone` (E.164 `+digits`), with WhatsApp's `waid` parameter so
    the recipient's phone offers "Message" / "Add contact"."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    return ("BEGIN:VCARD\nVERSION:3.0\n"
            f"N:;{_escape(name)};;;\nFN:{_escape(name)}\n"
            f"TEL;type=CELL;type=VOICE;waid={digits}:+{digits}\nEND:VCARD")


def parse_vcard(card: str, display_name: str | None = None) -> dict:
    """{name, phone} of a card: FN (else the display name), the first TEL (its waid when
    present) as E.164; a value missing from the card is None."""
    lines, name, phone = [], None, None
    for raw in (card or "").replace("\r\n", "\n").split("\n"):
        if raw[:1] in (" ", "\t") and lines:      # folded continuation line
            lines[-1] += raw[1:]
        else:
            lines.append(raw)
    for line in lines:
        key, sep, value = line.partition(":")
        if not sep:
            continue
        prop = key.split(";", 1)[0].split(".")[-1].upper()
        if prop == "FN" and name is None and value.strip():
            name = _unescape(value.strip())
        elif prop == "TEL" and phone is None:
            waid = _WAID.search(key)
            digits = waid.group(1) if waid else "".join(ch for ch in value if ch.isdigit())
            phone = "+" + digits if digits else None
    return {"name": name or display_name or None, "phone": phone}
