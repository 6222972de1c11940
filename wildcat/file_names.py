"""Upload file names: read from the part's own header by us, then made safe to store.

Werkzeug's `FileStorage.filename` is not used as given: its header parsing changes between
releases (3.1.9 drops every backslash, so `C:\\temp\\x.pdf` arrives as `C:tempx.pdf`), and the
stored name must not depend on which release is installed.
"""
import os
import re
import unicodedata
from urllib.parse import unquote

MAX_NAME_BYTES = 200
MAX_EXTENSION = 16

# One `; key=value` parameter of a Content-Disposition header. A quoted value may hold
# backslash pairs (RFC 9110 quoted-pair); a quoted value that only closes without them
# (a raw Windows path ending in `\`) is taken as it stands.
_PARAM = re.compile(r"""\s*;\s*([^\s=;"]+)\s*=\s*
                        (?:"((?:[^"\\]|\\.)*)"|"([^"]*)"|([^;]*))""", re.S | re.X)
# What HTML's multipart encoding (browsers, curl, urllib3) escapes in a quoted file name.
_HTML_ESCAPES = re.compile(r"%(22|0A|0D)", re.I)
_EXTENDED = re.compile(r"([A-Za-z0-9!#$%&+^_`{}~-]*)'[^']*'(.*)", re.S)
_CHARSETS = {"utf-8", "iso-8859-1", "us-ascii", "ascii"}
_UNSAFE = re.compile(r'[<>:"|?*]')


def disposition_params(header) -> dict:
    """The parameters of a Content-Disposition value, names lowercased, values unprocessed."""
    params = {}
    header = header or ""
    pos = header.find(";")
    while pos != -1 and pos < len(header):
        match = _PARAM.match(header, pos)
        if match is None:
            break
        name = match.group(1).lower()
        quoted = match.group(2) if match.group(2) is not None else match.group(3)
        params.setdefault(name, (quoted, True) if quoted is not None
                          else (match.group(4).strip(), False))
        pos = match.end()
    return params


def part_filename(header):
    """The file name a client sent in a multipart part's Content-Disposition, or None.

    `filename*` (RFC 5987, percent-encoded UTF-8) wins over `filename`. In a quoted
    `filename` only an escaped quote is unescaped: a backslash is kept, since clients that
    follow HTML's encoding send Windows paths raw, and `safe_filename` cuts the name at the
    last `/` or `\\` either way.
    """
    params = disposition_params(header)
    if "filename*" in params:
        extended = _EXTENDED.fullmatch(params["filename*"][0])
        if extended and extended.group(1).lower() in _CHARSETS:
            return unquote(extended.group(2), encoding=extended.group(1), errors="replace")
    if "filename" not in params:
        return None
    value, quoted = params["filename"]
    if quoted:
        value = value.replace('\\"', '"')
    return _HTML_ESCAPES.sub(lambda m: chr(int(m.group(1), 16)), value)


def safe_filename(name, mimetype, stem="file", extension_for=None):
    """A name safe to store and to put in a header.

    The base name after the last `/` or `\\`; control, format and separator characters
    removed (spaces kept); characters Windows refuses replaced by `_`; at most
    MAX_NAME_BYTES of UTF-8, cut from the stem so the extension stays. An empty stem becomes
    `stem`, a missing extension comes from `extension_for(mimetype)`.
    """
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] not in "CZ" or c == " ")
    name = re.sub(r" +", " ", _UNSAFE.sub("_", name)).strip(" .")
    root, ext = os.path.splitext(name)
    if len(ext) > MAX_EXTENSION:
        root, ext = name, ""
    if not root:
        root = stem
    if not ext and extension_for is not None:
        ext = extension_for(mimetype)
    room = MAX_NAME_BYTES - len(ext.encode())
    root = root.encode()[:room].decode("utf-8", "ignore").rstrip(" .") or stem
    return root + ext
