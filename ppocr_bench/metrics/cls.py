"""Direction-classifier accuracy (labels 0 / 180)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass
class ClsAccumulator:
    """Pools exact matches; ``result()`` does not reset. N == 0 gives acc 0.0."""

    correct: int = 0
    n: int = 0

    def update(self, preds: Sequence[int], labels: Sequence[int]) -> None:
        """Add a batch of predicted and true angles (0 or 180)."""
        if len(preds) != len(labels):
            raise ValueError(f"{len(preds)} predictions but {len(labels)} labels")
        self.correct += sum(int(p) == int(t) for p, t in zip(preds, labels))
        self.n += len(preds)

    def result(self) -> dict[str, float]:
        """``acc`` and ``n`` (as a float)."""
        return {"acc": self.correct / self.n if self.n else 0.0, "n": float(self.n)}


def cls_accuracy(preds: Sequence[int], labels: Sequence[int]) -> float:
    """Fraction of predictions equal to their label."""
    acc = ClsAccumulator()
    acc.update(preds, labels)
    return acc.result()["acc"]
