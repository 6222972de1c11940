"""QR code rendering for the login QR (PNG, SVG, terminal text)."""
import io

import qrcode
import qrcode.image.svg

from workers.account_worker import render_terminal_qr


def render(code: str, fmt: str):
    """(bytes or str, mimetype) of the QR for `code` in png | svg | txt."""
    if fmt == "svg":
        image = qrcode.make(code, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
        out = io.BytesIO()
        image.save(out)
        return out.getvalue(), "image/svg+xml"
    if fmt == "txt":
        return render_terminal_qr(code), "text/plain; charset=utf-8"
    out = io.BytesIO()
    qrcode.make(code, box_size=8, border=2).save(out, format="PNG")
    return out.getvalue(), "image/png"
