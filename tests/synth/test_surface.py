"""Low-texture regions, the plane a text lies on, blending, the camera finish's degradation
families, and the legibility of drawn text."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from ppocr_bench.synth import surface
from ppocr_bench.synth.augment import warp_points
from ppocr_bench.synth.contrast import drawn_legibility
from ppocr_bench.synth.finish import Finish, plan_photo
from ppocr_bench.synth.realism import BASE, LEGACY, parse_realism
from ppocr_bench.synth.surface import CELL, blend_text, find_surfaces, plane_homography


def test_regions_avoid_texture():
    rng = np.random.default_rng(0)
    img = np.full((400, 600, 3), 128, np.uint8)
    img[:, 300:] = rng.integers(0, 256, (400, 300, 3))  # busy right half
    found = find_surfaces(img)
    assert found.regions and all(r.box[2] <= 300 + 2 * CELL for r in found.regions)
    big = max(found.regions, key=lambda r: r.area)
    assert big.area > 0.8 * 300 * 400 and big.radius > 100
    assert found.pick(np.random.default_rng(1)) is big
    foot = np.array([[0, 0], [120, 0], [120, 30], [0, 30]], np.float64)
    spots = found.spots(big, foot)
    assert len(spots)
    for tx, ty in spots[:: max(1, len(spots) // 50)]:  # the box, jittered within a cell
        for jx, jy in ((0, 0), (CELL - 0.01, CELL - 0.01)):
            x0, y0 = int((tx + jx) // CELL), int((ty + jy) // CELL)
            x1, y1 = int((tx + jx + 120) // CELL), int((ty + jy + 30) // CELL)
            assert (found.labels[y0:y1 + 1, x0:x1 + 1] == big.label).all()
    assert not len(found.spots(big, foot * 10))  # too big for it


@pytest.mark.parametrize("degrees", [20.0, -15.0, 0.0])
def test_region_angle_follows_the_edges_around_it(degrees):
    h, w = 480, 640
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    rad = np.radians(degrees)  # bands along (cos, -sin): counter-clockwise on screen
    across = xs * np.sin(rad) + ys * np.cos(rad)
    img = np.repeat(np.where((across // 70) % 2 == 0, 70, 180).astype(np.uint8)[..., None], 3, 2)
    found = find_surfaces(img)
    big = max(found.regions, key=lambda r: r.area)
    assert big.coherence > 0.5 and abs(big.angle - degrees) < 3.0


def test_plane_homography():
    rng = np.random.default_rng(0)
    flat = plane_homography(rng, 200, 50, 0.0, 0.0, 800.0)
    assert np.allclose(flat / flat[2, 2], np.eye(3), atol=1e-6)
    turned = plane_homography(rng, 200, 50, 30.0, 0.0, 800.0)
    right = warp_points(turned, [[200, 25]])[0]
    assert right[1] < 25 - 40 and right[0] < 200  # counter-clockwise
    quad = warp_points(plane_homography(np.random.default_rng(3), 200, 50, 0.0, 45.0, 800.0),
                       [[0, 0], [200, 0], [200, 50], [0, 50]])
    left, right = quad[3, 1] - quad[0, 1], quad[2, 1] - quad[1, 1]
    assert abs(left - right) > 1.0  # seen in perspective: the sides differ in length


def _text_alpha(h: int = 60, w: int = 220) -> np.ndarray:
    alpha = np.zeros((h, w), np.uint8)
    cv2.putText(alpha, "Hello", (20, 45), cv2.FONT_HERSHEY_SIMPLEX, 1.4, 255, 4, cv2.LINE_AA)
    return alpha


@pytest.mark.parametrize("mode", list(surface.BLENDS))
def test_each_blend_mode_draws_the_text(monkeypatch, mode):
    monkeypatch.setattr(surface, "BLENDS", {m: float(m == mode) for m in surface.BLENDS})
    rng = np.random.default_rng(0)
    base = np.clip(rng.normal(170, 6, (60, 220, 3)), 0, 255).astype(np.uint8)
    alpha, work = _text_alpha(), base.copy()
    drawn = blend_text(np.random.default_rng(1), work, alpha, np.full(3, 20.0, np.float32))
    assert drawn == mode
    core, far = alpha >= 128, cv2.dilate(alpha, np.ones((9, 9), np.uint8)) == 0
    assert work[core].mean() < 110 and abs(work[far].mean() - base[far].mean()) < 3
    again = base.copy()
    blend_text(np.random.default_rng(1), again, alpha, np.full(3, 20.0, np.float32))
    assert np.array_equal(work, again)


def test_poisson_near_the_edge_paints(monkeypatch):
    monkeypatch.setattr(surface, "BLENDS", {m: float(m == "poisson") for m in surface.BLENDS})
    alpha = _text_alpha()
    alpha[:, :3] = 255
    work = np.full((60, 220, 3), 170, np.uint8)
    assert blend_text(np.random.default_rng(0), work, alpha, np.zeros(3, np.float32)) == "paint"


def test_drawn_legibility():
    assert drawn_legibility(np.array([20, 30, 40]), (100, 150), False) == 70.0
    assert drawn_legibility(np.array([200, 210, 220]), (100, 150), True, 0.5, 0.8) == 24.0
    assert drawn_legibility(np.array([120]), (100, 150), True) == 0.0


def test_legacy_finish_is_the_old_plan():
    for seed in range(20):
        a, b = np.random.default_rng(seed), np.random.default_rng(seed)
        old, new = plan_photo(a, 480, 640), plan_photo(b, 480, 640, LEGACY)
        assert old.lowres == new.lowres == 0 and old.quality == new.quality
        assert old.sigma == new.sigma and a.random() == b.random()


def test_camera_finish_families():
    plans = [plan_photo(np.random.default_rng(s), 480, 640, BASE) for s in range(300)]
    assert any(p.shade is not None for p in plans) and any(p.sigma > 0 for p in plans)
    assert any(p.motion is not None and p.motion.shape[0] > 5 for p in plans)
    lowres = [p.lowres for p in plans if p.lowres]
    assert lowres and min(lowres) >= 0.5 and max(lowres) <= 0.8
    assert min(p.quality for p in plans if p.quality) < 30
    off = parse_realism("-blur,-lowres,-jpeg,-light")
    for s in range(100):
        p = plan_photo(np.random.default_rng(s), 480, 640, off)
        assert (p.shade, p.sigma, p.motion, p.lowres, p.quality) == (None, 0.0, None, 0.0, 0)


def test_lowres_fades_thin_strokes_and_the_page():
    line = np.zeros((40, 120), np.uint8)
    line[19:21] = 255
    faded = Finish(lowres=0.5).fade(line)
    assert faded.shape == line.shape and faded.max() < 255 and faded.sum() > 0
    page = np.random.default_rng(0).integers(0, 256, (100, 120, 3)).astype(np.uint8)
    out = Finish(lowres=0.5).apply(np.random.default_rng(0), page)
    assert out.shape == page.shape and out.std() < page.std()
