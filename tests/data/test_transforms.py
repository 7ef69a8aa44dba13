"""Det resize, normalization, crop rectification, cls/rec resize."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from ppocr_bench.data.transforms import (
    cls_resize_norm,
    crop_polygon,
    det_preprocess,
    det_resize_for_test,
    get_poly_crop_image,
    get_rotate_crop_image,
    normalize_image,
    rec_resize_norm,
)


@pytest.mark.parametrize(
    ("hw", "limit", "kind", "out_hw"),
    [
        ((100, 200), 736, "min", (736, 1472)),  # ratio 7.36
        ((700, 1000), 736, "min", (736, 1056)),  # 735.99.. -> 736; 1051 -> 33 * 32
        ((1000, 1000), 736, "min", (992, 992)),  # no resize, 1000 -> 31.25 * 32 -> 992
        ((1000, 3000), 960, "max", (320, 960)),  # ratio 0.32
        ((500, 700), 960, "max", (512, 704)),  # no resize, rounded to 32
        ((10, 10), 960, "max", (32, 32)),  # at least 32
    ],
)
def test_det_resize_for_test(hw, limit, kind, out_hw) -> None:
    img = np.zeros((*hw, 3), np.uint8)
    out, (rh, rw) = det_resize_for_test(img, limit, kind)
    assert out.shape == (*out_hw, 3)
    assert (rh, rw) == pytest.approx((out_hw[0] / hw[0], out_hw[1] / hw[1]))


def test_det_resize_rejects_unknown_limit_type() -> None:
    with pytest.raises(ValueError):
        det_resize_for_test(np.zeros((32, 32, 3), np.uint8), 736, "long")  # type: ignore[arg-type]


def test_normalize_is_bgr_in_list_order() -> None:
    img = np.zeros((2, 3, 3), np.uint8)
    img[..., 0] = 255  # blue channel (BGR)
    x = normalize_image(img)
    assert x.shape == (3, 2, 3) and x.dtype == np.float32
    assert x[0, 0, 0] == pytest.approx((1 - 0.485) / 0.229, rel=1e-5)
    assert x[1, 0, 0] == pytest.approx(-0.456 / 0.224, rel=1e-5)
    assert x[2, 0, 0] == pytest.approx(-0.406 / 0.225, rel=1e-5)
    chw, meta = det_preprocess(np.zeros((100, 200, 3), np.uint8), 736, "min")
    assert chw.shape == (3, 736, 1472) and meta == (100, 200, 7.36, 7.36)


def _rotated_text_image(angle: float) -> tuple[np.ndarray, np.ndarray]:
    """A 120 x 40 'text' box (left half 255, right half 100) rotated by angle around (150, 150)."""
    img = np.zeros((300, 300, 3), np.uint8)
    img[130:170, 90:150] = 255
    img[130:170, 150:210] = 100
    m = cv2.getRotationMatrix2D((150, 150), angle, 1.0)
    rotated = cv2.warpAffine(img, m, (300, 300), flags=cv2.INTER_LINEAR)
    corners = np.array([[90, 130], [210, 130], [210, 170], [90, 170]], np.float64)
    pts = (np.c_[corners, np.ones(4)] @ m.T).astype(np.float32)  # TL, TR, BR, BL after rotation
    return rotated, pts


@pytest.mark.parametrize("angle", [0.0, 30.0, -25.0])
def test_crop_rotated_rectangle_is_upright(angle: float) -> None:
    img, pts = _rotated_text_image(angle)
    crop = get_rotate_crop_image(img, pts)
    assert abs(crop.shape[0] - 40) <= 1 and abs(crop.shape[1] - 120) <= 1
    left, right = crop[5:-5, 5:55].mean(), crop[5:-5, 65:-5].mean()
    assert left == pytest.approx(255, abs=8) and right == pytest.approx(100, abs=8)


def test_tall_crop_is_rotated() -> None:
    img = np.zeros((200, 200, 3), np.uint8)
    img[20:60, 50:80] = 255  # top of a vertical column is bright
    pts = np.float32([[50, 20], [80, 20], [80, 140], [50, 140]])  # 30 wide, 120 high
    crop = get_rotate_crop_image(img, pts)
    assert crop.shape[:2] == (30, 120)  # rotated 90 degrees counter-clockwise
    assert crop[:, :30].mean() > 200 and crop[:, 60:].mean() < 5  # top went to the left


def test_poly_crop_with_two_pairs_equals_quad_crop() -> None:
    img, pts = _rotated_text_image(30.0)
    assert np.array_equal(get_poly_crop_image(img, pts), get_rotate_crop_image(img, pts))
    assert np.array_equal(crop_polygon(img, pts), get_rotate_crop_image(img, pts))


def test_curved_polygon_pieces_concatenate() -> None:
    img, _ = _rotated_text_image(0.0)
    # the same straight box as 6 points: top 90 -> 150 -> 210, bottom 210 -> 150 -> 90
    pts = np.float32([[90, 130], [150, 130], [210, 130], [210, 170], [150, 170], [90, 170]])
    crop = crop_polygon(img, pts)
    assert crop.shape[:2] == (40, 120)
    assert crop[5:-5, 5:55].mean() == pytest.approx(255, abs=8)
    assert crop[5:-5, 65:-5].mean() == pytest.approx(100, abs=8)
    with pytest.raises(ValueError):
        crop_polygon(img, pts[:5])


def test_cls_resize_keeps_ratio_and_pads() -> None:
    img = np.full((32, 64, 3), 255, np.uint8)
    x = cls_resize_norm(img)
    assert x.shape == (3, 48, 192) and x.dtype == np.float32
    assert np.allclose(x[:, :, :96], 1.0) and np.allclose(x[:, :, 96:], 0.0)
    wide = cls_resize_norm(np.zeros((10, 500, 3), np.uint8))
    assert np.allclose(wide, -1.0)  # squeezed to the full 192 width, no padding


@pytest.mark.parametrize(
    ("shape", "ratio", "out_w", "valid_w"),
    [((3, 48, 320), None, 320, 96), ((3, 32, 320), None, 320, 64), ((3, 48, 320), 10.0, 480, 96)],
)
def test_rec_resize(shape, ratio, out_w, valid_w) -> None:
    img = np.full((20, 40, 3), 0, np.uint8)  # aspect 2
    x = rec_resize_norm(img, shape, max_wh_ratio=ratio)
    assert x.shape == (3, shape[1], out_w)
    assert np.allclose(x[:, :, :valid_w], -1.0) and np.allclose(x[:, :, valid_w:], 0.0)


def test_rec_resize_gray_input() -> None:
    assert rec_resize_norm(np.zeros((20, 40), np.uint8)).shape == (3, 48, 320)
