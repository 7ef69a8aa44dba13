"""Scoring prediction label files against ground truth (``ppocr-bench metrics``): any system's
predictions, written in the label formats of :mod:`ppocr_bench.data.labels`, matched to the GT
by image path (exact string).

- det: precision, recall, hmean (PaddleOCR IoU rules); rec: acc and norm_edit_dis
  (``ignore_space``); cls: acc.
- A GT image without a prediction counts: it has no boxes (det) or is wrong (rec, cls: at the
  full edit distance); :attr:`FileScores.warning` says how many there are.
- A GT file without any label, or a predicted image that is not in the GT, is a PpocrError.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ppocr_bench.data.labels import read_cls_labels, read_det_labels, read_rec_labels
from ppocr_bench.errors import PpocrError
from ppocr_bench.eval.loop import SCORE_KEYS
from ppocr_bench.metrics.cls import ClsAccumulator
from ppocr_bench.metrics.det_iou import evaluate_labels
from ppocr_bench.metrics.rec import RecAccumulator

READERS = {"det": read_det_labels, "cls": read_cls_labels, "rec": read_rec_labels}


@dataclass(frozen=True)
class FileScores:
    """The scores of one prediction file and how much of the GT it left unanswered:
    ``missing`` GT images without a prediction of ``images``; for det also ``missing_boxes``
    GT boxes on those images of ``boxes`` in all."""

    task: str
    pred: Path
    scores: dict[str, float]
    images: int
    missing: int
    boxes: int = 0
    missing_boxes: int = 0

    @property
    def warning(self) -> str | None:
        """One line when some GT images have no prediction (they are scored as wrong)."""
        if not self.missing:
            return None
        what = (f"{self.missing} of {self.images} GT images ({self.missing_boxes} of "
                f"{self.boxes} text boxes)" if self.task == "det"
                else f"{self.missing} of {self.images} GT lines")
        scored = "missed" if self.task == "det" else "wrong"
        return f"{self.pred}: no prediction for {what}: scored as {scored}"


def score_files(task: str, gt: Path, pred: Path) -> FileScores:
    """Score the prediction label file ``pred`` against the GT label file ``gt`` of the same
    format (see the module docstring)."""
    if task not in READERS:
        raise PpocrError(f"task must be det, rec or cls, not {task!r}")
    truth, predicted = READERS[task](gt), READERS[task](pred)
    if not truth:
        raise PpocrError(f"{gt}: no labels (empty file): nothing to score against")
    extra = [p for p in predicted if p not in truth]
    if extra:
        shown = ", ".join(repr(p) for p in extra[:3]) + (" ..." if len(extra) > 3 else "")
        raise PpocrError(f"{pred}: {len(extra)} image(s) not in {gt}: {shown}")
    missing = [p for p in truth if p not in predicted]
    if task == "det":
        result = evaluate_labels(truth, predicted).result()
        return FileScores(task, Path(pred), _pick(task, result), len(truth), len(missing),
                          sum(len(v) for v in truth.values()),
                          sum(len(truth[p]) for p in missing))
    acc = RecAccumulator(ignore_space=True) if task == "rec" else ClsAccumulator()
    found = [p for p in truth if p in predicted]
    acc.update([predicted[p] for p in found], [truth[p] for p in found])
    acc.n += len(missing)  # a missing prediction is wrong ...
    if task == "rec":
        acc.edit_sum += len(missing)  # ... at the full normalised edit distance of 1
    return FileScores(task, Path(pred), _pick(task, acc.result()), len(truth), len(missing))


def _pick(task: str, result: dict) -> dict[str, float]:
    return {k: float(result[k]) for k in SCORE_KEYS[task]}
