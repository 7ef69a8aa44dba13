"""Direction-classifier accuracy."""

from __future__ import annotations

import pytest

from ppocr_bench.metrics.cls import ClsAccumulator, cls_accuracy


@pytest.mark.parametrize(
    ("preds", "labels", "acc"),
    [([0, 180, 180, 0], [0, 180, 0, 0], 0.75), ([180], [0], 0.0), ([], [], 0.0)],
)
def test_cls_accuracy(preds: list[int], labels: list[int], acc: float) -> None:
    assert cls_accuracy(preds, labels) == pytest.approx(acc)


def test_accumulator() -> None:
    acc = ClsAccumulator()
    acc.update([0, 180], [0, 0])
    acc.update([180], [180])
    assert acc.result() == {"acc": pytest.approx(2 / 3), "n": 3.0}
    with pytest.raises(ValueError):
        acc.update([0], [])
