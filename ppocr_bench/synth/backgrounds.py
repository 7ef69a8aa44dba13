"""Procedural backgrounds: photo-like clutter for scenes, paper for documents.

All return H x W x 3 uint8 RGB and draw only from the ``rng`` they are given.
"""

from __future__ import annotations

import colorsys

import cv2
import numpy as np

from ppocr_bench.synth.augment import value_noise


def solid(colour: np.ndarray, h: int, w: int) -> np.ndarray:
    """An h x w x 3 uint8 image of one colour (row-broadcast: fast for any size)."""
    row = np.broadcast_to(np.asarray(colour, np.float32).clip(0, 255).astype(np.uint8), (1, w, 3))
    return np.ascontiguousarray(np.broadcast_to(row, (h, w, 3)))


def _palette(rng: np.random.Generator, n: int) -> np.ndarray:
    """n related colours, float32 n x 3: hues near a random base, mostly muted (photos are
    rarely saturated), values from shadow to highlight."""
    hue = (rng.uniform(0, 1) + rng.normal(0, rng.uniform(0.02, 0.25), n)) % 1.0
    sat = rng.beta(1.3, 3.0, n)
    val = rng.uniform(0.12, 0.97, n)
    return np.array([colorsys.hsv_to_rgb(*hsv) for hsv in zip(hue, sat, val)], np.float32) * 255


def _colour_field(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    """A smooth colour field: gradient between two colours or bicubic value noise of colours."""
    pal = _palette(rng, 4)
    if rng.random() < 0.4:
        ang = rng.uniform(0, np.pi)
        small_h, small_w = max(2, h // 16), max(2, w // 16)
        ys, xs = np.mgrid[0:small_h, 0:small_w].astype(np.float32)
        t = xs / small_w * np.cos(ang) + ys / small_h * np.sin(ang)
        t = ((t - t.min()) / max(float(np.ptp(t)), 1e-6))[..., None]
        small = pal[0] * (1 - t) + pal[1] * t
    else:
        cells = int(rng.integers(2, 7))
        grid = pal[rng.integers(0, 4, (cells, cells + 1))]
        small = cv2.resize(grid, (max(2, w // 16), max(2, h // 16)), interpolation=cv2.INTER_CUBIC)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)


def _texture(rng: np.random.Generator, img: np.ndarray) -> np.ndarray:
    """Modulate by fractal value noise (stone, plaster, foliage-like grain) or stripes (wood)."""
    h, w = img.shape[:2]
    amp = rng.uniform(0.1, 0.5)
    if rng.random() < 0.25:
        n = value_noise(rng, h, w, int(rng.integers(2, 5)))
        freq = rng.uniform(10, 40)
        n = 0.5 + 0.5 * np.sin(n * freq + np.linspace(0, freq, w, dtype=np.float32)[None, :] * 0.3)
    else:
        n = value_noise(rng, h, w, int(rng.integers(4, 24)), octaves=int(rng.integers(2, 5)))
    return img * (1 - amp + amp * 2 * n[..., None])


def _clutter(rng: np.random.Generator, img: np.ndarray) -> np.ndarray:
    """Shapes, lines, blobs and blurred rectangles: the busy, structured look of photos."""
    h, w = img.shape[:2]
    pal = _palette(rng, 6)
    layer = img.copy()
    for _ in range(int(rng.integers(3, 15))):
        colour = tuple(float(c) for c in pal[rng.integers(0, 6)])
        kind = rng.integers(0, 5)
        x, y = int(rng.integers(-w // 4, w)), int(rng.integers(-h // 4, h))
        sw, sh = int(rng.integers(w // 20, w // 2)), int(rng.integers(h // 20, h // 2))
        if kind == 0:
            cv2.rectangle(layer, (x, y), (x + sw, y + sh), colour, -1, cv2.LINE_AA)
        elif kind == 1:
            axes = (sw // 2 + 1, sh // 2 + 1)
            angle = float(rng.uniform(0, 180))
            cv2.ellipse(layer, (x, y), axes, angle, 0, 360, colour, -1, cv2.LINE_AA)
        elif kind == 2:
            pts = rng.integers(0, [w, h], (int(rng.integers(2, 6)), 2)).astype(np.int32)
            cv2.polylines(layer, [pts], False, colour, int(rng.integers(1, 12)), cv2.LINE_AA)
        elif kind == 3:
            pts = (rng.normal(0, 1, (7, 2)) * [sw / 3, sh / 3] + [x, y]).astype(np.int32)
            cv2.fillPoly(layer, [cv2.convexHull(pts)], colour, cv2.LINE_AA)
        else:  # window / facade grid
            step = int(rng.integers(20, 80))
            for gx in range(x, x + sw, step):
                cv2.rectangle(layer, (gx, y), (gx + step // 2, y + sh), colour, -1)
    if rng.random() < 0.6:
        layer = cv2.GaussianBlur(layer, (0, 0), float(rng.uniform(1.0, 6.0)))
    alpha = rng.uniform(0.5, 1.0)
    return img * (1 - alpha) + layer * alpha


def scene_background(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    """A photo-like background: colour field, optional texture, optional clutter."""
    img = _colour_field(rng, h, w)
    if rng.random() < 0.6:
        img = _texture(rng, img)
    if rng.random() < 0.8:
        img = _clutter(rng, img.astype(np.float32))
    if rng.random() < 0.5:  # fine grain: surfaces are never perfectly smooth
        grain = value_noise(rng, h, w, int(rng.integers(40, 120)))
        img = img * (1 + rng.uniform(0.05, 0.2) * (grain[..., None] - 0.5))
    return np.clip(img, 0, 255).astype(np.uint8)


def paper_background(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    """Off-white paper: a light tint, faint fibre-like grain, occasionally a slightly grey scan."""
    tint = np.array([250, 248, 242], np.float32) - rng.uniform(0, 14) * rng.dirichlet([2, 2, 2]) * 3
    tint -= rng.uniform(0, 30) if rng.random() < 0.3 else 0.0  # a greyer scan
    grain = value_noise(rng, h, w, int(rng.integers(20, 60)), octaves=2)
    amp = rng.uniform(2, 10)
    field = tint[None, None, :] + (grain[..., None] - 0.5) * amp
    return np.clip(field, 0, 255).astype(np.uint8)
