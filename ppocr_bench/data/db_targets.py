"""DB training targets: shrink (probability) map + mask and threshold (border) map + mask.

Follows PaddleOCR's ``MakeShrinkMap`` / ``MakeBorderMap`` with these explicit rules:

Shrink map (``make_shrink_map``), per polygon after clipping its points to the image:

- masked out (mask 0 inside the polygon, no positive pixels) when it is ignored (``###``/``*``),
  when |area| < 1, when min(bbox height, bbox width) < ``min_text_size`` (8), or when shrinking
  gives nothing;
- otherwise shrunk inwards by D = Area * (1 - r^2) / Perimeter (r = 0.4) with a pyclipper
  round-joined offset and filled with 1. As in PaddleOCR, when the offset splits the polygon
  into several pieces, r = 0.8 is tried next; if that still splits, all pieces are filled.

Threshold map (``make_threshold_map``), per non-ignored polygon with area >= 1 (PaddleOCR: > 0);
as in PaddleOCR, polygons masked out of the shrink map only for their size still get a border:

- dilated outwards by the same D; mask = 1 inside the dilated polygon;
- value at pixel p = 1 - clip(dist(p, polygon boundary) / D, 0, 1), max over polygons,
  then rescaled to [thresh_min, thresh_max] = [0.3, 0.7] everywhere (background = 0.3).
  ``dist`` is the true Euclidean distance to the nearest boundary segment (PaddleOCR's
  law-of-cosines formula mis-handles points beyond a segment's ends; this does not).

Pixel (x, y) is the integer grid point (column x, row y); polygon points are (x, y).
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np
import pyclipper
from shapely.geometry import Polygon

SHRINK_RATIO = 0.4
MIN_TEXT_SIZE = 8
THRESH_MIN = 0.3
THRESH_MAX = 0.7


def shrink_distance(poly: np.ndarray, ratio: float = SHRINK_RATIO) -> float:
    """D = Area * (1 - ratio^2) / Perimeter for a K x 2 polygon (0 if the perimeter is 0)."""
    shape = Polygon(poly)
    return float(shape.area * (1 - ratio**2) / shape.length) if shape.length > 0 else 0.0


def offset_polygon(poly: np.ndarray, distance: float) -> list[np.ndarray]:
    """pyclipper round-joined offset of a K x 2 polygon (distance < 0 shrinks).

    Returns the resulting polygons, each M x 2 int64 (pyclipper works on integer coordinates).
    """
    pco = pyclipper.PyclipperOffset()
    pco.AddPath([tuple(p) for p in poly], pyclipper.JT_ROUND, pyclipper.ET_CLOSEDPOLYGON)
    return [np.asarray(p, dtype=np.int64).reshape(-1, 2) for p in pco.Execute(distance)]


def _signed_area(poly: np.ndarray) -> float:
    x, y = poly[:, 0], poly[:, 1]
    return float(0.5 * (np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))))


def make_shrink_map(
    polys: Sequence[np.ndarray],
    ignore: Sequence[bool],
    shape: tuple[int, int],
    *,
    shrink_ratio: float = SHRINK_RATIO,
    min_text_size: int = MIN_TEXT_SIZE,
) -> tuple[np.ndarray, np.ndarray, list[bool]]:
    """Shrink map, shrink mask and the final ignore flags.

    ``polys[i]``: K_i x 2 (x, y) points; ``ignore[i]``: don't-care flag; ``shape``: (H, W).
    Returns ``shrink_map`` H x W float32 in {0, 1}, ``shrink_mask`` H x W float32 in {0, 1}
    (0 = excluded from the loss) and the ignore flags after the size/area/shrink checks.
    """
    h, w = shape
    gt = np.zeros((h, w), dtype=np.float32)
    mask = np.ones((h, w), dtype=np.float32)
    out_ignore = [bool(v) for v in ignore]
    if len(polys) != len(out_ignore):
        raise ValueError(f"{len(polys)} polygons but {len(out_ignore)} ignore flags")
    ratios = np.arange(shrink_ratio, 1, shrink_ratio)
    for i, raw in enumerate(polys):
        poly = np.asarray(raw, dtype=np.float64).reshape(-1, 2).copy()
        poly[:, 0] = np.clip(poly[:, 0], 0, w - 1)
        poly[:, 1] = np.clip(poly[:, 1], 0, h - 1)
        if abs(_signed_area(poly)) < 1:
            out_ignore[i] = True
        size = min(np.ptp(poly[:, 0]), np.ptp(poly[:, 1]))
        pieces: list[np.ndarray] = []
        if not out_ignore[i] and size >= min_text_size:
            for ratio in ratios:
                pieces = offset_polygon(poly, -shrink_distance(poly, ratio))
                if len(pieces) == 1:
                    break
        if not pieces:
            cv2.fillPoly(mask, [poly.astype(np.int32)], 0.0)
            out_ignore[i] = True
            continue
        cv2.fillPoly(gt, [p.astype(np.int32) for p in pieces], 1.0)
    return gt, mask, out_ignore


def point_segment_distance(
    xs: np.ndarray, ys: np.ndarray, a: np.ndarray, b: np.ndarray
) -> np.ndarray:
    """Euclidean distance from grid points to segments, vectorised.

    ``xs``, ``ys``: H x W coordinates; ``a``, ``b``: S x 2 segment ends. Returns S x H x W in
    the dtype of ``xs``.
    """
    a, b = np.asarray(a, dtype=xs.dtype), np.asarray(b, dtype=xs.dtype)
    ax, ay = a[:, 0, None, None], a[:, 1, None, None]
    dx, dy = (b[:, 0] - a[:, 0])[:, None, None], (b[:, 1] - a[:, 1])[:, None, None]
    len2 = dx * dx + dy * dy
    px, py = xs[None] - ax, ys[None] - ay
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(len2 > 0, (px * dx + py * dy) / len2, 0)
    t = np.clip(t, 0, 1).astype(xs.dtype, copy=False)
    return np.hypot(px - t * dx, py - t * dy)


def _draw_border(poly: np.ndarray, canvas: np.ndarray, mask: np.ndarray, ratio: float) -> None:
    if abs(_signed_area(poly)) < 1:
        return
    distance = shrink_distance(poly, ratio)
    padded = offset_polygon(poly, distance)
    if not padded:
        return
    padded_pts = padded[0]
    cv2.fillPoly(mask, [padded_pts.astype(np.int32)], 1.0)
    h, w = canvas.shape
    x0 = max(int(padded_pts[:, 0].min()), 0)
    x1 = min(int(padded_pts[:, 0].max()), w - 1)
    y0 = max(int(padded_pts[:, 1].min()), 0)
    y1 = min(int(padded_pts[:, 1].max()), h - 1)
    if x1 < x0 or y1 < y0:
        return
    ys, xs = np.mgrid[y0 : y1 + 1, x0 : x1 + 1].astype(np.float32)
    dist = point_segment_distance(xs, ys, poly, np.roll(poly, -1, axis=0)).min(axis=0)
    value = 1.0 - np.clip(dist / distance, 0.0, 1.0)
    region = canvas[y0 : y1 + 1, x0 : x1 + 1]
    np.fmax(region, value.astype(np.float32), out=region)


def make_threshold_map(
    polys: Sequence[np.ndarray],
    ignore: Sequence[bool],
    shape: tuple[int, int],
    *,
    shrink_ratio: float = SHRINK_RATIO,
    thresh_min: float = THRESH_MIN,
    thresh_max: float = THRESH_MAX,
) -> tuple[np.ndarray, np.ndarray]:
    """Threshold map H x W float32 in [thresh_min, thresh_max] and its mask H x W float32.

    ``polys[i]``: K_i x 2 (x, y) points; ``ignore[i]``: skip this polygon; ``shape``: (H, W).
    """
    canvas = np.zeros(shape, dtype=np.float32)
    mask = np.zeros(shape, dtype=np.float32)
    for raw, ign in zip(polys, ignore, strict=True):
        if not ign:
            _draw_border(np.asarray(raw, dtype=np.float64).reshape(-1, 2), canvas, mask,
                         shrink_ratio)
    return canvas * (thresh_max - thresh_min) + thresh_min, mask


def make_db_targets(
    polys: Sequence[np.ndarray],
    ignore: Sequence[bool],
    shape: tuple[int, int],
    *,
    shrink_ratio: float = SHRINK_RATIO,
    min_text_size: int = MIN_TEXT_SIZE,
    thresh_min: float = THRESH_MIN,
    thresh_max: float = THRESH_MAX,
) -> dict[str, np.ndarray]:
    """All four DB targets for one image of size ``shape`` = (H, W).

    Returns ``shrink_map``, ``shrink_mask``, ``threshold_map``, ``threshold_mask``, each H x W
    float32 (the keys :func:`ppocr_bench.losses.db_loss.db_loss` reads, once batched).
    """
    thresh, thresh_mask = make_threshold_map(
        polys, ignore, shape, shrink_ratio=shrink_ratio, thresh_min=thresh_min,
        thresh_max=thresh_max,
    )
    shrink, shrink_mask, _ = make_shrink_map(
        polys, ignore, shape, shrink_ratio=shrink_ratio, min_text_size=min_text_size
    )
    return {"shrink_map": shrink, "shrink_mask": shrink_mask,
            "threshold_map": thresh, "threshold_mask": thresh_mask}
