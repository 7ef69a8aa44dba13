"""Hand-computed recognition accuracy and normalised edit distance."""

from __future__ import annotations

import pytest

from ppocr_bench.metrics.rec import (
    RecAccumulator,
    normalized_levenshtein,
    norm_edit_dis,
    normalize_text,
    rec_accuracy,
    rec_metrics,
)


@pytest.mark.parametrize(
    ("text", "ignore_space", "filter", "expected"),
    [
        ("Hello World", True, False, "HelloWorld"),
        ("Hello World", False, False, "Hello World"),
        ("Hello, World! 42", True, True, "helloworld42"),
        ("Hello, World! 42", False, True, "helloworld42"),
        ("Café 北京 x", True, True, "cafx"),
    ],
)
def test_normalize_text(text: str, ignore_space: bool, filter: bool, expected: str) -> None:
    assert normalize_text(text, ignore_space=ignore_space, filter=filter) == expected


PREDS = ["hello world", "Hello!", "abc", ""]
LABELS = ["helloworld", "hello", "abd", ""]


@pytest.mark.parametrize(
    ("ignore_space", "filter", "acc"),
    [
        (True, False, 2 / 4),  # "hello world" == "helloworld"; "" == ""
        (False, False, 1 / 4),  # only "" == ""
        (True, True, 3 / 4),  # "Hello!" -> "hello" too
        (False, True, 3 / 4),  # the filter drops spaces anyway
    ],
)
def test_accuracy(ignore_space: bool, filter: bool, acc: float) -> None:
    assert rec_accuracy(PREDS, LABELS, ignore_space=ignore_space, filter=filter) == pytest.approx(
        acc
    )


def test_norm_edit_dis_hand_values() -> None:
    # distances / max(len): "helloworld" vs itself 0; "Hello!" vs "hello": 2 edits / 6;
    # "abc" vs "abd": 1 / 3; "" vs "": 0
    expected = 1 - (0 + 2 / 6 + 1 / 3 + 0) / 4
    assert norm_edit_dis(PREDS, LABELS) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("pred", "label", "ned"),
    [("abc", "abc", 1.0), ("abc", "", 0.0), ("ab", "abcd", 0.5), ("kitten", "sitting", 1 - 3 / 7)],
)
def test_norm_edit_dis_single(pred: str, label: str, ned: float) -> None:
    assert norm_edit_dis([pred], [label]) == pytest.approx(ned)


def test_accumulator_pools_and_does_not_reset() -> None:
    acc = RecAccumulator()
    acc.update(["a", "b"], ["a", "c"])
    acc.update(["xy"], ["xy"])
    r = acc.result()
    assert r == {"acc": pytest.approx(2 / 3), "norm_edit_dis": pytest.approx(1 - 1 / 3), "n": 3.0}
    assert acc.result() == r
    assert rec_metrics(["a", "b", "xy"], ["a", "c", "xy"]) == r


def test_empty_and_length_mismatch() -> None:
    assert RecAccumulator().result() == {"acc": 0.0, "norm_edit_dis": 0.0, "n": 0.0}
    with pytest.raises(ValueError):
        rec_accuracy(["a"], [])


@pytest.mark.parametrize(
    ("a", "b", "d"),
    [("", "", 0.0), ("abc", "", 1.0), ("", "ab", 1.0), ("kitten", "sitting", 3 / 7),
     ("flaw", "lawn", 2 / 4), ("北京", "北方", 1 / 2), ("abc", "abc", 0.0)],
)
def test_normalized_levenshtein(a: str, b: str, d: float) -> None:
    assert normalized_levenshtein(a, b) == pytest.approx(d)
