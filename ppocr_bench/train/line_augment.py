"""Text-line augmentation for the classifier and the recognizer (PP-OCR "BDA" and "TIA").

BDA, base data augmentation (PaddleOCR ``BaseDataAugmentation``), each op applied with
probability ``prob`` (0.4) and switchable on its own: ``crop`` (cut 1-8 rows off the top or the
bottom), ``blur`` (Gaussian 5x5), ``hsv`` (hue/saturation/value jitter), ``jitter`` (a
diagonal smear of up to 1 % of the short side), ``noise`` (Gaussian noise, sigma 2-12 grey
levels; PaddleOCR's own variance makes it invisible on uint8), ``reverse`` (255 - image) and
``perspective`` (each corner moved by up to 10 % of the height, one homography).

TIA, text image augmentation (Luo et al. 2020, PaddleOCR ``tia_distort`` / ``tia_stretch`` /
``tia_perspective``): control points on the top and bottom edges are moved and the image is
warped by a similarity moving-least-squares deformation (:func:`mls_warp`), so every part of the
line bends by its own nearby points. ``distort`` moves all points by up to a third of a segment,
``stretch`` slides the inner segment boundaries left/right, ``perspective`` raises or lowers the
four corners. TIA is only applied to lines at least 20 px high and wide.

Images are H x W x 3 uint8 (BGR); every op returns a new image of that kind (crop and TIA may
change the size slightly; the resize to the network input comes after).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np


@dataclass(frozen=True)
class LineAugment:
    """Which BDA and TIA ops run, each with probability ``prob``."""

    crop: bool = True
    blur: bool = True
    hsv: bool = True
    jitter: bool = True
    noise: bool = True
    reverse: bool = True
    perspective: bool = True
    tia_distort: bool = False
    tia_stretch: bool = False
    tia_perspective: bool = False
    prob: float = 0.4
    segments: int = 4


# ---------------------------------------------------------------- MLS warp (TIA)
def mls_warp(image: np.ndarray, src: np.ndarray, dst: np.ndarray, grid: int = 4) -> np.ndarray:
    """Warp ``image`` so that control points ``src`` (N x 2, x y) land on ``dst``.

    Similarity moving least squares (Schaefer et al. 2006), solved backwards: for each output
    pixel v, the similarity a * z + b (complex a) that best maps the dst points to the src points
    with weights 1 / |dst_i - v|^2 gives the source position; then ``cv2.remap``. The smooth map
    is solved on a grid of every ``grid``-th pixel (and the last row and column) and
    interpolated bilinearly in between, as PaddleOCR's ``WarpMLS`` interpolates between grid
    cells (``grid`` 1: every pixel; 4 solves 1/16 of the pixels). Output size = input size.
    """
    h, w = image.shape[:2]
    p = src[:, 0] + 1j * src[:, 1]  # where to sample from
    q = dst[:, 0] + 1j * dst[:, 1]  # where it lands
    ys, xs = _grid(h, grid), _grid(w, grid)
    v = (xs[None, :] + 1j * ys[:, None]).reshape(-1, 1).astype(np.complex128)
    weights = 1.0 / (np.abs(q[None, :] - v) ** 2 + 1e-6)
    total = weights.sum(1, keepdims=True)
    p_star = (weights * p).sum(1, keepdims=True) / total
    q_star = (weights * q).sum(1, keepdims=True) / total
    p_hat, q_hat = p[None, :] - p_star, q[None, :] - q_star
    a = (weights * np.conj(q_hat) * p_hat).sum(1, keepdims=True) / np.maximum(
        (weights * np.abs(q_hat) ** 2).sum(1, keepdims=True), 1e-12)
    f = (a * (v - q_star) + p_star).reshape(len(ys), len(xs))
    rows, cols = _interpolation(h, ys), _interpolation(w, xs).T
    map_x = (rows @ f.real @ cols).astype(np.float32)
    map_y = (rows @ f.imag @ cols).astype(np.float32)
    return cv2.remap(image, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def _grid(n: int, step: int) -> np.ndarray:
    """Every ``step``-th of ``n`` pixel positions and the last one."""
    return np.unique(np.r_[np.arange(0, n, max(step, 1)), n - 1]).astype(np.float64)


def _interpolation(n: int, knots: np.ndarray) -> np.ndarray:
    """n x len(knots): linear interpolation from values at ``knots`` to pixels 0 .. n - 1."""
    out = np.zeros((n, len(knots)))
    if len(knots) == 1:
        out[:, 0] = 1.0
        return out
    pixels = np.arange(n)
    j = np.clip(np.searchsorted(knots, pixels, side="right") - 1, 0, len(knots) - 2)
    t = (pixels - knots[j]) / (knots[j + 1] - knots[j])
    out[pixels, j], out[pixels, j + 1] = 1.0 - t, t
    return out


def _edge_points(w: int, h: int, segments: int) -> np.ndarray:
    xs = np.linspace(0, w - 1, segments + 1)
    return np.concatenate([np.stack([xs, np.zeros_like(xs)], 1),
                           np.stack([xs, np.full_like(xs, h - 1)], 1)])


def tia_distort(image: np.ndarray, rng: np.random.Generator, segments: int = 4) -> np.ndarray:
    """Move every control point by up to a third of a segment width (corners inwards only)."""
    h, w = image.shape[:2]
    src = _edge_points(w, h, segments)
    t = max(w / segments / 3, 1.0)
    move = rng.uniform(-t, t, src.shape)
    move[:, 1] = np.clip(move[:, 1], -h / 4, h / 4)
    return mls_warp(image, src, src + move)


def tia_stretch(image: np.ndarray, rng: np.random.Generator, segments: int = 4) -> np.ndarray:
    """Slide the inner segment boundaries (top and bottom together) left or right."""
    h, w = image.shape[:2]
    src = _edge_points(w, h, segments)
    t = w / segments * 0.4
    shift = np.zeros(segments + 1)
    shift[1:-1] = rng.uniform(-t, t, segments - 1)
    dst = src.copy()
    dst[:, 0] += np.concatenate([shift, shift])
    return mls_warp(image, src, dst)


def tia_perspective(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Raise/lower the four corners by up to half the height (a vertical perspective)."""
    h, w = image.shape[:2]
    src = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], dtype=np.float64)
    t = h / 2
    d = rng.uniform(0, t, 4)
    dst = src + np.array([[0, d[0]], [0, d[1]], [0, -d[2]], [0, -d[3]]])
    return mls_warp(image, src, dst)


# ---------------------------------------------------------------- BDA ops
def random_crop_rows(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    h = image.shape[0]
    most = min(8, h // 4)
    if most < 1:
        return image
    cut = int(rng.integers(1, most + 1))
    return image[cut:] if rng.random() < 0.5 else image[: h - cut]


def gaussian_blur(image: np.ndarray) -> np.ndarray:
    h, w = image.shape[:2]
    return cv2.GaussianBlur(image, (5, 5), 1) if h > 10 and w > 10 else image


def hsv_jitter(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    hsv = cv2.cvtColor(image, cv2.COLOR_BGR2HSV).astype(np.float32)
    hsv[..., 0] = (hsv[..., 0] + rng.uniform(-10, 10)) % 180
    hsv[..., 1] *= rng.uniform(0.7, 1.3)
    hsv[..., 2] *= rng.uniform(0.7, 1.3)
    return cv2.cvtColor(np.clip(hsv, 0, 255).astype(np.uint8), cv2.COLOR_HSV2BGR)


def smear(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    h, w = image.shape[:2]
    most = max(int(min(h, w) * 0.01), 1)
    shift = int(rng.integers(1, most + 1))
    out = image.copy()
    for s in range(1, shift + 1):
        out[s:, s:] = image[: h - s, : w - s]
    return out


def gaussian_noise(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    sigma = rng.uniform(2.0, 12.0)
    noisy = image.astype(np.float32) + rng.normal(0.0, sigma, image.shape).astype(np.float32)
    return np.clip(noisy, 0, 255).astype(np.uint8)


def random_perspective(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    h, w = image.shape[:2]
    src = np.float32([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]])
    t = 0.1 * h
    dst = (src + rng.uniform(-t, t, (4, 2))).astype(np.float32)
    matrix = cv2.getPerspectiveTransform(src, dst)
    return cv2.warpPerspective(image, matrix, (w, h), borderMode=cv2.BORDER_REPLICATE)


def line_augment(image: np.ndarray, aug: LineAugment, rng: np.random.Generator) -> np.ndarray:
    """Apply the switched-on TIA then BDA ops, each with probability ``aug.prob`` (the ten on/off
    decisions are drawn first, so switching an op off does not change which others run)."""
    h, w = image.shape[:2]
    big = h >= 20 and w >= 20
    draws = rng.random(10)
    if aug.tia_distort and big and draws[0] < aug.prob:
        image = tia_distort(image, rng, aug.segments)
    if aug.tia_stretch and big and draws[1] < aug.prob:
        image = tia_stretch(image, rng, aug.segments)
    if aug.tia_perspective and big and draws[2] < aug.prob:
        image = tia_perspective(image, rng)
    if aug.perspective and draws[3] < aug.prob:
        image = random_perspective(image, rng)
    if aug.crop and draws[4] < aug.prob:
        image = random_crop_rows(image, rng)
    if aug.blur and draws[5] < aug.prob:
        image = gaussian_blur(image)
    if aug.hsv and draws[6] < aug.prob:
        image = hsv_jitter(image, rng)
    if aug.jitter and draws[7] < aug.prob:
        image = smear(image, rng)
    if aug.noise and draws[8] < aug.prob:
        image = gaussian_noise(image, rng)
    if aug.reverse and draws[9] < aug.prob:
        image = 255 - image
    return np.ascontiguousarray(image)
