"""Greedy CTC decoding."""

from __future__ import annotations

import numpy as np
import pytest

from ppocr_bench.errors import PpocrError
from ppocr_bench.postprocess.ctc import ctc_classes, ctc_greedy_decode

CHARSET = ["a", "b", "c"]  # classes: 0 blank, 1 a, 2 b, 3 c


def _probs(indices: list[int], n_classes: int, peak: list[float] | None = None) -> np.ndarray:
    peak = peak or [0.9] * len(indices)
    p = np.zeros((len(indices), n_classes), np.float32)
    for t, (i, v) in enumerate(zip(indices, peak)):
        p[t] = (1 - v) / (n_classes - 1)
        p[t, i] = v
    return p


@pytest.mark.parametrize(
    ("seq", "text"),
    [
        ([1, 1, 0, 1, 2, 2, 0, 0, 3], "aabc"),  # repeats merged, blank separates the two a's
        ([0, 0, 0], ""),
        ([2, 2, 2, 2], "b"),
        ([1, 0, 0, 1], "aa"),
        ([3, 2, 1], "cba"),
    ],
)
def test_decode_text(seq: list[int], text: str) -> None:
    [(out, _)] = ctc_greedy_decode(_probs(seq, 4)[None], CHARSET)
    assert out == text


def test_confidence_is_mean_of_kept_steps() -> None:
    seq = [1, 1, 0, 2]
    probs = _probs(seq, 4, [0.8, 0.5, 0.99, 0.6])
    [(text, conf)] = ctc_greedy_decode(probs[None], CHARSET)
    # kept steps: t=0 (a, 0.8) and t=3 (b, 0.6); t=1 is a repeat, t=2 a blank
    assert text == "ab" and conf == pytest.approx(0.7)
    [(text, conf)] = ctc_greedy_decode(_probs([0, 0], 4)[None], CHARSET)
    assert text == "" and conf == 0.0


def test_space_class_and_batch() -> None:
    assert ctc_classes(CHARSET, use_space_char=True) == ["<blank>", "a", "b", "c", " "]
    probs = np.stack([_probs([1, 4, 2], 5), _probs([3, 0, 3], 5)])
    out = ctc_greedy_decode(probs, CHARSET, use_space_char=True)
    assert [t for t, _ in out] == ["a b", "cc"]


def test_class_count_mismatch_is_an_error() -> None:
    with pytest.raises(PpocrError, match="5 classes"):
        ctc_greedy_decode(_probs([1], 5)[None], CHARSET)
