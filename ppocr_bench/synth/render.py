"""Text -> glyph layer: an 8-bit ink mask cropped tight to the ink, plus its layout geometry.

Horizontal lines are drawn by PIL in one call (basic layout, no libraqm). Vertical lines are laid
out by hand, one character per cell, top to bottom: full-width characters centred in square
cells, small kana and CJK commas/full stops moved to the cell's upper right, brackets, dashes
and long vowel marks turned 90 degrees clockwise, as vertical typesetting does.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from typing import Protocol

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ppocr_bench.synth import crops
from ppocr_bench.synth.augment import (
    contrasting_colour, line_background, luminance, normal_bytes, paint,
)
from ppocr_bench.synth.contrast import (
    Fade, background_band, extreme_colour, legible_colour, with_legible_strokes,
)
from ppocr_bench.synth.photos import line_patch
from ppocr_bench.synth.realism import LEGACY, Realism
from ppocr_bench.text.fonts import FontFace, choose_face

ROTATED = set("（）()[]［］「」『』【】〔〕《》〈〉｛｝{}<>＜＞ー－-—―‐～~〜…‥＝=_｜|")
SHIFTED = set("、。，．,.")
SMALL_KANA = set("ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ")


class LineSampler(Protocol):
    """What the generators need from a text sampler (``ppocr_bench.text.corpus.LineSampler``)."""

    def line(self, rng: np.random.Generator, min_chars: int, max_chars: int) -> str: ...

    def phrase(self, rng: np.random.Generator) -> str: ...

    def heading(self, rng: np.random.Generator) -> str: ...

    def scene_text(self, rng: np.random.Generator) -> str: ...


#: With the ``vocab`` realism option, the share of scene texts drawn as real-scene tokens.
SCENE_TEXT_SHARE = 0.5


def readable(text: str) -> bool:
    """Worth an instance: holds a letter or digit (marks like the long vowel bar don't count)."""
    return any(ch.isalnum() and ch not in ROTATED for ch in text)


def covering(faces: list[FontFace], text: str) -> list[FontFace]:
    return [f for f in faces if f.covers(text)]


def pick_text(
    rng: np.random.Generator,
    sampler: LineSampler,
    faces: list[FontFace],
    *,
    short: bool,
    tries: int = 4,
    balanced: bool = False,
    vocab: bool = False,
) -> tuple[str, FontFace] | None:
    """A phrase or short line and a random face covering it (families ``balanced``: see
    :func:`~ppocr_bench.text.fonts.choose_face`); resampled when no face does. ``vocab``: part
    of the texts are real-scene tokens (``sampler.scene_text``: signs, prices, dates, URLs...)."""
    for _ in range(tries):
        if vocab and rng.random() < SCENE_TEXT_SHARE:
            text = sampler.scene_text(rng)
        else:
            text = sampler.phrase(rng) if not short or rng.random() < 0.6 else sampler.line(rng, 3, 14)
        text = " ".join(text.split())
        ok = covering(faces, text) if readable(text) else []
        if ok:
            return text, choose_face(rng, ok, balanced)
    return None


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
) -> tuple[GlyphLayer, float]:
    """:func:`render_text` (no cells) with hairlines made bolder, and its stroke opacity: while the strokes keep less
    than ``MIN_OPACITY`` of their colour once ``fade`` blurs them
    (:func:`ppocr_bench.synth.contrast.opacity`), drawn again with a 1 px stroke, then 2 px
    (:func:`ppocr_bench.synth.contrast.with_legible_strokes`). Light and extra-light faces at
    small sizes need it."""
    def draw(stroke: int) -> GlyphLayer:
        return render_text(text, face, size_px, vertical=vertical, cells=False, pad=pad,
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


def render_line_image(
    text: str, face: FontFace, rng: np.random.Generator, height: int = 32,
    realism: Realism = LEGACY,
) -> tuple[np.ndarray, list[tuple[float, float]]]:
    """A recognition line: ``text`` on a flat or gradient background, a colour legible on it
    (:mod:`ppocr_bench.synth.contrast`), mild noise, sometimes a slight blur. The benchmarked
    fast path. A ``realism`` other than legacy draws the line as a detector's crop of a photo
    instead (:func:`detector_line`).

    Returns (height x W x 3 uint8 RGB, the ink polygon TL, TR, BR, BL in image px).
    """
    if not realism.legacy:
        return detector_line(text, face, rng, height, realism)
    size = max(8, int(round(height * rng.uniform(0.72, 0.95))))
    blur = float(rng.uniform(0.4, 0.9)) if rng.random() < 0.3 else 0.0

    def fade(img: np.ndarray) -> np.ndarray:
        return cv2.GaussianBlur(img, (3, 3), blur) if blur else img

    mask, strokes = with_legible_strokes(
        lambda stroke: _line_mask(text, face, size, height, stroke), fade)
    ih, iw = mask.shape
    margin = int(rng.integers(1, max(2, height // 4)))
    width = iw + 2 * margin
    y = int(rng.integers(0, height - ih + 1))
    bg, bg_lum = line_background(rng, height, width)
    colour = contrasting_colour(rng, bg_lum)
    sigma = float(rng.uniform(0, 6))
    row = luminance(bg[0, margin : margin + iw])  # the background varies along x only
    band = (float(row.min()), float(row.max()))
    legible = legible_colour(colour, band, strokes)
    paint(bg, mask, margin, y, extreme_colour(band) if legible is None else legible)
    if sigma >= 1.0:
        noise = normal_bytes(rng, (height, width), sigma)
        bg = cv2.add(bg, cv2.merge([noise, noise, noise]), dtype=cv2.CV_8U)
    bg = fade(bg)
    poly = [(margin, y), (margin + iw, y), (margin + iw, y + ih), (margin, y + ih)]
    return bg, [(float(a), float(b)) for a, b in poly]


def _line_mask(text: str, face: FontFace, size: int, height: int, stroke: int) -> np.ndarray:
    """The ink of a recognition line, shrunk to at most ``height - 2`` px high."""
    mask = render_text(text, face, size, cells=False, pad=0, stroke=stroke).mask
    ih, iw = mask.shape
    if ih > height - 2:
        scale = (height - 2) / ih
        mask = cv2.resize(mask, (max(1, int(iw * scale)), height - 2), interpolation=cv2.INTER_AREA)
    return mask


#: Fragments of neighbouring text around a streamed line (``crops``): the probability of a line
#: above, of one below, of a word before and of one after.
P_ABOVE = P_BELOW = 0.35
P_BEFORE = P_AFTER = 0.25
_NEAR_DRAWS = 13


def detector_line(
    text: str, face: FontFace, rng: np.random.Generator, height: int, realism: Realism
) -> tuple[np.ndarray, list[tuple[float, float]]]:
    """A recognition line as a detector cuts it from a photo: ``text`` on a photo patch
    (``photos``; else the flat or gradient background) among fragments of neighbouring lines
    and words (``crops``), cut by a detector's box (``crops``: loose or tight margins, turned,
    skewed; else small straight margins) that holds all its ink, then degraded (``light``,
    ``blur``, ``lowres``, ``jpeg``): :mod:`ppocr_bench.synth.crops`. Every sample draws the
    same numbers for the box, the degradations and the neighbours whatever is switched on,
    and its background from a generator of its own. Same returns as
    :func:`render_line_image`."""
    box = crops.draw_box(rng, realism.on("crops"))
    plan = crops.plan_degradation(rng, height, realism)
    near, keys = rng.random(_NEAR_DRAWS).tolist(), rng.random(len(text))
    backdrop = np.random.default_rng(int(rng.integers(2**63)))
    across = 1.0 + max(box.edges[0], 0.0) + max(box.edges[1], 0.0)
    size = _size_for_ink(text, face, height * float(rng.uniform(1.0, 1.15)) / across, height)
    mask, strokes = with_legible_strokes(
        lambda stroke: render_text(text, face, size, cells=False, pad=0, stroke=stroke).mask,
        plan.fade)
    ih, iw = mask.shape
    ink = np.array([[0, 0], [iw, 0], [iw, ih], [0, ih]], np.float64)
    quad = crops.detector_quad(ink, box)
    lo = np.floor(np.minimum(quad.min(axis=0), 0.0)) - 2
    cw, ch = (np.ceil(np.maximum(quad.max(axis=0), [iw, ih])) + 2 - lo).astype(int)
    ox, oy = int(-lo[0]), int(-lo[1])
    canvas = _line_backdrop(backdrop, int(ch), int(cw), realism)
    colour = _line_colour(rng, canvas, mask, ox, oy, strokes, plan.gain)
    if realism.on("crops"):
        _neighbours(canvas, near, keys, text, face, size, (ox, oy, iw, ih), colour)
    paint(canvas, mask, ox, oy, colour)
    sigma = float(rng.uniform(0, 6))
    if sigma >= 1.0:
        noise = normal_bytes(rng, canvas.shape[:2], sigma)
        canvas = cv2.add(canvas, cv2.merge([noise, noise, noise]), dtype=cv2.CV_8U)
    image, poly = crops.cut(canvas, quad + [ox, oy], height, ink + [ox, oy])
    return plan.apply(image), [(float(x), float(y)) for x, y in poly]


def _size_for_ink(text: str, face: FontFace, ink_px: float, height: int) -> int:
    """The font size at which ``text``'s ink is about ``ink_px`` high (measured, not drawn)."""
    _, y0, _, y1 = face_font(face, 100).getbbox(text, anchor="ls")
    return int(np.clip(round(100 * ink_px / max(y1 - y0, 1)), 8, 3 * height))


def _line_backdrop(rng: np.random.Generator, h: int, w: int, realism: Realism) -> np.ndarray:
    """A photo patch (``photos``, when one is installed), else the flat or gradient one."""
    patch = line_patch(rng, h, w, realism) if realism.on("photos") else None
    if patch is not None:
        return np.array(patch, np.uint8)
    return line_background(rng, h, w)[0]


def _line_colour(rng: np.random.Generator, canvas: np.ndarray, mask: np.ndarray, x: int, y: int,
                 strokes: float, gain: float) -> np.ndarray:
    """A text colour legible on what lies under ``mask`` at (x, y); on a patch too busy for
    any, the patch is flattened towards its mean first (in place), as on a sign."""
    region = canvas[y : y + mask.shape[0], x : x + mask.shape[1]]
    under = luminance(region[mask > 0])
    colour = contrasting_colour(rng, float(np.mean(under)))
    band = background_band(under)
    legible = legible_colour(colour, band, strokes, gain)
    if legible is None:
        flat = np.empty_like(canvas)
        flat[:] = np.asarray(cv2.mean(canvas)[:3]).round().astype(np.uint8)
        cv2.addWeighted(canvas, 0.35, flat, 0.65, 0.0, dst=canvas)
        band = background_band(luminance(region[mask > 0]))
        legible = legible_colour(colour, band, strokes, gain)
    return extreme_colour(band) if legible is None else legible


def _neighbours(canvas: np.ndarray, near: list[float], keys: np.ndarray, text: str,
                face: FontFace, size: int, ink: tuple[int, int, int, int],
                colour: np.ndarray) -> None:
    """Paint (in place) the lines above and below and the words before and after the line
    whose ink box is ``ink`` (x, y, w, h on the canvas), in its face and about its size, from
    its own characters shuffled; only what a loose box reaches shows. ``near``: the
    :data:`_NEAR_DRAWS` numbers deciding them."""
    ox, oy, iw, ih = ink
    shuffled = "".join(text[i] for i in np.argsort(keys)).strip()
    parts = [p for p in shuffled.split() if readable(p)]
    if not parts:
        return
    alpha = 0.7 + 0.3 * near[12]
    word = max(parts, key=len)
    sides = ((P_ABOVE, " ".join(parts)), (P_BELOW, " ".join(parts[::-1])),
             (P_BEFORE, word[-3:]), (P_AFTER, word[:3]))
    for k, (p, frag) in enumerate(sides):
        there, gap, shift = near[3 * k : 3 * k + 3]
        if there >= p or not readable(frag):
            continue
        scale = 0.8 + 0.4 * shift if k < 2 else 1.0
        frag_mask = render_text(frag, face, max(8, int(size * scale)), cells=False, pad=0).mask
        mh, mw = frag_mask.shape
        if k < 2:  # a line above or below, across the same columns, 8-38 % of the height away
            dy = int(round((0.08 + 0.3 * gap) * ih))
            x, y = ox + int(shift * (iw - mw)), oy - dy - mh if k == 0 else oy + ih + dy
        else:  # a word before or after, one space (20-50 % of the height) away, same baseline
            dx = int(round((0.2 + 0.3 * gap) * ih))
            x, y = (ox - dx - mw if k == 2 else ox + iw + dx), oy + ih - mh
        paint(canvas, (frag_mask * alpha).astype(np.uint8), x, y, colour)
