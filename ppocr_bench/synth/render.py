"""Recognition lines: the text and face of a line, and the line image drawn from them.

- :func:`pick_text`: a phrase, short line or (``vocab``) real-scene token and a face covering
  it, resampled when none does;
- :func:`render_line_image`: the benchmarked fast path (legacy realism), ``text`` on a flat or
  gradient background; any other realism draws it as a detector cuts it from a photo
  (:func:`detector_line`: neighbouring text, loose or tight margins, degradations).

The glyph layers they are drawn from come from :mod:`ppocr_bench.synth.glyphs`.
"""

from __future__ import annotations

from typing import Protocol

import cv2
import numpy as np

from ppocr_bench.synth import crops
from ppocr_bench.synth.augment import (
    contrasting_colour,
    line_background,
    luminance,
    normal_bytes,
    paint,
)
from ppocr_bench.synth.contrast import (
    background_band,
    extreme_colour,
    legible_colour,
    with_legible_strokes,
)
from ppocr_bench.synth.glyphs import ROTATED, face_font, render_text
from ppocr_bench.synth.photos import line_patch
from ppocr_bench.synth.realism import LEGACY, Realism
from ppocr_bench.text.fonts import FontFace, choose_face


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
