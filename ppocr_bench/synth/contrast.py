"""Legibility: the contrast every renderer guarantees where it picks a text colour.

**Measure.** ``legibility = |Y(text) - Y(background)| * opacity``, in Rec.601 luma units (0..255):

* ``Y(background)``: the luma of what lies under the ink once everything beneath the text is
  drawn (board, shadow, outline ring), taken on the side nearest the text colour: the 90th
  percentile when the text is lighter, the 10th when it is darker (:func:`background_band`), so
  that nine tenths of the ink stand out by at least that difference;
* ``opacity`` = ``strokes * gain``: how much of its colour the text keeps in the final image.
  ``strokes`` (:func:`opacity`, 0..1) is the median alpha over the glyph's core pixels after the
  blur the page gets later (antialiased hairlines never reach full ink, and blur spreads thin
  strokes); ``gain`` is the factor by which the page's finish shrinks luma differences there
  (shading, colour cast: :meth:`ppocr_bench.synth.finish.Finish.gain`).

Text is never drawn below :data:`MIN_LEGIBILITY`: :func:`legible_colour` moves a chosen colour
just far enough in luma (keeping its hue), to the other side if it must, or reports that no
colour can make it (the renderer then adds an outline, or drops the instance).

**Hairlines.** A face whose strokes keep less than :data:`MIN_OPACITY` once faded (light and
extra-light weights at small sizes) is drawn again with a 1 px, then 2 px outline stroke in its
own ink (a faux bold: :func:`with_legible_strokes`) before its colour is chosen; strokes still
fainter than that are not drawn at all, since no colour could make them legible.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import cv2
import numpy as np

from ppocr_bench.synth.augment import luminance

MIN_LEGIBILITY = 60.0
MIN_OPACITY = 0.45
EMBOLDEN_TRIES = 2
#: Blur standing in for the bilinear resampling of warps and page skew, for masks measured
#: before they are warped.
RESAMPLE_SIGMA = 0.5

Fade = Callable[[np.ndarray], np.ndarray]
T = TypeVar("T")


def opacity(alpha: np.ndarray, fade: Fade | None = None, extra_sigma: float = 0.0) -> float:
    """The share of its colour a glyph mask (H x W uint8 alpha) keeps once faded (0..1): the
    median, over its core pixels (alpha >= 128, or >= half the peak for masks that never reach
    it), of the alpha after ``extra_sigma`` of Gaussian blur and then ``fade``. 0 for no ink."""
    alpha = np.asarray(alpha, np.uint8)
    peak = int(alpha.max()) if alpha.size else 0
    if peak == 0:
        return 0.0
    core = alpha >= min(128, (peak + 1) // 2)
    faded = cv2.GaussianBlur(alpha, (0, 0), extra_sigma) if extra_sigma > 0 else alpha
    faded = fade(faded) if fade is not None else faded
    return float(np.median(faded[core])) / 255.0


def with_legible_strokes(draw: Callable[[int], T], fade: Fade | None = None,
                         extra_sigma: float = 0.0,
                         mask: Callable[[T], np.ndarray] = lambda out: out) -> tuple[T, float]:
    """``draw(stroke)`` for stroke = 0, 1, ... :data:`EMBOLDEN_TRIES` px (a faux bold), the first
    whose ``mask(...)`` keeps :data:`MIN_OPACITY` once faded, else the boldest; with its
    :func:`opacity`. Only hairlines (light weights at small sizes, or under strong blur) get a
    stroke."""
    for stroke in range(EMBOLDEN_TRIES + 1):
        out = draw(stroke)
        strokes = opacity(mask(out), fade, extra_sigma)
        if strokes >= MIN_OPACITY:
            break
    return out, strokes


def background_band(lumas: np.ndarray) -> tuple[float, float]:
    """(10th, 90th) percentile of the background lumas under the ink."""
    lumas = np.asarray(lumas, np.float32).ravel()
    if not lumas.size:
        raise ValueError("no background under the text")
    lo, hi = np.percentile(lumas, [10, 90])
    return float(lo), float(hi)


def legibility(colour: np.ndarray, band: tuple[float, float], strokes: float,
               gain: float = 1.0) -> float:
    """The measure of this module for a text colour (RGB) on a background band."""
    y = float(luminance(np.clip(colour, 0, 255)))
    lo, hi = band
    diff = y - hi if y >= (lo + hi) / 2 else lo - y
    return max(diff, 0.0) * strokes * gain


def drawn_legibility(ink_lumas: np.ndarray, band: tuple[float, float], light: bool,
                     kept: float = 1.0, gain: float = 1.0) -> float:
    """The measure of this module for text already drawn (blended into its background, its
    colour varying): the median luma of its core pixels ``ink_lumas`` against ``band`` (the
    background under it before it was drawn) on its side (``light``: above the band), times
    ``kept`` (the share of stroke contrast the page's blur will leave) and ``gain``."""
    y = float(np.median(np.asarray(ink_lumas, np.float32)))
    lo, hi = band
    return max(y - hi if light else lo - y, 0.0) * kept * gain


def _to_luma(colour: np.ndarray, target: float) -> np.ndarray:
    """``colour`` scaled towards black or white until its luma is ``target`` (hue kept)."""
    y = float(luminance(colour))
    if target <= y:
        return colour * (target / y) if y > 0 else colour
    return 255 - (255 - colour) * ((255 - target) / max(255 - y, 1e-3))


def legible_colour(colour: np.ndarray, band: tuple[float, float], strokes: float,
                   gain: float = 1.0) -> np.ndarray | None:
    """``colour`` (float32 RGB) if it is legible on ``band`` with stroke opacity ``strokes``
    (:func:`opacity`) under a finish of contrast ``gain``, else the nearest colour of the same
    hue that is (its own side of the band first: darker or lighter), else None when no colour
    is, or when the strokes keep less than :data:`MIN_OPACITY` (too faint whatever the colour)."""
    colour = np.clip(np.asarray(colour, np.float32), 0, 255)
    if strokes < MIN_OPACITY or gain <= 0:
        return None
    need = MIN_LEGIBILITY / (strokes * gain) + 1.0  # +1: painting truncates to uint8
    y, (lo, hi) = float(luminance(colour)), band
    light_first = y >= (lo + hi) / 2
    for light in (light_first, not light_first):
        target = hi + need if light else lo - need
        if not 0.0 <= target <= 255.0:
            continue
        if (y >= target) if light else (y <= target):
            return colour
        return np.clip(_to_luma(colour, target), 0, 255).astype(np.float32)
    return None


def extreme_colour(band: tuple[float, float]) -> np.ndarray:
    """Black or white, whichever stands out more from ``band``."""
    lo, hi = band
    return np.full(3, 0.0 if lo >= 255 - hi else 255.0, np.float32)
