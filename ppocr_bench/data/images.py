"""Reading image files: the one reader of every stage (inference, ocr, eval, peers, tune, train,
preview). Images come back H x W x 3 uint8 in **BGR** order, as ``cv2.imread`` gives them (EXIF
orientation applied), whatever the path's characters.

Damage is never silent:

- a missing, unreadable, empty (0-byte) or undecodable file raises PpocrError naming it;
- a JPEG is checked with libjpeg-turbo (simplejpeg, strict): what libjpeg reports as
  recoverable (``Premature end of JPEG file``, ``Corrupt JPEG data: ... extraneous bytes``, a
  bad Huffman code, ...) marks the file as damaged. A damaged JPEG that still decodes is read
  with what its data holds and :func:`read_image` emits a :class:`PpocrWarning` naming the file
  and libjpeg's words (the CLI prints it as one ``warning:`` line); one that does not decode
  (a truncated file) is refused;
- a PNG is checked with Pillow's ``verify`` (chunk CRCs, truncation) before decoding.

Bytes flipped inside a JPEG's entropy-coded data that still form valid codes cannot be told
from real image content by any decoder: such an image is read as it decodes.
"""

from __future__ import annotations

import io
import os
import warnings
from pathlib import Path

import cv2
import numpy as np
import simplejpeg
from PIL import Image, ImageOps

from ppocr_bench.errors import PpocrError, PpocrWarning

JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def read_bytes(path: str | os.PathLike) -> bytes:
    """The bytes of image file ``path``; PpocrError when it is missing, unreadable or empty."""
    path = Path(path)
    if path.is_dir():
        raise PpocrError(f"{path}: is a folder, not an image file")
    if not path.is_file():
        raise PpocrError(f"{path}: no such image file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PpocrError(f"{path}: cannot read: {(exc.strerror or str(exc)).lower()}") from None
    if not data:
        raise PpocrError(f"{path}: empty file (0 bytes), not an image")
    return data


def jpeg_damage(data: bytes) -> str | None:
    """libjpeg-turbo's complaint about JPEG ``data`` (its warnings taken as errors), or None
    when it decodes cleanly. Decoded at 1/8 scale in gray: the entropy-coded data, where the
    damage shows, is read in full."""
    try:
        simplejpeg.decode_jpeg(data, "GRAY", min_height=1, min_width=1, strict=True)
    except ValueError as exc:
        return str(exc).strip() or "undecodable JPEG data"
    return None


def png_damage(data: bytes) -> str | None:
    """Pillow's complaint about PNG ``data`` (bad chunk CRC, truncation), or None."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    except Exception as exc:  # Pillow raises SyntaxError, OSError, ValueError, struct.error
        return str(exc).strip() or type(exc).__name__
    return None


def _decode_with_pillow(data: bytes) -> np.ndarray | None:
    """BGR pixels of what a damaged file holds, EXIF orientation applied; None if Pillow
    cannot decode it either. Pillow keeps libjpeg's warnings to itself."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            rgb = np.asarray(ImageOps.exif_transpose(image).convert("RGB"))
    except Exception:  # truncated or unidentifiable: the caller refuses the file
        return None
    return np.ascontiguousarray(rgb[:, :, ::-1])


def decode_image(path: str | os.PathLike) -> tuple[np.ndarray, str | None]:
    """(H x W x 3 uint8 BGR image, the damage found or None) of image file ``path``, without
    warning; PpocrError when it cannot be read or decoded."""
    path = Path(path)
    data = read_bytes(path)
    if data.startswith(PNG_MAGIC) and (problem := png_damage(data)):
        raise PpocrError(f"{path}: not a readable image: damaged PNG ({problem})")
    damage = jpeg_damage(data) if data.startswith(JPEG_MAGIC) else None
    if damage is None:
        image = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_COLOR)
    else:
        image = _decode_with_pillow(data)
        if image is None:
            raise PpocrError(f"{path}: not a readable image: damaged JPEG ({damage})")
    if image is None or image.size == 0:
        raise PpocrError(f"{path}: not a readable image (corrupt or unsupported format)")
    return image, damage


def read_image(path: str | os.PathLike) -> np.ndarray:
    """H x W x 3 uint8 BGR image of file ``path`` (see the module docstring). A damaged image
    that still decodes comes back with a PpocrWarning ``PATH: damaged JPEG (...)``."""
    image, damage = decode_image(path)
    if damage is not None:
        warnings.warn(PpocrWarning(f"{path}: damaged JPEG ({damage}): read what decodes"),
                      stacklevel=2)
    return image
