"""Detection precision / recall / hmean with PaddleOCR's ``DetectionIoUEvaluator`` rules.

Per image (:func:`evaluate_image`):

1. A polygon (GT or prediction) that shapely finds invalid or non-simple is skipped, as is one
   with fewer than 3 points (shapely cannot build it). Bow-ties and zero-area polygons are
   therefore skipped, on both sides.
2. A GT whose transcription is ``###`` or ``*`` is don't-care.
3. A prediction is don't-care when its intersection with some don't-care GT covers strictly more
   than ``dont_care_threshold`` (0.5) of the prediction's own area.
4. Greedy one-to-one matching: GT in order, then predictions in order; a pair matches when both
   are unmatched, neither is don't-care and IoU > ``iou_threshold`` (0.5) strictly. In end-to-end
   mode the pair also needs the predicted text to equal the GT transcription exactly.

Counts are pooled over images (:class:`DetAccumulator`): recall = matched / cared GT, precision =
matched / cared predictions, hmean = 2PR / (P + R).

Empty cases (a choice, pinned by tests): PaddleOCR's per-image rule, applied to pooled counts:

- no cared GT -> recall = 1.0 (nothing to find);
- no cared predictions -> precision = 1.0 if there is no cared GT either, else 0.0;
- hmean = 0.0 when P + R == 0.

So an empty dataset with no predictions scores P = R = H = 1, and a dataset with GT but no
predictions scores P = R = H = 0. PaddleOCR's ``combine_results`` instead returns 0 for any empty
denominator; the two differ in hmean only when there is neither cared GT nor cared prediction
anywhere (they also differ in recall, not hmean, when there are predictions but no cared GT).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import shapely
from shapely.geometry import Polygon

from ppocr_bench.data.labels import DONT_CARE, DetInstance
from ppocr_bench.errors import PpocrError


@dataclass(frozen=True)
class DetImageResult:
    """Counts for one image. ``pairs``: (gt index, pred index) into the caller's input lists."""

    gt_care: int
    det_care: int
    matched: int
    pairs: tuple[tuple[int, int], ...] = ()


def _valid_polygon(points: object) -> Polygon | None:
    try:
        arr = np.asarray(points, dtype=np.float64).reshape(-1, 2)
        poly = Polygon(arr)
    except (ValueError, TypeError):
        return None
    if not poly.is_valid or not poly.is_simple:
        return None
    return poly


def evaluate_image(
    gt_polys: Sequence[object],
    gt_texts: Sequence[str],
    pred_polys: Sequence[object],
    pred_texts: Sequence[str] | None = None,
    *,
    e2e: bool = False,
    iou_threshold: float = 0.5,
    dont_care_threshold: float = 0.5,
) -> DetImageResult:
    """Match one image's predictions to its GT.

    ``gt_polys[i]``, ``pred_polys[j]``: K x 2 points (x, y), K >= 3 (e.g. the N x 4 x 2 boxes of
    the DB post-processing). ``gt_texts[i]``: transcription (``###``/``*`` = don't care).
    ``pred_texts``: predicted transcriptions, required when ``e2e`` is True.
    """
    if len(gt_polys) != len(gt_texts):
        raise ValueError(f"{len(gt_polys)} GT polygons but {len(gt_texts)} transcriptions")
    if e2e and (pred_texts is None or len(pred_texts) != len(pred_polys)):
        raise ValueError("end-to-end evaluation needs one predicted text per predicted polygon")

    gts = [(i, p) for i, p in ((i, _valid_polygon(g)) for i, g in enumerate(gt_polys))
           if p is not None]
    dets = [(j, p) for j, p in ((j, _valid_polygon(d)) for j, d in enumerate(pred_polys))
            if p is not None]
    gt_dc = np.array([gt_texts[i] in DONT_CARE for i, _ in gts], dtype=bool)

    g_arr = np.array([p for _, p in gts], dtype=object)
    d_arr = np.array([p for _, p in dets], dtype=object)
    inter = (
        shapely.area(shapely.intersection(g_arr[:, None], d_arr[None, :]))
        if len(gts) and len(dets)
        else np.zeros((len(gts), len(dets)))
    )

    det_dc = np.zeros(len(dets), dtype=bool)
    if gt_dc.any() and len(dets):
        d_area = shapely.area(d_arr)
        with np.errstate(divide="ignore", invalid="ignore"):
            cover = np.where(d_area[None, :] > 0, inter[gt_dc] / d_area[None, :], 0.0)
        det_dc = (cover > dont_care_threshold).any(axis=0)

    pairs: list[tuple[int, int]] = []
    if len(gts) and len(dets):
        union = shapely.area(shapely.union(g_arr[:, None], d_arr[None, :]))
        iou = inter / union
        det_used = det_dc.copy()  # don't-care predictions never match
        for gi in range(len(gts)):
            if gt_dc[gi]:
                continue
            for dj in range(len(dets)):
                if det_used[dj] or iou[gi, dj] <= iou_threshold:
                    continue
                if e2e and pred_texts is not None and (
                    pred_texts[dets[dj][0]] != gt_texts[gts[gi][0]]
                ):
                    continue
                det_used[dj] = True
                pairs.append((gts[gi][0], dets[dj][0]))
                break

    return DetImageResult(
        gt_care=int(len(gts) - gt_dc.sum()),
        det_care=int(len(dets) - det_dc.sum()),
        matched=len(pairs),
        pairs=tuple(pairs),
    )


def det_scores(gt_care: int, det_care: int, matched: int) -> dict[str, float]:
    """Precision, recall and hmean from pooled counts (empty cases: see the module docstring)."""
    recall = matched / gt_care if gt_care else 1.0
    if det_care:
        precision = matched / det_care
    else:
        precision = 1.0 if gt_care == 0 else 0.0
    hmean = 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)
    return {"precision": precision, "recall": recall, "hmean": hmean}


@dataclass
class DetAccumulator:
    """Pools :class:`DetImageResult` counts over a dataset; ``result()`` does not reset."""

    gt_care: int = 0
    det_care: int = 0
    matched: int = 0
    images: int = 0
    per_image: list[DetImageResult] = field(default_factory=list)

    def update(self, result: DetImageResult) -> None:
        """Add one image's counts."""
        self.gt_care += result.gt_care
        self.det_care += result.det_care
        self.matched += result.matched
        self.images += 1
        self.per_image.append(result)

    def result(self) -> dict[str, float]:
        """``precision``, ``recall``, ``hmean`` plus the pooled counts (as floats)."""
        out = det_scores(self.gt_care, self.det_care, self.matched)
        out.update(gt_care=float(self.gt_care), det_care=float(self.det_care),
                   matched=float(self.matched), images=float(self.images))
        return out


def evaluate_labels(
    gt: Mapping[str, list[DetInstance]],
    pred: Mapping[str, list[DetInstance]],
    *,
    e2e: bool = False,
    iou_threshold: float = 0.5,
) -> DetAccumulator:
    """Evaluate whole det label sets (as :func:`ppocr_bench.data.labels.read_det_labels` gives).

    Every GT image counts; an image without predictions has none. A predicted image that is not
    in the GT raises :class:`PpocrError` (usually a path mismatch between the two files).
    ``pred`` instances carry the predicted text in ``transcription`` (used only when ``e2e``).
    """
    extra = [p for p in pred if p not in gt]
    if extra:
        raise PpocrError(f"{len(extra)} predicted image(s) not in the ground truth, "
                         f"e.g. {extra[0]!r}")
    acc = DetAccumulator()
    for path, gt_insts in gt.items():
        preds = pred.get(path, [])
        acc.update(evaluate_image(
            [g["points"] for g in gt_insts], [g["transcription"] for g in gt_insts],
            [d["points"] for d in preds], [d["transcription"] for d in preds],
            e2e=e2e, iou_threshold=iou_threshold,
        ))
    return acc
