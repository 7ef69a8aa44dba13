"""Hand-computed cases for the PaddleOCR detection IoU protocol."""

from __future__ import annotations

import pytest

from ppocr_bench.metrics.det_iou import DetAccumulator, DetImageResult, det_scores, evaluate_image


def sq(x: float, y: float, w: float, h: float | None = None) -> list[list[float]]:
    h = w if h is None else h
    return [[x, y], [x + w, y], [x + w, y + h], [x, y + h]]


BOWTIE = [[0, 0], [10, 10], [10, 0], [0, 10]]
COLLINEAR = [[0, 0], [5, 0], [10, 0]]
ZERO_AREA = [[0, 0], [10, 0], [10, 0], [0, 0]]
TWO_POINTS = [[0, 0], [10, 10]]


@pytest.mark.parametrize(
    ("gt", "texts", "pred", "expected"),
    [
        # identical polygons
        ([sq(0, 0, 10)], ["a"], [sq(0, 0, 10)], (1, 1, 1)),
        # IoU 100 / 150 = 0.667 -> match
        ([sq(0, 0, 10)], ["a"], [sq(0, 0, 10, 15)], (1, 1, 1)),
        # IoU exactly 0.5 (10x10 inside 10x20: 100 / 200) -> no match, '>' is strict
        ([sq(0, 0, 10)], ["a"], [sq(0, 0, 10, 20)], (1, 1, 0)),
        # IoU exactly 1/3 (half overlap of equal squares): 50 / 150
        ([sq(0, 0, 10)], ["a"], [sq(5, 0, 10)], (1, 1, 0)),
        # bow-tie prediction skipped: not counted as a prediction at all
        ([sq(0, 0, 10)], ["a"], [BOWTIE], (1, 0, 0)),
        # bow-tie GT skipped: no cared GT remains
        ([BOWTIE], ["a"], [sq(0, 0, 10)], (0, 1, 0)),
        # degenerate polygons (collinear, zero area, two points) skipped on both sides
        ([COLLINEAR, ZERO_AREA, TWO_POINTS], ["a", "b", "c"],
         [COLLINEAR, ZERO_AREA, TWO_POINTS], (0, 0, 0)),
        # don't-care GT ('###' and '*') are not counted; a prediction on them is don't-care
        ([sq(0, 0, 10), sq(50, 0, 10)], ["###", "a"], [sq(0, 0, 10), sq(50, 0, 10)], (1, 1, 1)),
        ([sq(0, 0, 10)], ["*"], [sq(0, 0, 10)], (0, 0, 0)),
        # prediction 60% inside a don't-care GT -> don't-care (10x10 pred, 6x10 overlap)
        ([sq(0, 0, 10)], ["###"], [sq(4, 0, 10)], (0, 0, 0)),
        # exactly 50% inside -> still cared (strict >), and unmatched
        ([sq(0, 0, 10)], ["###"], [sq(5, 0, 10)], (0, 1, 0)),
        # a large prediction covering a small don't-care GT is NOT don't-care (covers 1%)
        ([sq(0, 0, 10)], ["###"], [sq(0, 0, 100)], (0, 1, 0)),
        # empty predictions
        ([sq(0, 0, 10), sq(20, 0, 10)], ["a", "b"], [], (2, 0, 0)),
        # empty GT
        ([], [], [sq(0, 0, 10)], (0, 1, 0)),
        # nothing at all
        ([], [], [], (0, 0, 0)),
        # two predictions on one GT: only one matches, the other is a false positive
        ([sq(0, 0, 10)], ["a"], [sq(0, 0, 10), sq(1, 0, 10)], (1, 2, 1)),
        # one prediction on two GT: matches the first GT only
        ([sq(0, 0, 10), sq(0, 0, 10)], ["a", "b"], [sq(0, 0, 10)], (2, 1, 1)),
    ],
)
def test_evaluate_image_counts(gt, texts, pred, expected) -> None:
    r = evaluate_image(gt, texts, pred)
    assert (r.gt_care, r.det_care, r.matched) == expected


def test_greedy_order_and_pairs_index_inputs() -> None:
    # GT 0 could take either prediction; greedy gives it the first one it meets (pred 1, since
    # pred 0 is a skipped bow-tie): pairs refer to the caller's indices, not filtered ones.
    gt = [sq(0, 0, 10), sq(100, 0, 10)]
    pred = [BOWTIE, sq(1, 0, 10), sq(100, 0, 10), sq(0, 1, 10)]
    r = evaluate_image(gt, ["a", "b"], pred)
    assert r.pairs == ((0, 1), (1, 2))
    assert (r.gt_care, r.det_care, r.matched) == (2, 3, 2)


def test_greedy_is_not_optimal_matching() -> None:
    # GT0 overlaps P0 (IoU 0.91) and P1 (IoU 0.6); greedy gives P0 to GT0 first.
    # GT1 only overlaps P0 -> left unmatched, although a perfect assignment existed
    # (GT0-P1, GT1-P0). PaddleOCR semantics: greedy in GT order, preds in order.
    gt0 = sq(0, 0, 10)  # [0, 10] x [0, 10]
    p0 = sq(0, 0, 10, 11)  # IoU(gt0, p0) = 100 / 110
    p1 = sq(-2.5, 0, 10)  # IoU(gt0, p1) = 75 / 125 = 0.6
    gt1 = sq(1, 0, 10, 11)  # IoU(gt1, p0) = 99 / 121; IoU(gt1, p1) = 65 / 145 < 0.5
    r = evaluate_image([gt0, gt1], ["a", "b"], [p0, p1])
    assert r.pairs == ((0, 0),)


@pytest.mark.parametrize(
    ("pred_text", "matched"), [("hello", 1), ("hell0", 0)],
)
def test_e2e_needs_equal_text(pred_text: str, matched: int) -> None:
    r = evaluate_image([sq(0, 0, 10)], ["hello"], [sq(0, 0, 10)], [pred_text], e2e=True)
    assert r.matched == matched


def test_e2e_skips_wrong_text_to_next_prediction() -> None:
    r = evaluate_image([sq(0, 0, 10)], ["ab"], [sq(0, 0, 10), sq(1, 0, 10)], ["xx", "ab"],
                       e2e=True)
    assert r.pairs == ((0, 1),)


def test_e2e_requires_texts() -> None:
    with pytest.raises(ValueError):
        evaluate_image([sq(0, 0, 10)], ["a"], [sq(0, 0, 10)], None, e2e=True)


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ((10, 8, 6), (6 / 8, 6 / 10, 2 * 0.75 * 0.6 / 1.35)),
        # empty-case conventions (documented choice): no GT and no preds -> all 1
        ((0, 0, 0), (1.0, 1.0, 1.0)),
        # GT but no predictions -> P = R = H = 0
        ((5, 0, 0), (0.0, 0.0, 0.0)),
        # predictions but no GT -> P = 0, R = 1 (nothing to find), H = 0
        ((0, 3, 0), (0.0, 1.0, 0.0)),
        # nothing matched
        ((4, 4, 0), (0.0, 0.0, 0.0)),
    ],
)
def test_det_scores(counts, expected) -> None:
    s = det_scores(*counts)
    assert (s["precision"], s["recall"], s["hmean"]) == pytest.approx(expected)


def test_pooled_over_two_images() -> None:
    acc = DetAccumulator()
    # image 1: 2 GT, 1 pred, 1 match; image 2: 1 GT, 3 preds, 1 match
    acc.update(evaluate_image([sq(0, 0, 10), sq(50, 0, 10)], ["a", "b"], [sq(0, 0, 10)]))
    acc.update(evaluate_image([sq(0, 0, 10)], ["c"],
                              [sq(0, 0, 10), sq(40, 0, 10), sq(80, 0, 10)]))
    res = acc.result()
    # pooled: P = 2/4, R = 2/3 (per-image averaging would give P = (1 + 1/3)/2, R = (1/2 + 1)/2)
    assert res["precision"] == pytest.approx(0.5)
    assert res["recall"] == pytest.approx(2 / 3)
    assert res["hmean"] == pytest.approx(2 * 0.5 * (2 / 3) / (0.5 + 2 / 3))
    assert (res["gt_care"], res["det_care"], res["matched"], res["images"]) == (3, 4, 2, 2)
    # result() does not reset
    assert acc.result() == res


def test_accumulator_empty_dataset() -> None:
    acc = DetAccumulator()
    assert acc.result()["hmean"] == 1.0
    acc.update(DetImageResult(gt_care=3, det_care=0, matched=0))
    assert acc.result()["recall"] == 0.0 and acc.result()["hmean"] == 0.0


def test_numpy_boxes_accepted() -> None:
    import numpy as np

    boxes = np.array([sq(0, 0, 10)], dtype=np.float32)  # N x 4 x 2 from the DB post-processing
    assert evaluate_image(list(boxes), ["a"], boxes).matched == 1


def test_evaluate_labels() -> None:
    from ppocr_bench.errors import PpocrError
    from ppocr_bench.metrics.det_iou import evaluate_labels

    gt = {"a.jpg": [{"transcription": "x", "points": sq(0, 0, 10)},
                    {"transcription": "###", "points": sq(50, 0, 10)}],
          "b.jpg": [{"transcription": "y", "points": sq(0, 0, 10)}]}
    pred = {"a.jpg": [{"transcription": "x", "points": sq(0, 0, 10)},
                      {"transcription": "", "points": sq(50, 0, 10)}]}
    res = evaluate_labels(gt, pred).result()
    assert (res["precision"], res["recall"], res["images"]) == (1.0, 0.5, 2.0)
    assert evaluate_labels(gt, {"a.jpg": [{"transcription": "z", "points": sq(0, 0, 10)}]},
                           e2e=True).matched == 0
    with pytest.raises(PpocrError, match="c.jpg"):
        evaluate_labels(gt, {"c.jpg": []})
