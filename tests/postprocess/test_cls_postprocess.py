"""Direction classifier decode and flip rule."""

from __future__ import annotations

import numpy as np
import pytest

from ppocr_bench.postprocess.cls import apply_flips, cls_decode, should_flip


def test_decode() -> None:
    out = cls_decode(np.array([[0.8, 0.2], [0.05, 0.95]]))
    assert out == [(0, pytest.approx(0.8)), (180, pytest.approx(0.95))]


@pytest.mark.parametrize(
    ("label", "score", "flip"),
    [(180, 0.95, True), (180, 0.9, False), (180, 0.5, False), (0, 0.99, False)],
)
def test_flip_rule(label: int, score: float, flip: bool) -> None:
    assert should_flip(label, score) is flip


def test_apply_flips_rotates_180() -> None:
    crop = np.arange(6, dtype=np.uint8).reshape(2, 3)
    kept, flipped = apply_flips([crop, crop], [(0, 0.99), (180, 0.99)])
    assert kept is crop
    assert np.array_equal(flipped, crop[::-1, ::-1])
