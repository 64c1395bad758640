"""The VERI*FACTU QR symbol, drawn to the tax agency's specification.

AEAT asks for an ISO/IEC 18004 QR code with error correction level M, 30–40 mm square, with a
quiet zone of at least 2 mm (6 mm recommended). The symbol is a PNG without quiet zone, placed at
:data:`QR_SYMBOL_MM` by the stylesheet inside a white padding of :data:`QR_QUIET_ZONE_MM`: a
raster of whole pixels per module stays exact, is embedded losslessly, works in PDF/A, and the
quiet zone is guaranteed by layout rather than by the image. The PNG arrives as a ``data:`` URL,
the only kind of non-bundled URL the renderer's fetcher accepts.
"""

from __future__ import annotations

import base64
import io

import segno

#: Printed side of the symbol itself (modules only), in millimetres.
QR_SYMBOL_MM = 35
#: White margin kept free around the symbol, in millimetres (AEAT: ≥ 2, 6 recommended).
QR_QUIET_ZONE_MM = 6
#: Error correction level required by AEAT.
QR_ERROR_LEVEL = "M"
#: Pixels per module in the PNG: at 35 mm a module is ~0.8 mm, so 10 px is ~300 dpi.
_PIXELS_PER_MODULE = 1


def make_qr(url: str) -> segno.QRCode:
    """The QR symbol of ``url`` at level M exactly (segno would otherwise boost the level)."""
    return segno.make_qr(url, error=QR_ERROR_LEVEL, boost_error=False)


def qr_png_data_url(url: str) -> str:
    """The symbol of ``url`` as a black-on-white PNG ``data:`` URL, without quiet zone."""
    buffer = io.BytesIO()
    make_qr(url).save(
        buffer, kind="png", scale=_PIXELS_PER_MODULE, border=0, dark="#000000", light="#ffffff"
    )
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f"data:image/png;base64,{encoded}"
