"""Text -> glyph layer: an 8-bit ink mask cropped tight to the ink, plus its layout geometry.

Horizontal lines are drawn by PIL in one call (basic layout, no libraqm). Vertical lines are laid
out by hand, one character per cell, top to bottom: full-width characters centred in square
cells, small kana and CJK commas/full stops moved to the cell's upper right, brackets, dashes
and long vowel marks turned 90 degrees clockwise, as vertical typesetting does. Measuring
(:func:`text_width`, :func:`fit_text`) draws nothing.

:mod:`ppocr_bench.synth.render` draws recognition lines from these layers.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ppocr_bench.synth.contrast import Fade, with_legible_strokes
from ppocr_bench.text.fonts import FontFace

ROTATED = set("（）()[]［］「」『』【】〔〕《》〈〉｛｝{}<>＜＞ー－-—―‐～~〜…‥＝=_｜|")
SHIFTED = set("、。，．,.")
SMALL_KANA = set("ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ")


@dataclass(frozen=True)
class GlyphLayer:
    """One rendered line.

    ``mask``: h x w uint8 ink alpha, the ink bbox plus ``pad`` px of empty margin on every side.
    ``ink``: (x0, y0, x1, y1) of the nonzero alpha inside ``mask`` (x1, y1 exclusive).
    ``origin``: the pen's start in mask coordinates, (left, baseline) for horizontal lines,
    (centre x, top) for vertical ones. ``cells``: per character (x0, y0, x1, y1) advance boxes
    in mask coordinates (empty unless asked for, always filled for vertical lines).
    """

    text: str
    mask: np.ndarray
    ink: tuple[int, int, int, int]
    origin: tuple[float, float]
    cells: tuple[tuple[float, float, float, float], ...] = ()
    vertical: bool = False

    @property
    def ink_size(self) -> tuple[int, int]:
        """(width, height) of the ink box in px."""
        return self.ink[2] - self.ink[0], self.ink[3] - self.ink[1]

    def ink_quad(self) -> np.ndarray:
        """The ink box as a 4 x 2 float32 polygon TL, TR, BR, BL in mask coordinates."""
        x0, y0, x1, y1 = self.ink
        return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float32)


@functools.lru_cache(maxsize=512)
def load_font(path: str, index: int, size: int) -> ImageFont.FreeTypeFont:
    """A cached PIL font; basic layout so results do not depend on libraqm being installed."""
    return ImageFont.truetype(path, size, index=index, layout_engine=ImageFont.Layout.BASIC)


def face_font(face: FontFace, size_px: int) -> ImageFont.FreeTypeFont:
    return load_font(str(face.path), face.index, int(size_px))


def text_width(text: str, face: FontFace, size_px: int) -> float:
    """Advance width of a horizontal line in px (cheap: no drawing)."""
    return face_font(face, size_px).getlength(text)


def vertical_advance(ch: str, size_px: int) -> float:
    """Height of the cell a character occupies in a vertical line."""
    if unicodedata.east_asian_width(ch) in "WF" or ch in ROTATED:
        return float(size_px)
    return 0.62 * size_px if not ch.isspace() else 0.5 * size_px


def text_height_vertical(text: str, size_px: int) -> float:
    """Length of a vertical line in px (cheap: no drawing)."""
    return sum(vertical_advance(ch, size_px) for ch in text)


def fit_text(
    text: str, face: FontFace, size_px: int, length: float, vertical: bool = False
) -> str:
    """The longest prefix of ``text`` that fits in ``length`` px, cut at a space when it has any
    (binary search on measured advances; nothing is drawn)."""
    text = " ".join(text.split())

    def fits(n: int) -> bool:
        part = text[:n].rstrip()
        if vertical:
            return text_height_vertical(part, size_px) <= length
        return text_width(part, face, size_px) <= length

    if fits(len(text)):
        return text
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        lo, hi = (mid, hi) if fits(mid) else (lo, mid - 1)
    cut = text[:lo]
    if " " in cut and not text[lo : lo + 1].isspace():
        cut = cut[: cut.rfind(" ")]
    return cut.strip()


def render_text(
    text: str,
    face: FontFace,
    size_px: int,
    *,
    vertical: bool = False,
    cells: bool = True,
    pad: int = 2,
    stroke: int = 0,
) -> GlyphLayer:
    """Draw ``text`` in ``face`` at ``size_px`` and crop the mask to the ink plus ``pad``.

    The caller guarantees ``face.covers(text)`` (asserted: tofu is never drawn). ``cells=False``
    skips the per-character boxes of horizontal lines (the hot path needs none). ``stroke``:
    outline every glyph by that many px in its own ink (a faux bold, FreeType's stroker).
    """
    assert text.strip(), "nothing to draw"
    assert face.covers(text), f"{face.key} lacks {face.missing(text)!r}"
    font = face_font(face, size_px)
    if vertical:
        return _render_vertical(text, font, size_px, pad, stroke)
    return _render_horizontal(text, font, pad, cells, stroke)


def render_legible(
    text: str,
    face: FontFace,
    size_px: int,
    fade: Fade | None,
    *,
    vertical: bool = False,
    pad: int = 2,
    extra_sigma: float = 0.0,
    cells: bool = False,
) -> tuple[GlyphLayer, float]:
    """:func:`render_text` with hairlines made bolder, and its stroke opacity: while the strokes keep less
    than ``MIN_OPACITY`` of their colour once ``fade`` blurs them
    (:func:`ppocr_bench.synth.contrast.opacity`), drawn again with a 1 px stroke, then 2 px
    (:func:`ppocr_bench.synth.contrast.with_legible_strokes`). Light and extra-light faces at
    small sizes need it. ``cells``: the per-character boxes too (off on the hot path)."""
    def draw(stroke: int) -> GlyphLayer:
        return render_text(text, face, size_px, vertical=vertical, cells=cells, pad=pad,
                           stroke=stroke)

    return with_legible_strokes(draw, fade, extra_sigma, mask=lambda layer: layer.mask)


def _crop(mask: np.ndarray, pad: int) -> tuple[np.ndarray, int, int]:
    """Crop to the nonzero extent plus ``pad``; returns the crop and the (dx, dy) removed."""
    cols = np.flatnonzero(mask.any(axis=0))
    rows = np.flatnonzero(mask.any(axis=1))
    if cols.size == 0:
        raise ValueError("text rendered no ink")
    x0, x1, y0, y1 = cols[0], cols[-1] + 1, rows[0], rows[-1] + 1
    out = np.zeros((y1 - y0 + 2 * pad, x1 - x0 + 2 * pad), np.uint8)
    out[pad:-pad or None, pad:-pad or None] = mask[y0:y1, x0:x1]
    return out, int(x0) - pad, int(y0) - pad


def _render_horizontal(
    text: str, font: ImageFont.FreeTypeFont, pad: int, cells: bool, stroke: int = 0
) -> GlyphLayer:
    """One PIL call draws the line (basic layout); the mask is then cropped to the ink."""
    x0, y0, x1, y1 = font.getbbox(text, anchor="ls", stroke_width=stroke)
    img = Image.new("L", (max(int(x1 - x0), 1) + 2, max(int(y1 - y0), 1) + 2), 0)
    ImageDraw.Draw(img).text((1 - x0, 1 - y0), text, fill=255, font=font, anchor="ls",
                             stroke_width=stroke, stroke_fill=255)
    mask, dx, dy = _crop(np.asarray(img), pad)
    ox, oy = float(1 - x0 - dx), float(1 - y0 - dy)
    boxes: tuple[tuple[float, float, float, float], ...] = ()
    if cells:
        pens = [0.0] + [font.getlength(text[: i + 1]) for i in range(len(text))]
        top, bottom = oy - font.size * 0.88, oy + font.size * 0.12
        boxes = tuple((ox + a, top, ox + b, bottom) for a, b in zip(pens, pens[1:]))
    h, w = mask.shape
    return GlyphLayer(text, mask, (pad, pad, w - pad, h - pad), (ox, oy), boxes)


@functools.lru_cache(maxsize=32768)
def _char_mask(
    ch: str, font: ImageFont.FreeTypeFont, stroke: int = 0
) -> tuple[np.ndarray, tuple[int, int], float]:
    """One character's ink (cropped, read-only; cached for vertical lines), the offset of its
    top-left from the pen on the baseline, and its advance."""
    adv = font.getlength(ch)
    if ch.isspace():
        return np.zeros((0, 0), np.uint8), (0, 0), adv
    x0, y0, x1, y1 = font.getbbox(ch, anchor="ls", stroke_width=stroke)
    img = Image.new("L", (max(int(x1 - x0), 1) + 2, max(int(y1 - y0), 1) + 2), 0)
    ImageDraw.Draw(img).text((1 - x0, 1 - y0), ch, fill=255, font=font, anchor="ls",
                             stroke_width=stroke, stroke_fill=255)
    arr = np.asarray(img)
    if not arr.any():
        return arr[:0, :0], (0, 0), adv
    crop, dx, dy = _crop(arr, 0)
    crop.flags.writeable = False
    return crop, (dx + int(x0) - 1, dy + int(y0) - 1), adv


def _place_vertical(
    ch: str, glyph: np.ndarray, size: int, top: float
) -> tuple[np.ndarray, float, float]:
    """Glyph (rotated if needed) and its top-left corner: x relative to the column centre."""
    if ch in ROTATED:
        glyph = np.rot90(glyph, k=-1)
    gh, gw = glyph.shape
    adv = vertical_advance(ch, size)
    if ch in SHIFTED:
        return glyph, 0.22 * size - gw / 2, top + 0.28 * size - gh / 2
    if ch in SMALL_KANA:
        return glyph, 0.08 * size - gw / 2, top + adv / 2 - gh / 2 - 0.06 * size
    return glyph, -gw / 2, top + adv / 2 - gh / 2


def _render_vertical(
    text: str, font: ImageFont.FreeTypeFont, size: int, pad: int, stroke: int = 0
) -> GlyphLayer:
    """Cells of ``vertical_advance`` stacked from the top, glyphs centred on the column."""
    width = int(size * 1.6) + 4
    height = int(text_height_vertical(text, size) + size) + 4
    cx = width / 2
    canvas = np.zeros((height, width), np.uint8)
    top, boxes = 2.0 + 0.25 * size, []
    for ch in text:
        adv = vertical_advance(ch, size)
        boxes.append((cx - size / 2, top, cx + size / 2, top + adv))
        glyph = _char_mask(ch, font, stroke)[0]
        if glyph.size:
            glyph, gx, gy = _place_vertical(ch, glyph, size, top)
            _paste_max(canvas, glyph, int(round(cx + gx)), int(round(gy)))
        top += adv
    mask, dx, dy = _crop(canvas, pad)
    h, w = mask.shape
    cells = tuple((a - dx, b - dy, c - dx, d - dy) for a, b, c, d in boxes)
    origin = (cx - dx, 2.0 + 0.25 * size - dy)
    return GlyphLayer(text, mask, (pad, pad, w - pad, h - pad), origin, cells, True)


def _paste_max(canvas: np.ndarray, glyph: np.ndarray, x: int, y: int) -> None:
    """canvas = max(canvas, glyph) with the glyph's top-left at (x, y), clipped to the canvas."""
    h, w = canvas.shape
    gx0, gy0 = max(0, -x), max(0, -y)
    x0, y0 = max(0, x), max(0, y)
    x1, y1 = min(w, x + glyph.shape[1]), min(h, y + glyph.shape[0])
    if x1 > x0 and y1 > y0:
        region = canvas[y0:y1, x0:x1]
        np.maximum(region, glyph[gy0 : gy0 + y1 - y0, gx0 : gx0 + x1 - x0], out=region)
