"""Stickers: any PNG, JPEG, GIF or WebP becomes the 512x512 WebP WhatsApp shows (Pillow)."""
import io
import logging

from PIL import Image

from wildcat.errors import InvalidImage, UnsupportedMedia

log = logging.getLogger(__name__)

SIZE = 512
ACCEPTED = {"image/png": "PNG", "image/jpeg": "JPEG", "image/gif": "GIF", "image/webp": "WEBP"}
MAX_PIXELS = 40_000_000        # a decompression bomb is refused, not decoded


def to_sticker(data: bytes, mimetype: str) -> bytes:
    """A 512x512 WebP (the image scaled to fit, centred on transparency). Animated GIF and
    WebP keep their first frame. Other types: 415; an image Pillow cannot read: 400."""
    if mimetype not in ACCEPTED:
        raise UnsupportedMedia(f"A sticker must be PNG, JPEG, GIF or WebP; the file is {mimetype}",
                               details={"detected": mimetype})
    try:
        return _convert(data, ACCEPTED[mimetype])
    except InvalidImage:
        raise
    except Exception as exc:   # noqa: BLE001 - a hostile file may fail Pillow anywhere
        log.info("sticker image refused: %s: %s", type(exc).__name__, exc)
        raise InvalidImage("The sticker image could not be read") from None


def _convert(data, fmt):
    with Image.open(io.BytesIO(data), formats=[fmt]) as img:
        if img.width * img.height > MAX_PIXELS:
            raise InvalidImage(f"The image is too large ({img.width}x{img.height})")
        if img.width < 1 or img.height < 1:
            raise InvalidImage("The image is empty")
        img.seek(0)
        frame = img.convert("RGBA")
    frame.thumbnail((SIZE, SIZE), Image.LANCZOS)
    canvas = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    canvas.paste(frame, ((SIZE - frame.width) // 2, (SIZE - frame.height) // 2), frame)
    out = io.BytesIO()
    canvas.save(out, format="WEBP", quality=80, method=4)
    return out.getvalue()
