"""Detector training augmentation of PP-OCR: flip 0.5, rotate +-10 deg, scale 0.5-3, then a
random text-avoiding crop fitted into a square canvas (PaddleOCR ``IaaAugment`` +
``EastRandomCropData``).

All four steps are affine, so they are composed into one 2 x 3 matrix and the image is warped
once (straight from the source image to the ``size`` x ``size`` output): that is cheaper than
scaling a 800 px page by 3 and then cropping it, and the polygons go through exactly the same
matrix as the pixels, so they stay on their ink.

Coordinates follow :mod:`ppocr_bench.data.db_targets`: point (x, y) is the centre of pixel
column x, row y. The semantics of each step, applied in order:

- flip: x -> (W - 1) - x (polygon point order is kept; DB targets do not depend on it);
- rotate: by an angle in [-max_angle, max_angle] about the image centre, canvas size kept (the
  corners that leave the canvas are lost, as imgaug's ``Affine``);
- scale: both axes by s in ``scale_range`` (a virtual W*s x H*s canvas);
- crop: a window whose edges fall in text-free columns / rows of the virtual canvas (at least
  ``min_crop_ratio`` of each side, up to ``max_tries`` draws, else the whole canvas), scaled to fit
  into ``size`` x ``size`` keeping its aspect ratio and placed at the top-left (zero padding).
  Polygons wholly outside the window are dropped; polygons partly outside become don't-care.
  With ``crop`` off, the whole virtual canvas is fitted instead.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np


@dataclass(frozen=True)
class DetAugment:
    """Switches and ranges of the detector augmentation (each switch ablates one step)."""

    flip: bool = True
    rotate: bool = True
    scale: bool = True
    crop: bool = True
    flip_prob: float = 0.5
    max_angle: float = 10.0
    scale_range: tuple[float, float] = (0.5, 3.0)
    min_crop_ratio: float = 0.1
    max_tries: int = 50


def _apply(matrix: np.ndarray, points: np.ndarray) -> np.ndarray:
    return points @ matrix[:, :2].T + matrix[:, 2]


def _compose(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The 2 x 3 affine matrix of ``a`` after ``b``."""
    a3 = np.vstack([a, [0.0, 0.0, 1.0]])
    b3 = np.vstack([b, [0.0, 0.0, 1.0]])
    return (a3 @ b3)[:2]


def _free_positions(extents: list[tuple[float, float]], length: int) -> np.ndarray:
    """Integer positions in [0, length) not covered by any text extent."""
    covered = np.zeros(length + 1, dtype=bool)
    for lo, hi in extents:
        a, b = max(math.floor(lo), 0), min(math.ceil(hi), length)
        if a <= b:
            covered[a : b + 1] = True
    return np.flatnonzero(~covered[:length])


def choose_crop(
    polys: list[np.ndarray], ignore: list[bool], width: int, height: int,
    rng: np.random.Generator, min_ratio: float = 0.1, max_tries: int = 50,
) -> tuple[int, int, int, int]:
    """(x0, y0, x1, y1) of a crop window of a width x height canvas whose edges avoid text and
    which holds at least one cared polygon entirely (the whole canvas when none is found)."""
    cared = [p for p, ign in zip(polys, ignore) if not ign]
    free_x = _free_positions([(p[:, 0].min(), p[:, 0].max()) for p in polys], width)
    free_y = _free_positions([(p[:, 1].min(), p[:, 1].max()) for p in polys], height)
    if not cared or len(free_x) < 2 or len(free_y) < 2:
        return 0, 0, width, height
    for _ in range(max_tries):
        x0, x1 = np.sort(rng.choice(free_x, 2, replace=False))
        y0, y1 = np.sort(rng.choice(free_y, 2, replace=False))
        if x1 - x0 < min_ratio * width or y1 - y0 < min_ratio * height:
            continue
        for p in cared:
            if (p[:, 0].min() >= x0 and p[:, 0].max() <= x1
                    and p[:, 1].min() >= y0 and p[:, 1].max() <= y1):
                return int(x0), int(y0), int(x1) + 1, int(y1) + 1
    return 0, 0, width, height


def det_augment(
    image: np.ndarray, polys: list[np.ndarray], ignore: list[bool], size: int,
    aug: DetAugment, rng: np.random.Generator,
) -> tuple[np.ndarray, list[np.ndarray], list[bool]]:
    """Augment one detector sample into a ``size`` x ``size`` image.

    ``image``: H x W x 3 uint8; ``polys[i]``: K_i x 2 float (x, y); ``ignore[i]``: don't care.
    Returns (size x size x 3 uint8, polygons K_i x 2 float32, ignore flags); polygons outside the
    crop are removed, those cut by its border are marked ignore.
    """
    h, w = image.shape[:2]
    m = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    if aug.flip and rng.random() < aug.flip_prob:
        m = _compose(np.array([[-1.0, 0.0, w - 1.0], [0.0, 1.0, 0.0]]), m)
    if aug.rotate:
        angle = rng.uniform(-aug.max_angle, aug.max_angle)
        m = _compose(cv2.getRotationMatrix2D(((w - 1) / 2, (h - 1) / 2), angle, 1.0), m)
    vw, vh = float(w), float(h)
    if aug.scale:
        s = rng.uniform(*aug.scale_range)
        # pixel centres: x' = (x + 0.5) * s - 0.5
        m = _compose(np.array([[s, 0.0, 0.5 * s - 0.5], [0.0, s, 0.5 * s - 0.5]]), m)
        vw, vh = w * s, h * s
    moved = [_apply(m, np.asarray(p, dtype=np.float64).reshape(-1, 2)) for p in polys]
    vwi, vhi = max(round(vw), 1), max(round(vh), 1)
    if aug.crop:
        x0, y0, x1, y1 = choose_crop(moved, list(ignore), vwi, vhi, rng, aug.min_crop_ratio,
                                     aug.max_tries)
    else:
        x0, y0, x1, y1 = 0, 0, vwi, vhi
    f = min(size / (x1 - x0), size / (y1 - y0))
    fit = np.array([[f, 0.0, 0.5 * f - 0.5 - f * x0], [0.0, f, 0.5 * f - 0.5 - f * y0]])
    m = _compose(fit, m)
    out = cv2.warpAffine(image, m, (size, size), flags=cv2.INTER_LINEAR,
                         borderMode=cv2.BORDER_CONSTANT, borderValue=(0, 0, 0))
    limit_x, limit_y = (x1 - x0) * f - 0.5, (y1 - y0) * f - 0.5
    out_polys, out_ignore = [], []
    for p, ign in zip(moved, ignore):
        q = _apply(fit, p)
        inside = ((q[:, 0] >= -1) & (q[:, 0] <= limit_x + 1)
                  & (q[:, 1] >= -1) & (q[:, 1] <= limit_y + 1))
        if q[:, 0].max() < 0 or q[:, 1].max() < 0 or q[:, 0].min() > limit_x \
                or q[:, 1].min() > limit_y:
            continue
        out_polys.append(q.astype(np.float32))
        out_ignore.append(bool(ign) or not bool(inside.all()))
    return out, out_polys, out_ignore
