"""Uploads: size cap before the body is read, spooled to disk, sniffed, named, converted."""
import contextlib
import logging
import mimetypes
import os
import re
import subprocess
import tempfile

import magic
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.formparser import parse_form_data

from wildcat import file_names
from wildcat.errors import (ConversionTimeout, EmptyFile, FfmpegMissing, FieldTooLarge,
                            InvalidAudio, InvalidContentType, InvalidMultipart, PayloadTooLarge,
                            TooManyParts, UnsupportedMedia, ValidationFailed)

log = logging.getLogger(__name__)

# Room for the multipart framing and the text fields next to a file of the maximum size
# (factory.py sets Flask's MAX_CONTENT_LENGTH to the same).
FORM_OVERHEAD = 1024 * 1024
MAX_FORM_FIELDS_BYTES = 512 * 1024
MAX_FORM_PARTS = 16
COPY_CHUNK = 256 * 1024

FFMPEG = "ffmpeg"
FFMPEG_TIMEOUT = 120.0
VOICE_MIMETYPE = "audio/ogg; codecs=opus"

IMAGE_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp")
_ACCEPTS = {
    "image": lambda m: m in IMAGE_TYPES,
    "video": lambda m: m.startswith("video/"),
    "audio": lambda m: m.startswith("audio/") or m == "application/ogg",
    "document": lambda m: True,
}
_ACCEPTS_TEXT = {"image": "a JPEG, PNG, GIF or WebP image", "video": "a video",
                 "audio": "an audio file"}
_GENERIC = {"application/octet-stream", "text/plain", "application/zip"}


class SpoolFile:
    """A temp file on disk (removed on close) that refuses to grow past `limit` bytes."""

    def __init__(self, limit):
        self._file = tempfile.NamedTemporaryFile(prefix="wildcat-upload-")
        self.name, self.limit, self.size = self._file.name, limit, 0

    def write(self, data):
        self.size += len(data)
        if self.size > self.limit:
            raise too_large(self.limit)
        return self._file.write(data)

    def __getattr__(self, name):
        return getattr(self._file, name)


class Upload:
    """One received (or converted) file: on disk at `path`, `size` bytes, sniffed type."""

    def __init__(self, spool, filename, mimetype):
        self.spool, self.path, self.size = spool, spool.name, spool.size
        self.filename, self.mimetype = filename, mimetype

    def open(self):
        """The file, rewound (for streaming into the store)."""
        self.spool.flush()
        self.spool.seek(0)
        return self.spool

    def read_bytes(self) -> bytes:
        return self.open().read()

    def close(self):
        self.spool.close()


def too_large(limit):
    return PayloadTooLarge(f"Upload is too large: the limit is {limit // (1024 * 1024)} MB",
                           details={"maxBytes": limit})


@contextlib.contextmanager
def receive_upload(request, field, max_bytes):
    """Parse a multipart upload with its file in `field`; yield (form fields, Upload).

    The declared Content-Length is checked before any byte is read; the body is streamed to
    temp files (chunked bodies too), each capped at `max_bytes`; every temp file is removed
    when the block ends.
    """
    if request.mimetype != "multipart/form-data":
        raise InvalidContentType("Content-Type must be multipart/form-data")
    body_limit = max_bytes + FORM_OVERHEAD
    if request.content_length is not None and request.content_length > body_limit:
        raise too_large(max_bytes)
    spools = []

    def stream_factory(total_content_length, content_type, filename, content_length=None):
        spools.append(SpoolFile(max_bytes))
        return spools[-1]

    body = _PartCounter(request.environ["wsgi.input"],
                        request.mimetype_params.get("boundary", ""))
    try:
        try:
            _, form, files = parse_form_data(
                {**request.environ, "wsgi.input": body}, stream_factory=stream_factory,
                silent=False, max_form_memory_size=MAX_FORM_FIELDS_BYTES,
                max_content_length=body_limit, max_form_parts=MAX_FORM_PARTS)
        except RequestEntityTooLarge:
            raise _refusal(body, body_limit, max_bytes) from None
        except ValueError:
            raise InvalidMultipart() from None
        storage = files.get(field)
        if storage is None or not isinstance(storage.stream, SpoolFile):
            raise ValidationFailed(f"{field} file is required")
        spool = storage.stream
        if spool.size == 0:
            raise EmptyFile(f"{field} file is empty")
        spool.flush()
        mimetype = sniff(spool.name)
        # The name as the client sent it, not Werkzeug's rewrite of it (see file_names).
        sent = file_names.part_filename(storage.headers.get("Content-Disposition"))
        upload = Upload(spool, safe_filename(storage.filename if sent is None else sent,
                                             mimetype, field), mimetype)
        yield form.to_dict(), upload
    finally:
        for spool in spools:
            spool.close()


class _PartCounter:
    """The request body as read by the form parser: bytes and part boundaries seen so far,
    to tell "too many parts" and "a text field too long" from "too large" (werkzeug raises
    the same 413 for all three)."""

    def __init__(self, stream, boundary):
        self.stream, self.read_bytes, self.parts = stream, 0, 0
        self.marker, self._tail = b"--" + boundary.encode("latin-1", "replace"), b""

    def read(self, *args):
        data = self.stream.read(*args)
        self.read_bytes += len(data)
        window = self._tail + data
        self.parts += window.count(self.marker) - self._tail.count(self.marker)
        self._tail = window[-len(self.marker):]
        return data


def _refusal(body, body_limit, max_bytes):
    if body.read_bytes > body_limit:
        return too_large(max_bytes)
    if body.parts > MAX_FORM_PARTS:
        return TooManyParts(f"The multipart body has more than {MAX_FORM_PARTS} parts",
                            details={"maxParts": MAX_FORM_PARTS})
    return FieldTooLarge(f"A text field of the multipart body is over "
                         f"{MAX_FORM_FIELDS_BYTES // 1024} KB",
                         details={"maxFieldBytes": MAX_FORM_FIELDS_BYTES})


def sniff(path) -> str:
    """The file's real MIME type, from its bytes (libmagic)."""
    try:
        return magic.from_file(path, mime=True) or "application/octet-stream"
    except magic.MagicException:
        log.exception("libmagic could not read an upload")
        return "application/octet-stream"


def sniff_bytes(data: bytes) -> str:
    """The MIME type of a file's first bytes (libmagic)."""
    try:
        return magic.from_buffer(bytes(data[:8192]), mime=True) or "application/octet-stream"
    except magic.MagicException:
        log.exception("libmagic could not read a buffer")
        return "application/octet-stream"


def received_mimetype(data: bytes, declared, filename) -> str:
    """The type an inbound file is stored under: the sender's claim only when the bytes
    agree (keeping its parameters, e.g. `codecs=opus`), else the sniffed type."""
    declared = declared or "application/octet-stream"
    sniffed = sniff_bytes(data)
    base = declared.split(";")[0].strip().lower()
    if base == sniffed or (base.startswith("audio/") and sniffed in ("audio/ogg",
                                                                     "application/ogg")):
        return declared
    return document_mimetype(sniffed, filename)


def check_kind(kind, mimetype):
    """415 unless the sniffed type fits the endpoint (a PDF is not an image)."""
    if not _ACCEPTS[kind](mimetype):
        raise UnsupportedMedia(f"send/{kind} needs {_ACCEPTS_TEXT[kind]}; the file is {mimetype}",
                               details={"detected": mimetype})


def document_mimetype(sniffed, filename):
    """A document's type: the sniffed one, or the file name's when libmagic is only generic."""
    guessed = mimetypes.guess_type(filename or "")[0]
    if sniffed not in _GENERIC or not guessed:
        return sniffed
    if sniffed == "application/octet-stream":
        return guessed
    if sniffed == "text/plain" and guessed.startswith("text/"):
        return guessed
    if sniffed == "application/zip" and re.search(r"openxml|opendocument|epub|zip|java", guessed):
        return guessed
    return sniffed


def safe_filename(name, mimetype, stem="file"):
    """A file name safe to store and to put in a header: no path, no control characters."""
    return file_names.safe_filename(name, mimetype, stem, extension_for=_extension)


def _extension(mimetype):
    base = (mimetype or "").split(";")[0].strip()
    return {"image/jpeg": ".jpg", "audio/mpeg": ".mp3", "audio/ogg": ".ogg",
            "text/plain": ".txt"}.get(base) or mimetypes.guess_extension(base) or ""


def to_voice_note(upload, *, ffmpeg=None, timeout=FFMPEG_TIMEOUT) -> Upload:
    """Convert audio to OGG/Opus mono 48 kHz (WhatsApp's voice note); the caller closes it."""
    out = SpoolFile(limit=float("inf"))
    cmd = [ffmpeg or FFMPEG, "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
           "-i", upload.path, "-vn", "-map_metadata", "-1", "-c:a", "libopus", "-b:a", "32k",
           "-ac", "1", "-ar", "48000", "-application", "voip", "-f", "ogg", out.name]
    try:
        done = subprocess.run(cmd, capture_output=True, timeout=timeout)
    except FileNotFoundError:
        out.close()
        raise FfmpegMissing() from None
    except subprocess.TimeoutExpired:
        out.close()
        raise ConversionTimeout(f"Converting the audio took longer than {timeout:.0f}s") from None
    if done.returncode != 0:
        out.close()
        log.warning("ffmpeg failed (%s): %s", done.returncode,
                    done.stderr.decode("utf-8", "replace")[-300:])
        raise InvalidAudio()
    out.size = os.path.getsize(out.name)
    stem = os.path.splitext(upload.filename)[0] or "voice"
    return Upload(out, stem + ".ogg", VOICE_MIMETYPE)
