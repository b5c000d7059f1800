"""Signatures drawn on the tablet: from the form's PNG data URL to checked, minimal PNG bytes.

The browser sends ``data:image/png;base64,…`` (see ``static/js/signature.js``). Everything is
checked here, whatever the browser did: the size before decoding, a real PNG decoded by Pillow
(dimensions bounded before the pixels are read: no decompression bomb), and some ink on it
(an untouched canvas is fully transparent). The image is re-encoded as grey + alpha, which
drops any metadata chunk the client may have added and keeps it small.
"""

from __future__ import annotations

import base64
import binascii
import io

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

#: Largest PNG accepted, in bytes (a signature on a 2x tablet screen is 10-40 KB).
MAX_SIGNATURE_BYTES = 256 * 1024
#: Largest canvas accepted, in pixels per side.
MAX_SIDE = 4000
#: Fewest inked pixels for a signature (a tap or a stray dot is not one).
MIN_INK_PIXELS = 40
DATA_URL_PREFIX = "data:image/png;base64,"
#: Longest data URL the form reads (base64 is 4/3 of the bytes).
MAX_DATA_URL_CHARS = len(DATA_URL_PREFIX) + (MAX_SIGNATURE_BYTES * 4) // 3 + 4


def _invalid(message: str, code: str) -> ValidationError:
    return ValidationError({"signature": ValidationError(message, code=code)})


def decode_data_url(value: str) -> bytes:
    """The bytes of a PNG data URL; a French ``ValidationError`` for anything else."""
    value = (value or "").strip()
    if len(value) > MAX_DATA_URL_CHARS:
        raise _invalid(
            _("Signature trop lourde : effacez-la et signez à nouveau."), "signature_too_large"
        )
    if not value.startswith(DATA_URL_PREFIX):
        raise _invalid(_("Signature illisible : effacez-la et signez à nouveau."), "not_png")
    try:
        return base64.b64decode(value[len(DATA_URL_PREFIX) :], validate=True)
    except (binascii.Error, ValueError):
        raise _invalid(
            _("Signature illisible : effacez-la et signez à nouveau."), "bad_base64"
        ) from None


def clean_signature_png(content: bytes) -> bytes:
    """Checked, re-encoded PNG bytes of a signature, or a French ``ValidationError``."""
    from PIL import Image, UnidentifiedImageError

    if len(content) > MAX_SIGNATURE_BYTES:
        raise _invalid(
            _("Signature trop lourde : effacez-la et signez à nouveau."), "signature_too_large"
        )
    if not content.startswith(b"\x89PNG\r\n\x1a\n"):
        raise _invalid(_("Signature illisible : effacez-la et signez à nouveau."), "not_png")
    try:
        with Image.open(io.BytesIO(content), formats=["PNG"]) as image:
            width, height = image.size
            if not (0 < width <= MAX_SIDE and 0 < height <= MAX_SIDE):
                raise _invalid(
                    _("Signature trop grande : effacez-la et signez à nouveau."), "too_big"
                )
            image.load()
            grey = image.convert("LA")
    except (Image.DecompressionBombError, UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise _invalid(
            _("Signature illisible : effacez-la et signez à nouveau."), "bad_png"
        ) from None
    alpha = grey.getchannel("A")
    inked = sum(alpha.histogram()[32:])  # pixels at least slightly opaque
    if inked < MIN_INK_PIXELS:
        raise _invalid(
            _(
                "La signature est vide : faites signer la personne dans le cadre, ou choisissez "
                "« Oral, devant témoin »."
            ),
            "empty_signature",
        )
    out = io.BytesIO()
    grey.save(out, format="PNG", optimize=True)
    return out.getvalue()
