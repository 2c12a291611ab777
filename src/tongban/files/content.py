"""Whether an upload's bytes are a whole file of its type, not only its first bytes: a
PDF whose cross-reference table, catalog and page tree can be read and that has a page;
a PNG or JPEG that decodes (every PNG chunk's CRC right, no truncated image data) and is
not a decompression bomb; an OFD (GB/T 33190) that is a sound ZIP package with its
entry file ``OFD.xml``. A file that passes the magic-number check but not this is
refused: a renamed or truncated file, or a few bytes made to look like one.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from collections.abc import Callable
from enum import StrEnum

from PIL import Image
from pyhanko.pdf_utils.reader import PdfFileReader

MAX_PIXELS = 60_000_000  # 6000万像素: a page scanned at 600 dpi is some 35 million


class Unreadable(StrEnum):
    """Why the bytes are not a whole file of their type."""

    broken = "broken"  # cannot be opened: truncated, damaged or not of the type at all
    empty = "empty"  # a PDF without pages
    too_large = "too_large"  # an image of more pixels than MAX_PIXELS


def _pdf(data: bytes) -> Unreadable | None:
    try:
        pages = PdfFileReader(io.BytesIO(data), strict=False).root["/Pages"]
        count = int(pages["/Count"])
    except Exception:  # pyhanko raises many kinds on a malformed file: all mean broken
        return Unreadable.broken
    return None if count > 0 else Unreadable.empty


def _image(data: bytes) -> Unreadable | None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as image:
                if image.width * image.height > MAX_PIXELS:
                    return Unreadable.too_large
                image.verify()  # chunk CRCs (PNG)
            with Image.open(io.BytesIO(data)) as image:
                image.draft("RGB", (image.width // 8, image.height // 8))  # JPEG: fast
                image.load()  # every byte of the image data decodes
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            return Unreadable.too_large
        except Exception:  # Pillow raises OSError, SyntaxError, ValueError…: all broken
            return Unreadable.broken
    return None


def _ofd(data: bytes) -> Unreadable | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            whole = "OFD.xml" in package.namelist() and package.testzip() is None
    except (zipfile.BadZipFile, OSError, EOFError):  # OSError: a bad offset in the archive
        return Unreadable.broken
    return None if whole else Unreadable.broken


READERS: dict[str, Callable[[bytes], Unreadable | None]] = {
    "pdf": _pdf,
    "png": _image,
    "jpg": _image,
    "ofd": _ofd,
}


def unreadable(extension: str, data: bytes) -> Unreadable | None:
    """Why ``data`` is not a whole file of ``extension`` (a key of ``files.service.
    SIGNATURES``), or None when it is."""
    return READERS[extension](data)
