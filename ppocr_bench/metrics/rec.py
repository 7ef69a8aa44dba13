"""Recognition accuracy and normalised edit distance, PaddleOCR ``RecMetric`` semantics.

Both strings of a pair are normalised the same way before comparing:

1. ``ignore_space`` (default True): every ``" "`` is removed;
2. ``filter`` (default False): only ASCII letters and digits are kept, then lower-cased
   (so only [0-9a-z] remain).

accuracy = exact matches / N. norm_edit_dis = 1 - mean over pairs of
``rapidfuzz.distance.Levenshtein.normalized_distance`` (edit distance / max(len), 0 for two empty
strings).
With N == 0 both are reported as 0.0 (PaddleOCR's eps fudge gives acc 0, NED 1; here there is
no fudge, and ``n`` says how many pairs were seen).
"""

from __future__ import annotations

import string
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

_ALNUM = frozenset(string.digits + string.ascii_letters)


normalized_levenshtein = Levenshtein.normalized_distance


def normalize_text(text: str, *, ignore_space: bool = True, filter: bool = False) -> str:
    """Apply the comparison normalisation described in the module docstring."""
    if ignore_space:
        text = text.replace(" ", "")
    if filter:
        text = "".join(c for c in text if c in _ALNUM).lower()
    return text


def _check(preds: Sequence[str], labels: Sequence[str]) -> None:
    if len(preds) != len(labels):
        raise ValueError(f"{len(preds)} predictions but {len(labels)} labels")


@dataclass
class RecAccumulator:
    """Pools exact-match and edit-distance sums; ``result()`` does not reset."""

    ignore_space: bool = True
    filter: bool = False
    correct: int = 0
    n: int = 0
    edit_sum: float = 0.0

    def update(self, preds: Sequence[str], labels: Sequence[str]) -> None:
        """Add a batch of (predicted text, label text) pairs."""
        _check(preds, labels)
        for pred, label in zip(preds, labels):
            p = normalize_text(pred, ignore_space=self.ignore_space, filter=self.filter)
            t = normalize_text(label, ignore_space=self.ignore_space, filter=self.filter)
            self.correct += p == t
            self.edit_sum += normalized_levenshtein(p, t)
            self.n += 1

    def result(self) -> dict[str, float]:
        """``acc``, ``norm_edit_dis`` and ``n`` (as a float)."""
        if self.n == 0:
            return {"acc": 0.0, "norm_edit_dis": 0.0, "n": 0.0}
        return {"acc": self.correct / self.n, "norm_edit_dis": 1.0 - self.edit_sum / self.n,
                "n": float(self.n)}


def rec_metrics(
    preds: Sequence[str], labels: Sequence[str], *, ignore_space: bool = True, filter: bool = False
) -> dict[str, float]:
    """``acc`` and ``norm_edit_dis`` over N (prediction, label) pairs."""
    acc = RecAccumulator(ignore_space=ignore_space, filter=filter)
    acc.update(preds, labels)
    return acc.result()


def rec_accuracy(
    preds: Sequence[str], labels: Sequence[str], *, ignore_space: bool = True, filter: bool = False
) -> float:
    """Exact-match accuracy after normalisation."""
    return rec_metrics(preds, labels, ignore_space=ignore_space, filter=filter)["acc"]


def norm_edit_dis(
    preds: Sequence[str], labels: Sequence[str], *, ignore_space: bool = True, filter: bool = False
) -> float:
    """1 - mean normalised Levenshtein distance after normalisation."""
    return rec_metrics(preds, labels, ignore_space=ignore_space, filter=filter)["norm_edit_dis"]
