import cv2
import numpy as np
import pytest

from ppocr_bench.train.det_augment import DetAugment, choose_crop, det_augment
from ppocr_bench.train.line_augment import LineAugment, line_augment, mls_warp
from ppocr_bench.train.randaugment import OPS, RandAugment, _op, rand_augment

QUAD = np.array([[60.0, 50.0], [220.0, 70.0], [212.0, 120.0], [52.0, 100.0]])


def _inked_page() -> np.ndarray:
    img = np.zeros((200, 300, 3), np.uint8)
    cv2.fillPoly(img, [np.round(QUAD).astype(np.int32)], (255, 255, 255))
    return img


def _mask(poly: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    m = np.zeros(shape, np.uint8)
    cv2.fillPoly(m, [np.round(poly).astype(np.int32)], 1)
    return m.astype(bool)


@pytest.mark.parametrize("aug", [
    DetAugment(rotate=False, scale=False, crop=False, flip_prob=1.0),  # flip only
    DetAugment(flip=False, scale=False, crop=False),                   # rotate only
    DetAugment(flip=False, rotate=False, crop=False),                  # scale only
    DetAugment(flip=False, rotate=False, scale=False),                 # crop only
    DetAugment(),                                                       # all
], ids=["flip", "rotate", "scale", "crop", "all"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_det_polygon_follows_its_ink(aug, seed):
    out, polys, _ignore = det_augment(_inked_page(), [QUAD], [False], 128, aug,
                                     np.random.default_rng(seed))
    assert out.shape == (128, 128, 3) and len(polys) == 1
    ink = out[..., 0] > 127
    region = _mask(polys[0], ink.shape)
    grown = cv2.dilate(region.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
    assert ink.sum() > 50
    assert (ink & ~grown).sum() <= 0.02 * ink.sum()  # all ink inside the polygon
    iou = (ink & region).sum() / (ink | region).sum()
    assert iou > 0.8


def test_det_flip_mirrors_points():
    aug = DetAugment(rotate=False, scale=False, crop=False, flip_prob=1.0)
    img = np.zeros((128, 128, 3), np.uint8)
    _, polys, _ = det_augment(img, [QUAD / 3], [False], 128, aug, np.random.default_rng(0))
    np.testing.assert_allclose(polys[0][:, 0], 127 - QUAD[:, 0] / 3, atol=1e-4)
    np.testing.assert_allclose(polys[0][:, 1], QUAD[:, 1] / 3, atol=1e-4)


def test_crop_avoids_cutting_text_and_keeps_one_polygon():
    polys = [QUAD, QUAD + [0, 80]]
    for seed in range(10):
        x0, y0, x1, y1 = choose_crop(polys, [False, False], 300, 200, np.random.default_rng(seed))
        inside = [p[:, 0].min() >= x0 and p[:, 0].max() <= x1 and p[:, 1].min() >= y0
                  and p[:, 1].max() <= y1 for p in polys]
        assert any(inside)


def test_polygon_cut_by_crop_border_becomes_dont_care():
    aug = DetAugment(flip=False, rotate=False, crop=False, scale_range=(2.0, 2.0))
    # the whole 600 x 400 canvas is fitted, nothing is cut
    _, _, ignore = det_augment(_inked_page(), [QUAD], [False], 128, aug,
                               np.random.default_rng(0))
    assert ignore == [False]
    edge = np.array([[-20.0, 10.0], [40.0, 10.0], [40.0, 30.0], [-20.0, 30.0]])
    _, _, ignore = det_augment(_inked_page(), [edge], [False], 128, aug,
                               np.random.default_rng(0))
    assert ignore == [True]


def test_mls_warp_identity_and_shift():
    rng = np.random.default_rng(0)
    img = rng.integers(0, 255, (32, 64, 3), dtype=np.uint8)
    pts = np.array([[0, 0], [63, 0], [63, 31], [0, 31], [32, 0], [32, 31]], float)
    np.testing.assert_array_equal(mls_warp(img, pts, pts), img)
    shifted = mls_warp(img, pts, pts + [3, 0])  # content moves 3 px right
    np.testing.assert_array_equal(shifted[:, 3:], img[:, :-3])


ALL_LINE = LineAugment(tia_distort=True, tia_stretch=True, tia_perspective=True, prob=1.0)


def test_line_augment_is_deterministic_per_generator():
    rng_img = np.random.default_rng(3).integers(0, 255, (40, 160, 3), dtype=np.uint8)
    a = line_augment(rng_img, ALL_LINE, np.random.default_rng(7))
    b = line_augment(rng_img, ALL_LINE, np.random.default_rng(7))
    np.testing.assert_array_equal(a, b)
    assert a.dtype == np.uint8 and a.ndim == 3 and 30 <= a.shape[0] <= 40 and a.shape[1] == 160


def test_line_augment_off_is_identity():
    off = LineAugment(crop=False, blur=False, hsv=False, jitter=False, noise=False,
                      reverse=False, perspective=False)
    src = np.random.default_rng(3).integers(0, 255, (40, 160, 3), dtype=np.uint8)
    np.testing.assert_array_equal(line_augment(src, off, np.random.default_rng(0)), src)


@pytest.mark.parametrize("name", OPS)
def test_randaugment_ops_keep_shape_and_type(name):
    src = np.random.default_rng(1).integers(0, 255, (48, 192, 3), dtype=np.uint8)
    out = _op(name, src, 0.5, -1.0)
    assert out.shape == src.shape and out.dtype == np.uint8
    assert not np.array_equal(out, src) or name in ("autocontrast",)


def test_rand_augment_runs():
    src = np.random.default_rng(1).integers(0, 255, (48, 192, 3), dtype=np.uint8)
    out = rand_augment(src, RandAugment(prob=1.0), np.random.default_rng(0))
    assert out.shape == src.shape
