"""DB post-processing: probability map -> quadrilateral text boxes (PaddleOCR ``DBPostProcess``).

For each image (``boxes_from_bitmap``):

1. bitmap = prob > ``thresh`` (0.3); contours by ``cv2.findContours`` (RETR_LIST,
   CHAIN_APPROX_SIMPLE), the first ``max_candidates`` (1000) only;
2. min-area rectangle of the contour; dropped if its short side < ``min_size`` (3);
3. score = mean probability inside that rectangle (PaddleOCR "fast" mode: the rectangle filled
   with integer-truncated corners); dropped if score < ``box_thresh`` (0.6);
4. unclip: offset outwards by D = Area * ``unclip_ratio`` (1.5) / Perimeter (pyclipper, round
   joins), min-area rectangle again; dropped if its short side < ``min_size`` + 2 (5);
5. rescaled from the map size to the source image size and clipped to [0, W] x [0, H]
   (``integer``: rounded to whole pixels first, as PaddleOCR and RapidOCR do).

``dilation`` (RapidOCR's default, PaddleOCR's ``use_dilation``) dilates the bitmap with a 2 x 2
kernel before the contours are taken; the scores still come from the probability map.

Boxes are N x 4 x 2 float32 (x, y), clockwise on screen from the top-left corner (TL, TR, BR,
BL, PaddleOCR's ``get_mini_boxes`` order). By default the coordinates are not rounded.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np
from shapely.geometry import Polygon

from ppocr_bench.data.db_targets import offset_polygon

THRESH = 0.3
BOX_THRESH = 0.6
UNCLIP_RATIO = 1.5
MAX_CANDIDATES = 1000
MIN_SIZE = 3
DILATION_KERNEL = np.ones((2, 2), dtype=np.uint8)


def mini_box(points: np.ndarray) -> tuple[np.ndarray, float]:
    """Min-area rectangle of K x 2 points: (4 x 2 float32 TL, TR, BR, BL; short side length)."""
    rect = cv2.minAreaRect(np.asarray(points, dtype=np.float32).reshape(-1, 1, 2))
    p = sorted(cv2.boxPoints(rect).tolist(), key=lambda q: q[0])
    # Left pair: the lower y is top-left; on a tie the second point is (PaddleOCR's rule).
    tl, bl = (p[0], p[1]) if p[1][1] > p[0][1] else (p[1], p[0])
    tr, br = (p[2], p[3]) if p[3][1] > p[2][1] else (p[3], p[2])
    box = np.array([tl, tr, br, bl], dtype=np.float32)
    return box, float(min(rect[1]))


def box_score_fast(prob: np.ndarray, box: np.ndarray) -> float:
    """Mean of ``prob`` (H x W) inside the polygon ``box`` (K x 2), corners truncated to ints."""
    h, w = prob.shape
    xmin = int(np.clip(np.floor(box[:, 0].min()), 0, w - 1))
    xmax = int(np.clip(np.ceil(box[:, 0].max()), 0, w - 1))
    ymin = int(np.clip(np.floor(box[:, 1].min()), 0, h - 1))
    ymax = int(np.clip(np.ceil(box[:, 1].max()), 0, h - 1))
    mask = np.zeros((ymax - ymin + 1, xmax - xmin + 1), dtype=np.uint8)
    shifted = (box - np.array([xmin, ymin], dtype=box.dtype)).astype(np.int32)
    cv2.fillPoly(mask, [shifted.reshape(-1, 1, 2)], 1)
    region = prob[ymin : ymax + 1, xmin : xmax + 1]
    sel = mask.astype(bool)
    return float(region[sel].mean()) if sel.any() else 0.0


def unclip(box: np.ndarray, unclip_ratio: float = UNCLIP_RATIO) -> np.ndarray:
    """Expand a K x 2 polygon by D = Area * ratio / Perimeter; returns all result points M x 2."""
    poly = Polygon(box)
    if poly.length == 0:
        return np.zeros((0, 2), dtype=np.float32)
    pieces = offset_polygon(box, poly.area * unclip_ratio / poly.length)
    if not pieces:
        return np.zeros((0, 2), dtype=np.float32)
    return np.concatenate(pieces).astype(np.float32)


def boxes_from_bitmap(
    prob: np.ndarray,
    bitmap: np.ndarray,
    dest_size: tuple[int, int],
    *,
    box_thresh: float = BOX_THRESH,
    unclip_ratio: float = UNCLIP_RATIO,
    max_candidates: int = MAX_CANDIDATES,
    min_size: float = MIN_SIZE,
    integer: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """Text boxes from one probability map.

    ``prob``: H x W float probabilities; ``bitmap``: H x W bool (prob > thresh); ``dest_size``:
    (src_h, src_w) of the original image. Returns boxes N x 4 x 2 float32 in source pixels and
    scores N float32.
    """
    height, width = bitmap.shape
    dest_h, dest_w = dest_size
    contours, _ = cv2.findContours(
        bitmap.astype(np.uint8) * 255, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE
    )
    boxes, scores = [], []
    for contour in contours[:max_candidates]:
        box, short = mini_box(contour.reshape(-1, 2))
        if short < min_size:
            continue
        score = box_score_fast(prob, box)
        if score < box_thresh:
            continue
        expanded = unclip(box, unclip_ratio)
        if len(expanded) < 3:
            continue
        box, short = mini_box(expanded)
        if short < min_size + 2:
            continue
        x, y = box[:, 0] / width * dest_w, box[:, 1] / height * dest_h
        if integer:
            x, y = np.round(x), np.round(y)
        box[:, 0] = np.clip(x, 0, dest_w)
        box[:, 1] = np.clip(y, 0, dest_h)
        boxes.append(box)
        scores.append(score)
    if not boxes:
        return np.zeros((0, 4, 2), dtype=np.float32), np.zeros(0, dtype=np.float32)
    return np.stack(boxes).astype(np.float32), np.asarray(scores, dtype=np.float32)


def db_postprocess(
    prob_maps: np.ndarray,
    src_sizes: Sequence[tuple[int, int]],
    *,
    thresh: float = THRESH,
    box_thresh: float = BOX_THRESH,
    unclip_ratio: float = UNCLIP_RATIO,
    max_candidates: int = MAX_CANDIDATES,
    dilation: bool = False,
    integer: bool = False,
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Boxes and scores for a batch.

    ``prob_maps``: N x 1 x H x W (or N x H x W) probabilities at the network input size;
    ``src_sizes[i]``: (src_h, src_w) of image i. Returns per image (boxes N_i x 4 x 2, scores N_i).
    """
    maps = np.asarray(prob_maps, dtype=np.float32)
    if maps.ndim == 4:
        maps = maps[:, 0]
    if maps.ndim != 3 or len(maps) != len(src_sizes):
        raise ValueError(f"expected N x 1 x H x W maps and N sizes, got {maps.shape}, "
                         f"{len(src_sizes)} sizes")
    out = []
    for m, size in zip(maps, src_sizes):
        bitmap = m > thresh
        if dilation:
            bitmap = cv2.dilate(bitmap.astype(np.uint8), DILATION_KERNEL).astype(bool)
        out.append(boxes_from_bitmap(m, bitmap, tuple(size), box_thresh=box_thresh,
                                     unclip_ratio=unclip_ratio, max_candidates=max_candidates,
                                     integer=integer))
    return out
