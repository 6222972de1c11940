"""Serving a stored blob over HTTP: streamed in chunks, Range (206/416), safe headers."""
import re
from urllib.parse import quote

from flask import Response

from wildcat.errors import RangeNotSatisfiable
from wildcat.media import sniff_bytes

STREAM_CHUNK = 256 * 1024
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)\Z")
RASTER_IMAGES = {"image/jpeg", "image/png", "image/gif", "image/webp"}
SNIFF_BYTES = 4096
# A served file is never a document of this origin: no script, no form, no plugin.
MEDIA_CSP = "sandbox; default-src 'none'; img-src 'self'; media-src 'self'"


def parse_range(header, length):
    """(start, end) inclusive for a single `bytes=` range; None to serve the whole file.

    Multiple ranges and malformed headers are ignored (RFC 9110 allows it); a range that
    cannot be satisfied raises 416.
    """
    if not header:
        return None
    match = _RANGE.match(header.strip())
    if match is None or (not match.group(1) and not match.group(2)):
        return None
    first, last = match.group(1), match.group(2)
    if first:
        start = int(first)
        end = min(int(last), length - 1) if last else length - 1
        if last and int(last) < start:
            return None
    else:
        suffix = int(last)
        if suffix == 0:
            start, end = length, length - 1
        else:
            start, end = max(0, length - suffix), length - 1
    if start >= length:
        raise RangeNotSatisfiable(headers={"Content-Range": f"bytes */{length}"})
    return start, end


def inline_allowed(mimetype, sniffed):
    """Only raster images, audio and video whose bytes are what the type says are shown
    inline; anything else (SVG, HTML, PDF, a mismatch) is a download."""
    base = mimetype.split(";")[0].strip().lower()
    sniffed = (sniffed or "").split(";")[0].strip().lower()
    if base in RASTER_IMAGES:
        return sniffed == base or (sniffed in RASTER_IMAGES and base == "image/jpeg")
    if base.startswith(("audio/", "video/")):
        return sniffed.startswith(("audio/", "video/")) or sniffed == "application/ogg"
    return False


_TOKEN_UNSAFE = re.compile(r'[^A-Za-z0-9!#$&+.^_`|~ -]')


def content_disposition(filename, mimetype, inline=None):
    """`inline` for pictures, video and sound, `attachment` otherwise; RFC 6266 names.

    The plain `filename` keeps only characters that need no escaping in a quoted string
    (no quotes, backslashes or control characters); `filename*` carries the real name.
    """
    if inline is None:
        inline = mimetype.split(";")[0].strip().lower() in RASTER_IMAGES or \
            mimetype.startswith(("audio/", "video/"))
    kind = "inline" if inline else "attachment"
    ascii_name = _TOKEN_UNSAFE.sub("", filename.encode("ascii", "ignore").decode()).strip()
    ascii_name = ascii_name or "file"
    if ascii_name == filename:
        return f'{kind}; filename="{ascii_name}"'
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _chunks(media, start, count):
    try:
        media.seek(start)
        while count > 0:
            data = media.read(min(STREAM_CHUNK, count))
            if not data:
                break
            count -= len(data)
            yield data
    finally:
        media.close()


def media_response(media, *, filename, mimetype, range_header=None, if_range=None):
    """A streaming response for an opened MediaFile (closed when the response ends)."""
    length = media.length
    etag = f'"{media.mediaId}"'
    try:
        wanted = parse_range(range_header, length) if not if_range or if_range == etag else None
    except RangeNotSatisfiable:
        media.close()
        raise
    start, end = wanted or (0, length - 1)
    count = max(0, end - start + 1)
    try:
        sniffed = sniff_bytes(media.read(SNIFF_BYTES))
    except Exception:
        media.close()
        raise
    response = Response(_chunks(media, start, count), status=206 if wanted else 200,
                        mimetype=None, direct_passthrough=True)
    response.headers["Content-Type"] = mimetype
    response.headers["Content-Length"] = str(count)
    response.headers["Content-Disposition"] = content_disposition(
        filename, mimetype, inline=inline_allowed(mimetype, sniffed))
    response.headers["Content-Security-Policy"] = MEDIA_CSP
    response.headers["Accept-Ranges"] = "bytes"
    response.headers["ETag"] = etag
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, max-age=3600"
    response.call_on_close(media.close)      # also when the body is never iterated (HEAD)
    if wanted:
        response.headers["Content-Range"] = f"bytes {start}-{end}/{length}"
    return response
