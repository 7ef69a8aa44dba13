"""Colours, noise and geometric effects shared by the scene, document and line generators.

Every function takes the ``rng`` it draws from and returns a new array (never edits its input,
except ``paint``); geometric ones also map points. Images are H x W x 3 uint8 RGB unless said
otherwise. The photometric finish of whole pages is in :mod:`ppocr_bench.synth.finish`.
"""

from __future__ import annotations

import functools
from statistics import NormalDist

import cv2
import numpy as np

LUMA = np.array([0.299, 0.587, 0.114], np.float32)


def luminance(rgb: np.ndarray) -> np.ndarray | float:
    """Rec.601 luma (0..255) of a colour (3,) or an image (..., 3)."""
    return np.asarray(rgb, np.float32) @ LUMA


def contrasting_colour(
    rng: np.random.Generator, bg_lum: float, min_diff: float = 110.0
) -> np.ndarray:
    """A random colour (float32 RGB) whose luma differs from ``bg_lum`` by at least ``min_diff``.

    Goes dark on light backgrounds and light on dark ones, keeping the drawn hue.
    """
    colour = rng.uniform(0, 255, 3).astype(np.float32)
    if rng.random() < 0.4:
        colour = colour * rng.uniform(0.0, 0.35)  # near-neutral dark, rescued below if bg dark
    y = float(luminance(colour))
    dark_ok = bg_lum - min_diff >= 0
    light_ok = bg_lum + min_diff <= 255
    go_dark = dark_ok and (not light_ok or bg_lum >= 128)
    if go_dark:
        target = min(y, bg_lum - min_diff) * rng.uniform(0.6, 1.0)
        return colour * (target / y) if y > 0 else colour
    target = max(y, bg_lum + min_diff)
    target += (255 - target) * rng.uniform(0.0, 0.4)
    return 255 - (255 - colour) * ((255 - target) / max(255 - y, 1e-3))


def value_noise(
    rng: np.random.Generator, h: int, w: int, cells: int, octaves: int = 1
) -> np.ndarray:
    """Smooth noise in [0, 1], h x w float32: random values on a coarse grid, bicubic-upsampled."""
    out = np.zeros((h, w), np.float32)
    amp, total = 1.0, 0.0
    for o in range(octaves):
        n = max(2, cells * 2**o)
        grid = rng.random((max(2, n * h // max(w, 1)), n), dtype=np.float32)
        out += amp * cv2.resize(grid, (w, h), interpolation=cv2.INTER_CUBIC)
        total += amp
        amp *= 0.5
    return np.clip(out / total, 0.0, 1.0)


def line_background(rng: np.random.Generator, h: int, w: int) -> tuple[np.ndarray, float]:
    """A recognition-line background (uint8 h x w x 3): flat or a horizontal two-colour
    gradient; and its mean luma."""
    base = rng.uniform(0, 255, 3)
    other = np.clip(base + rng.normal(0, 40, 3), 0, 255) if rng.random() < 0.5 else base
    ends = np.stack([base, other]).astype(np.uint8).reshape(1, 2, 3)
    row = cv2.resize(ends, (w, 1), interpolation=cv2.INTER_LINEAR)
    bg = np.ascontiguousarray(np.broadcast_to(row, (h, w, 3)))
    return bg, float(luminance((base + other) / 2))


def normal_bytes(rng: np.random.Generator, shape: tuple[int, int], sigma: float) -> np.ndarray:
    """An int16 image of approximately N(0, sigma^2) noise drawn from random bytes."""
    table = np.round(_normal_quantiles() * sigma).astype(np.int16)
    return table[np.frombuffer(rng.bytes(shape[0] * shape[1]), np.uint8)].reshape(shape)


@functools.lru_cache(maxsize=1)
def _normal_quantiles() -> np.ndarray:
    """256 equiprobable standard-normal quantiles: a random byte through this table is a fast
    (coarse) normal sample, far cheaper than Generator.standard_normal on big images."""
    dist = NormalDist()
    return np.array([dist.inv_cdf((i + 0.5) / 256) for i in range(256)], np.float32)


def warp_points(m: np.ndarray, pts: np.ndarray) -> np.ndarray:
    """Map N x 2 points through a 2 x 3 affine or 3 x 3 homography."""
    pts = np.asarray(pts, np.float64).reshape(-1, 2)
    if m.shape == (2, 3):
        return pts @ m[:, :2].T + m[:, 2]
    q = np.c_[pts, np.ones(len(pts))] @ m.T
    return q[:, :2] / q[:, 2:3]


def rotate_page(
    img: np.ndarray,
    rng: np.random.Generator,
    polys: list[np.ndarray],
    max_deg: float = 3.0,
    border: tuple[int, int, int] = (255, 255, 255),
    labels: np.ndarray | None = None,
) -> tuple[np.ndarray, list[np.ndarray], np.ndarray | None]:
    """Skew a whole page by a small random angle about its centre; polygons (and an optional
    uint16 label map, nearest-neighbour) follow. Corners the rotation uncovers get ``border``."""
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), float(rng.uniform(-max_deg, max_deg)), 1.0)
    out = cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=border)
    if labels is not None:
        labels = cv2.warpAffine(labels, m, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
    return out, [warp_points(m, p) for p in polys], labels


def curve_layer(
    rng: np.random.Generator, mask: np.ndarray, ink: tuple[int, int, int, int], k: int = 7
) -> tuple[np.ndarray, np.ndarray]:
    """Bend a horizontal line's mask along a mild arc (up or down, random sagitta).

    Arc length along the ink's middle line is preserved. Returns the new mask and a 2k x 2
    polygon (top edge left to right, bottom edge right to left) around the bent ink box; the
    outer edge is pushed out so its chords still enclose the arc.
    """
    x0, y0, x1, y1 = ink
    xc, ym = (x0 + x1) / 2, (y0 + y1) / 2
    sag = rng.uniform(0.06, 0.2) * (x1 - x0)
    radius = (x1 - x0) ** 2 / (8 * sag) + sag / 2
    sign = 1.0 if rng.random() < 0.5 else -1.0  # +1: arch (centre below), -1: smile
    cy = ym + sign * radius

    def fwd(x: np.ndarray, y: np.ndarray, grow: float = 1.0) -> np.ndarray:
        rho = (radius + sign * (ym - y)) * grow
        th = (x - xc) / radius
        return np.stack([xc + rho * np.sin(th), cy - sign * rho * np.cos(th)], axis=-1)

    h, w = mask.shape
    ex = np.r_[np.linspace(0, w, 16), np.linspace(0, w, 16)]
    ey = np.r_[np.zeros(16), np.full(16, h)]
    edge = fwd(ex, ey)
    off = -np.floor(edge.min(axis=0))
    out_w, out_h = (np.ceil(edge.max(axis=0)) + off + 1).astype(int)
    ys, xs = np.mgrid[0:out_h, 0:out_w].astype(np.float32)
    dx, dy = xs - off[0] - xc, sign * (cy - (ys - off[1]))
    rho = np.hypot(dx, dy)
    src_x = (xc + radius * np.arctan2(dx, dy)).astype(np.float32)
    src_y = (ym + sign * (radius - rho)).astype(np.float32)
    bent = cv2.remap(mask, src_x, src_y, cv2.INTER_LINEAR, borderValue=0)
    xs_top = np.linspace(x0, x1, k)
    grow = 1.0 / np.cos((x1 - x0) / radius / (k - 1) / 2)
    top = fwd(xs_top, np.full(k, float(y0)), grow if sign > 0 else 1.0)
    bottom = fwd(xs_top[::-1], np.full(k, float(y1)), grow if sign < 0 else 1.0)
    return bent, np.r_[top, bottom] + off


def paint(img: np.ndarray, alpha: np.ndarray, x: int, y: int, colour: np.ndarray) -> None:
    """Composite ``colour`` through an 8-bit ``alpha`` whose top-left lies at (x, y), in place
    (clipped to the image)."""
    h, w = img.shape[:2]
    ax0, ay0 = max(0, -x), max(0, -y)
    x0, y0 = max(0, x), max(0, y)
    x1, y1 = min(w, x + alpha.shape[1]), min(h, y + alpha.shape[0])
    if x1 <= x0 or y1 <= y0:
        return
    a = alpha[ay0 : ay0 + y1 - y0, ax0 : ax0 + x1 - x0]
    region = img[y0:y1, x0:x1]
    fg = np.empty_like(region)
    fg[:] = np.asarray(colour, np.float32).clip(0, 255).astype(np.uint8)
    weight = a.astype(np.float32) * (1 / 255)
    region[:] = cv2.blendLinear(fg, region, weight, 1 - weight)
