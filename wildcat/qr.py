"""QR code rendering for the login QR (PNG, SVG, terminal text)."""
import io

import qrcode
import qrcode.image.svg


def render_terminal_qr(code: str) -> str:
    """The QR drawn with text characters (the server log, `?format=txt`)."""
    qr = qrcode.QRCode(border=1)
    qr.add_data(code)
    out = io.StringIO()
    qr.print_ascii(out=out)
    return out.getvalue()


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
