"""trdg 1.8.0 as an optional engine for recognition lines, behind a small compatibility shim.

trdg is on the design card but does not run as released beside a current Pillow:

* it measures text height with ``FreeTypeFont.getsize``, removed in Pillow 10; the error is
  swallowed inside ``FakeTextDataGenerator.generate`` which then returns ``None``;
* it opens fonts with ``ImageFont.truetype(font, size)``, so only face 0 of a TTC/OTC is usable;
* it draws from the global ``random`` module and OpenCV's global RNG, so a line cannot be seeded.

The shim patches trdg's own module attributes (never Pillow): text height from ``getbbox``, a
``path#index`` font spec for collection faces, and per-line seeding of both global generators,
restoring the ``random`` state afterwards. trdg is installed with ``pip install --no-deps trdg``
(see README): its pinned ``arabic-reshaper==2.1.3`` is yanked from PyPI.
"""

from __future__ import annotations

import contextlib
import io
import random
from functools import lru_cache
from pathlib import Path
from types import ModuleType, SimpleNamespace

import numpy as np
from PIL import ImageFont

from ppocr_bench.errors import PpocrError
from ppocr_bench.text.fonts import FontFace


def _truetype(font: str, size: int, *args, **kwargs) -> ImageFont.FreeTypeFont:
    """``ImageFont.truetype`` that understands ``path#index`` for collection faces."""
    path, _, index = str(font).rpartition("#")
    if path and index.isdigit():
        return ImageFont.truetype(path, size, index=int(index))
    return ImageFont.truetype(font, size, *args, **kwargs)


def _text_height(image_font: ImageFont.FreeTypeFont, text: str) -> int:
    return image_font.getbbox(text)[3]


@lru_cache(maxsize=1)
def load_trdg() -> ModuleType:
    """Import trdg and install the shim; a PpocrError if trdg is not installed."""
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # trdg prints about handwriting models
            from trdg import computer_text_generator, data_generator
    except ImportError as exc:
        raise PpocrError(
            f"--engine trdg needs trdg ({exc}): pip install --no-deps trdg==1.8.0 "
            "python-bidi arabic-reshaper tqdm requests"
        ) from None
    computer_text_generator.get_text_height = _text_height
    computer_text_generator.ImageFont = SimpleNamespace(truetype=_truetype)
    return data_generator


def trdg_image_dir() -> str:
    import trdg

    return str(Path(trdg.__file__).parent / "images")


#: trdg's text colours (luma 16..96) and backgrounds: 0 Gaussian noise around 235 (sd 10), 1
#: plain white. Its third, the quasicrystal, spans every grey from black to white, so that no
#: colour is legible on all of it: it is never used. Dark text on these backgrounds differs
#: by at least 126 in luma, legible (ppocr_bench.synth.contrast) for strokes that keep
#: MIN_OPACITY; hairlines get a one-pixel stroke (``is_hairline``).
TEXT_COLOURS = "#101010,#606060"
BACKGROUNDS = (0, 1)


def is_hairline(text: str, face: FontFace, height: int) -> bool:
    """Whether ``face``'s strokes, at the size trdg scales a ``height`` px line to and after its
    blur (radius up to 1), keep less than MIN_OPACITY of their colour."""
    from ppocr_bench.synth.contrast import MIN_OPACITY, opacity
    from ppocr_bench.synth.glyphs import render_text

    layer = render_text(text, face, max(8, round(0.75 * height)), cells=False, pad=2)
    return opacity(layer.mask, extra_sigma=1.0) < MIN_OPACITY


def render_trdg_line(text: str, face: FontFace, seed: int, *, height: int = 32) -> np.ndarray:
    """One recognition line drawn by trdg: H x W x 3 uint8 RGB, ``height`` pixels high.

    The line depends only on (text, face, seed): both global generators trdg draws from are
    seeded here and the ``random`` state is put back afterwards.
    """
    if not face.covers(text):
        raise PpocrError(f"{face.path}: font has no glyph for {face.missing(text)!r}")
    data_generator = load_trdg()
    import cv2

    local = np.random.default_rng(seed)
    saved = random.getstate()
    random.seed(seed)
    cv2.setRNGSeed(seed % (2**31))
    stroke = int(is_hairline(text, face, height))
    try:
        image = data_generator.FakeTextDataGenerator.generate(
            0, text, f"{face.path}#{face.index}", None, height, "jpg",
            int(local.integers(0, 3)), True, 1, True, int(local.choice(BACKGROUNDS)),
            0, 0, False, 0, -1, 0, TEXT_COLOURS, 0, 1.0, 0, (2, 4, 2, 4), False,
            0, False, trdg_image_dir(), stroke, TEXT_COLOURS,
        )
    finally:
        random.setstate(saved)
    if image is None:
        raise PpocrError(f"trdg failed to render {text!r} with {face.path}#{face.index}")
    return np.asarray(image.convert("RGB"))
