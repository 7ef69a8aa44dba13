"""DB targets on hand-computable shapes."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

import ppocr_bench.data.db_targets as dbt
from ppocr_bench.data.db_targets import (
    make_db_targets,
    make_shrink_map,
    make_threshold_map,
    point_segment_distance,
    shrink_distance,
)

# 100 x 40 rectangle: area 4000, perimeter 280, D = 4000 * (1 - 0.16) / 280 = 12
RECT = np.array([[20, 30], [120, 30], [120, 70], [20, 70]], dtype=np.float64)
SHAPE = (100, 160)


def test_shrink_distance() -> None:
    assert shrink_distance(RECT) == pytest.approx(12.0)


def test_rectangle_shrink_map_and_mask() -> None:
    t = make_db_targets([RECT], [False], SHAPE)
    ys, xs = np.nonzero(t["shrink_map"])
    # shrunk by 12 on each side: x in [32, 108], y in [42, 58]; fillPoly includes the boundary
    assert (xs.min(), xs.max(), ys.min(), ys.max()) == (32, 108, 42, 58)
    assert t["shrink_map"].sum() == (108 - 32 + 1) * (58 - 42 + 1)
    # continuous area (100 - 24) * (40 - 24) = 1216 lies within the pixel count
    assert 1216 <= t["shrink_map"].sum() <= 1216 * 1.1
    assert set(np.unique(t["shrink_map"])) == {0.0, 1.0}
    assert (t["shrink_mask"] == 1).all()
    assert all(v.dtype == np.float32 and v.shape == SHAPE for v in t.values())


def test_rectangle_threshold_map() -> None:
    thr, mask = make_threshold_map([RECT], [False], SHAPE)
    assert thr.min() == pytest.approx(0.3) and thr.max() == pytest.approx(0.7)
    assert 0.3 - 1e-6 <= thr.min() and thr.max() <= 0.7 + 1e-6
    assert thr[50, 20] == pytest.approx(0.7)  # on the left edge: distance 0
    assert thr[50, 14] == pytest.approx(0.3 + 0.4 * (1 - 6 / 12))  # 6 px outside
    assert thr[50, 26] == pytest.approx(0.3 + 0.4 * (1 - 6 / 12))  # 6 px inside
    assert thr[50, 70] == pytest.approx(0.3)  # 20 px inside > D
    assert thr[5, 5] == pytest.approx(0.3)  # background
    # mask = rectangle dilated by 12 with round corners
    assert mask[50, 9] == 1 and mask[50, 5] == 0 and mask[50, 70] == 1
    assert mask[19, 70] == 1 and mask[16, 70] == 0
    assert mask[19, 9] == 0  # the corner of the bounding box lies outside the rounded corner


@pytest.mark.parametrize(
    ("poly", "ignore", "thresh_drawn"),
    [
        # '###': masked, no border either
        (RECT, True, False),
        # 6 px high: masked in the shrink map, border still drawn (as PaddleOCR)
        (np.array([[20, 30], [120, 30], [120, 36], [20, 36]], float), False, True),
        # area 0.5 < 1: masked, no border
        (np.array([[20, 30], [120, 30], [120, 30.005], [20, 30.005]], float), False, False),
    ],
)
def test_ignored_polygons_are_masked(poly: np.ndarray, ignore: bool, thresh_drawn: bool) -> None:
    smap, smask, ign = make_shrink_map([poly], [ignore], SHAPE)
    assert ign == [True]
    assert smap.sum() == 0
    inside = cv2.fillPoly(np.zeros(SHAPE, np.uint8), [poly.astype(np.int32)], 1).astype(bool)
    assert (smask[inside] == 0).all() and (smask[~inside] == 1).all()
    _, tmask = make_threshold_map([poly], [ignore], SHAPE)
    assert bool(tmask.any()) == thresh_drawn


def test_degenerate_shrink_is_masked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dbt, "offset_polygon", lambda poly, d: [])
    smap, smask, ign = make_shrink_map([RECT], [False], SHAPE)
    assert ign == [True] and smap.sum() == 0 and smask[50, 70] == 0 and smask[5, 5] == 1


def test_split_shrink_fills_all_pieces() -> None:
    # two 20 x 20 squares joined by a 2 px bridge: the shrink splits it at r = 0.4 and 0.8
    dumbbell = np.array([[10, 10], [30, 10], [30, 20], [40, 20], [40, 10], [60, 10], [60, 30],
                         [40, 30], [40, 22], [30, 22], [30, 30], [10, 30]], float)
    smap, _, ign = make_shrink_map([dumbbell], [False], SHAPE)
    n, _ = cv2.connectedComponents(smap.astype(np.uint8))
    assert ign == [False] and n - 1 == 2


def test_points_clipped_to_image() -> None:
    big = np.array([[-50, -50], [200, -50], [200, 200], [-50, 200]], float)
    smap, smask, ign = make_shrink_map([big], [False], SHAPE)
    assert ign == [False] and smap[50, 80] == 1 and smask.all()


def test_point_segment_distance() -> None:
    ys, xs = np.mgrid[0:3, 0:5].astype(float)
    d = point_segment_distance(xs, ys, np.array([[1.0, 0.0]]), np.array([[3.0, 0.0]]))
    assert d.shape == (1, 3, 5)
    assert d[0, 2, 2] == pytest.approx(2.0)  # perpendicular foot inside the segment
    assert d[0, 0, 4] == pytest.approx(1.0)  # beyond the end: distance to the end point
    assert d[0, 2, 0] == pytest.approx(np.hypot(1, 2))
    zero = point_segment_distance(xs, ys, np.array([[1.0, 1.0]]), np.array([[1.0, 1.0]]))
    assert zero[0, 1, 4] == pytest.approx(3.0)  # zero-length segment = point


def test_no_polygons() -> None:
    t = make_db_targets([], [], SHAPE)
    assert t["shrink_map"].sum() == 0 and t["shrink_mask"].all()
    assert t["threshold_mask"].sum() == 0 and np.allclose(t["threshold_map"], 0.3)
