"""DB post-processing on synthetic probability maps."""

from __future__ import annotations

import numpy as np
import pytest

from ppocr_bench.postprocess.db import boxes_from_bitmap, db_postprocess, mini_box


def _prob_with_rect(h: int, w: int, x0: int, y0: int, x1: int, y1: int, p: float = 0.9):
    prob = np.zeros((h, w), np.float32)
    prob[y0 : y1 + 1, x0 : x1 + 1] = p
    return prob


def test_recovers_drawn_rectangle_within_2px() -> None:
    # pixels x 40..119, y 40..59 -> contour rectangle 79 x 19 (pixel centres), area 1501,
    # perimeter 196; unclip D = 1501 * 1.5 / 196 = 11.49 -> box x 28.5..130.5, y 28.5..70.5
    prob = _prob_with_rect(100, 160, 40, 40, 119, 59)
    [(boxes, scores)] = db_postprocess(prob[None, None], [(100, 160)])
    assert boxes.shape == (1, 4, 2) and boxes.dtype == np.float32
    expected = np.array([[28.5, 28.5], [130.5, 28.5], [130.5, 70.5], [28.5, 70.5]])
    assert np.abs(boxes[0] - expected).max() <= 2.0
    assert scores[0] == pytest.approx(0.9, abs=1e-5)


def test_rescales_to_source_size_and_clips() -> None:
    # map at half the source size; a box touching the border is clipped to [0, W] x [0, H]
    prob = _prob_with_rect(64, 96, 0, 10, 50, 29)
    [(boxes, _)] = db_postprocess(prob[None, None], [(128, 192)])
    b = boxes[0]
    assert b[:, 0].min() == 0.0  # clipped
    # y: unclip D = 50*19*1.5/138 = 10.33 -> 10 - 10.33 .. 29 + 10.33, times 2
    assert b[:, 1].min() == pytest.approx((10 - 10.33) * 2, abs=2.5)
    assert b[:, 1].max() == pytest.approx((29 + 10.33) * 2, abs=2.5)
    assert (b[:, 0] <= 192).all() and (b[:, 1] <= 128).all()


@pytest.mark.parametrize(
    ("rect", "p", "n"),
    [
        ((40, 40, 119, 59), 0.55, 0),  # above the 0.3 bitmap threshold but score < 0.6
        ((40, 40, 119, 41), 0.9, 0),  # 2 px high: short side 1 < 3
        ((40, 40, 119, 59), 0.25, 0),  # below the bitmap threshold
        ((40, 40, 119, 59), 0.61, 1),
    ],
)
def test_filters(rect, p: float, n: int) -> None:
    prob = _prob_with_rect(100, 160, *rect, p=p)
    boxes, scores = boxes_from_bitmap(prob, prob > 0.3, (100, 160))
    assert len(boxes) == len(scores) == n


def test_two_boxes_and_empty_map() -> None:
    prob = _prob_with_rect(100, 160, 10, 10, 60, 25) + _prob_with_rect(100, 160, 80, 60, 150, 80)
    boxes, scores = boxes_from_bitmap(prob, prob > 0.3, (100, 160))
    assert len(boxes) == 2
    empty = np.zeros((32, 32), np.float32)
    boxes, scores = boxes_from_bitmap(empty, empty > 0.3, (32, 32))
    assert boxes.shape == (0, 4, 2) and scores.shape == (0,)


def test_max_candidates() -> None:
    prob = np.zeros((100, 160), np.float32)
    for i in range(5):
        prob[10 + 18 * i : 20 + 18 * i, 10:100] = 0.9
    assert len(boxes_from_bitmap(prob, prob > 0.3, (100, 160), max_candidates=3)[0]) == 3


@pytest.mark.parametrize("angle", [0.0, 20.0, -35.0, 90.0])
def test_mini_box_order_is_clockwise_from_top_left(angle: float) -> None:
    t = np.deg2rad(angle)
    rot = np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])
    pts = np.array([[-30, -10], [30, -10], [30, 10], [-30, 10]]) @ rot.T + 100
    box, short = mini_box(pts)
    assert short == pytest.approx(20, abs=0.01)
    # clockwise on screen (y down) = positive shoelace sum in image coordinates
    x, y = box[:, 0], box[:, 1]
    assert np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)) > 0
    assert box[0, 0] <= box[1, 0] and box[3, 0] <= box[2, 0]  # first point on the left


@pytest.mark.parametrize("angle", [0.0, 15.0, -30.0])
def test_targets_postprocess_metric_agree(angle: float) -> None:
    """GT polygon -> shrink map as a perfect prob map -> boxes -> matched by the IoU metric."""
    from shapely.geometry import Polygon

    from ppocr_bench.data.db_targets import make_db_targets
    from ppocr_bench.metrics.det_iou import evaluate_image

    t = np.deg2rad(angle)
    rot = np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])
    gt = np.array([[-60, -16], [60, -16], [60, 16], [-60, 16]]) @ rot.T + [100, 80]
    maps = make_db_targets([gt], [False], (160, 200))
    [(boxes, _)] = db_postprocess(maps["shrink_map"][None, None] * 0.95, [(160, 200)])
    assert len(boxes) == 1
    iou = Polygon(gt).intersection(Polygon(boxes[0])).area / Polygon(gt).union(
        Polygon(boxes[0])).area
    # (shrink 0.4, unclip 1.5) is not an exact inverse: a 120 x 32 box comes back ~112 x 24
    assert iou > 0.65
    assert evaluate_image([gt], ["t"], boxes).matched == 1


def test_dilation_joins_blobs_one_pixel_apart() -> None:
    # Two rectangles with a one-pixel gap: two boxes without dilation, one with the 2 x 2 kernel.
    prob = _prob_with_rect(60, 120, 10, 20, 50, 35)
    prob[20:36, 52:100] = 0.9
    [(apart, _)] = db_postprocess(prob[None, None], [(60, 120)])
    [(joined, _)] = db_postprocess(prob[None, None], [(60, 120)], dilation=True)
    assert len(apart) == 2 and len(joined) == 1


def test_integer_boxes_are_rounded_source_pixels() -> None:
    prob = _prob_with_rect(64, 96, 20, 10, 50, 29)
    [(floats, _)] = db_postprocess(prob[None, None], [(100, 150)])
    [(ints, _)] = db_postprocess(prob[None, None], [(100, 150)], integer=True)
    assert np.array_equal(ints, np.round(floats))
