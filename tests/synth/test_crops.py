"""Detector-like rec/cls crops and their degradations: the box holds all the ink, each option
off removes its effect and nothing else, determinism, and the streamed lines built on them."""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np
import pytest
from test_render import DEJAVU, load_face

from ppocr_bench.data.transforms import crop_polygon
from ppocr_bench.synth import crops, render
from ppocr_bench.synth.crops import (
    Box, Degradation, cut, detector_crop, detector_quad, draw_box, plan_degradation,
)
from ppocr_bench.synth.realism import BASE, LEGACY, SWITCHES, parse_realism
from ppocr_bench.synth.render import render_line_image

CLEAN = parse_realism("-photos,-blur,-lowres,-jpeg,-light")  # detector boxes only
FAMILIES = ("light", "blur", "lowres", "jpeg")


def _polygons() -> list[np.ndarray]:
    """A straight word, a turned line, a vertical column and a curved (2k-point) line."""
    straight = np.array([[40, 50], [160, 50], [160, 80], [40, 80]], np.float64)
    m = cv2.getRotationMatrix2D((150, 120), 25, 1.0)
    turned = np.c_[np.array([[60, 100], [260, 100], [260, 136], [60, 136]]), np.ones(4)] @ m.T
    column = np.array([[200, 20], [232, 20], [232, 200], [200, 200]], np.float64)
    xs = np.linspace(40, 240, 5)
    top = np.c_[xs, 160 + 0.002 * (xs - 140) ** 2]
    curved = np.r_[top, top[::-1] + [0, 30]]
    return [straight, turned, column, curved]


def _inside(points: np.ndarray, quad: np.ndarray, tol: float = 0.01) -> bool:
    """Every point inside the convex quad (corners in order, either winding), to ``tol`` px."""
    quad = quad.astype(np.float64)
    edges = np.roll(quad, -1, axis=0) - quad
    rel = points[:, None, :] - quad[None, :, :]
    cross = edges[None, :, 0] * rel[..., 1] - edges[None, :, 1] * rel[..., 0]
    dist = cross / np.hypot(edges[:, 0], edges[:, 1])[None, :]
    return bool((dist >= -tol).all() or (dist <= tol).all())


def _ink_mass(img: np.ndarray) -> float:
    return float((255.0 - cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)).sum())


def test_the_detector_box_holds_the_whole_polygon():
    margins_seen = []
    for k, poly in enumerate(_polygons()):
        for seed in range(200):
            box = draw_box(np.random.default_rng([k, seed]))
            quad = detector_quad(poly, box)
            assert quad.shape == (4, 2) and _inside(poly, quad), (k, seed, box)
            margins_seen += [*box.ends, *box.edges]
    assert min(margins_seen) < 0 < max(margins_seen) and max(margins_seen) > 0.3  # can fail


def test_negative_margins_stop_at_the_ink_and_turns_stay_small():
    poly = _polygons()[0]
    tight = detector_quad(poly, Box((-0.03, -0.03), (-0.03, -0.03)))
    np.testing.assert_allclose(tight, poly, atol=1e-4)
    long_line = np.array([[0, 0], [2000, 0], [2000, 40], [0, 40]], np.float64)
    turned = detector_quad(long_line, Box(turn=1.0))
    assert turned[3, 1] - turned[0, 1] <= 40 * (1 + crops.MAX_TILT) + 1e-6  # barely taller
    word = detector_quad(poly, Box(turn=1.0))
    angle = np.degrees(np.arctan2(*(word[1] - word[0])[::-1]))
    assert abs(abs(angle) - crops.MAX_TURN) < 1e-6


def test_page_crops_keep_all_the_ink_of_the_instance():
    """Black text boxes on white: the detector's crop holds all the page's ink (a crop that cut
    into the box would lose some, which the last check shows can happen)."""
    for k, poly in enumerate(_polygons()[:3]):  # the rectified straight boxes
        page = np.full((260, 320, 3), 255, np.uint8)
        centre = poly.mean(axis=0)
        inset = centre + (poly - centre) * (1 - 2.0 / np.ptp(poly, axis=0).min())  # ink, 1 px in
        cv2.fillPoly(page, [np.round(inset * 16).astype(np.int32)], (0, 0, 0), shift=4)
        total = _ink_mass(page)
        for seed in range(30):
            rng = np.random.default_rng([k, seed])
            crop = detector_crop(rng, page, poly, CLEAN)
            quad = detector_quad(poly, draw_box(np.random.default_rng([k, seed])))
            x, y = quad[:, 0].astype(np.float64), quad[:, 1].astype(np.float64)
            area = abs(x @ np.roll(y, -1) - y @ np.roll(x, -1)) / 2
            scale = crop.shape[0] * crop.shape[1] / area  # the crop's sizes are whole pixels
            assert abs(_ink_mass(crop) - total * scale) <= 0.02 * total, (k, seed)
        shrunk = centre + (poly - centre) * 0.85
        assert _ink_mass(crop_polygon(page, shrunk.astype(np.float32))) < 0.9 * total


def test_cut_keeps_the_ink_and_maps_its_polygon():
    mask = np.zeros((200, 400), np.uint8)
    ink = np.array([[100, 80], [300, 80], [300, 120], [100, 120]], np.float64)
    mask[80:120, 100:300] = 255
    canvas = np.repeat(mask[:, :, None], 3, axis=2)
    for seed in range(40):
        quad = detector_quad(ink, draw_box(np.random.default_rng(seed)))
        out, poly = cut(canvas, quad, 32, ink)
        tl, tr, _, bl = quad
        across = abs(np.cross(np.r_[tr - tl, 0], np.r_[bl - tl, 0])[2]) / np.hypot(*(tr - tl))
        scale = 32 / across
        assert out.shape[0] == 32
        assert abs(out[..., 0].astype(float).sum() - mask.astype(float).sum() * scale**2) \
            <= 0.04 * mask.astype(float).sum() * scale**2, seed
        assert (poly >= -0.5).all() and (poly[:, 0] <= out.shape[1] + 0.5).all() \
            and (poly[:, 1] <= 32.5).all()


@pytest.mark.parametrize("family", FAMILIES)
def test_each_degradation_family_off_removes_only_its_own_effect(family):
    off = parse_realism(f"-{family}")
    drawn = 0
    for seed in range(300):
        on_plan = plan_degradation(np.random.default_rng(seed), 32, BASE)
        off_plan = plan_degradation(np.random.default_rng(seed), 32, off)
        fields = {"light": ("light", "gamma"), "blur": ("sigma", "kernel"),
                  "lowres": ("lowres", "area"), "jpeg": ("quality",)}[family]
        blank = _fields(Degradation())
        assert _fields(off_plan) == {**_fields(on_plan), **{f: blank[f] for f in fields}}, seed
        drawn += _fields(on_plan) != _fields(off_plan)
    share = {"light": crops.P_LIGHT, "blur": crops.P_BLUR, "lowres": crops.P_LOWRES,
             "jpeg": crops.P_JPEG}[family]
    assert abs(drawn / 300 - share) < 0.08


def _fields(plan: Degradation) -> dict:
    out = {f: getattr(plan, f) for f in Degradation.__dataclass_fields__}
    if out["kernel"] is not None:
        out["kernel"] = out["kernel"].tobytes()  # comparable
    return out


def test_a_page_crop_draws_fewer_camera_degradations_but_as_many_low_resolutions():
    plans = [plan_degradation(np.random.default_rng(s), 32, BASE, page_finished=True)
             for s in range(600)]
    assert abs(np.mean([p.quality > 0 for p in plans]) - crops.P_JPEG * crops.PAGE_FACTOR) < 0.06
    assert abs(np.mean([p.lowres > 0 for p in plans]) - crops.P_LOWRES) < 0.06
    for p in plans:
        assert p.quality == 0 or crops.JPEG_QUALITY[0] <= p.quality <= crops.JPEG_QUALITY[1]
        assert p.lowres == 0 or crops.LOWRES_PX[0] <= p.lowres <= crops.LOWRES_PX[1]


def test_degradations_do_what_they_say():
    rng = np.random.default_rng(0)
    img = np.ascontiguousarray(np.repeat(rng.integers(0, 256, (40, 120, 1), np.uint8), 3, axis=2))
    assert np.array_equal(Degradation().apply(img), img)  # nothing on: untouched
    jpeg = Degradation(quality=20).apply(img)
    assert jpeg.shape == img.shape and np.abs(jpeg.astype(int) - img).mean() > 5
    low = Degradation(lowres=10).apply(img)
    assert low.shape == img.shape and cv2.Laplacian(low, cv2.CV_32F).var() < 0.2 * cv2.Laplacian(
        img, cv2.CV_32F).var()
    for blur in (Degradation(sigma=1.5), Degradation(kernel=crops.motion_kernel(7, 30)),
                 Degradation(kernel=crops.disc_kernel(2.0))):
        assert blur.apply(img).std() < 0.8 * img.std()
    flat = np.full((40, 120, 3), 200, np.uint8)
    shaded = Degradation(light=("shadow", 0.0, 0.5, 0.5, 0.05)).apply(flat)
    assert shaded[:, :10].mean() > 190 and shaded[:, -10:].mean() < 120
    assert Degradation(light=("gradient", 0.0, 0.4, 0.0, 0.0)).gain == pytest.approx(0.6)


def test_page_crops_are_not_blurred_past_legibility():
    """Faint text (40 grey levels): a crop's own blur and low resolution are dropped rather
    than leave it below MIN_CROP_CONTRAST; sharp crops keep theirs."""
    page = np.full((120, 320, 3), 190, np.uint8)
    cv2.putText(page, "BOUTIQUES", (20, 80), cv2.FONT_HERSHEY_SIMPLEX, 1.2, (150, 150, 150), 2)
    poly = np.array([[18, 50], [262, 50], [262, 84], [18, 84]], np.float64)
    blurs = parse_realism("-jpeg,-light")
    sharp = parse_realism("-blur,-lowres,-jpeg,-light")
    kept = dropped = 0
    for seed in range(150):
        out = detector_crop(np.random.default_rng(seed), page, poly, blurs)
        plain = detector_crop(np.random.default_rng(seed), page, poly, sharp)
        assert crops.otsu_contrast(out) >= min(crops.MIN_CROP_CONTRAST,
                                               crops.otsu_contrast(plain)) - 1e-6, seed
        same = out.shape == plain.shape and np.array_equal(out, plain)
        kept, dropped = kept + (not same), dropped + same
    assert kept > 10 and dropped > 10  # mild ones kept, strong ones dropped
    inked = page.copy()
    cv2.putText(inked, "BOUTIQUES", (20, 80), cv2.FONT_HERSHEY_SIMPLEX, 1.2, (0, 0, 0), 3)
    changed = sum(not np.array_equal(detector_crop(np.random.default_rng(s), inked, poly, blurs),
                                     detector_crop(np.random.default_rng(s), inked, poly, sharp))
                  for s in range(60))
    assert abs(changed / 60 - (1 - (1 - crops.P_BLUR * crops.PAGE_FACTOR) * (1 - crops.P_LOWRES))) \
        < 0.15  # strong text keeps every blur and low resolution drawn


def test_detector_crop_is_deterministic_and_without_options_is_the_old_crop():
    page = np.random.default_rng(5).integers(0, 256, (260, 320, 3), np.uint8)
    poly = _polygons()[1]
    a = detector_crop(np.random.default_rng(1), page, poly, BASE)
    b = detector_crop(np.random.default_rng(1), page, poly, BASE)
    c = detector_crop(np.random.default_rng(2), page, poly, BASE)
    assert np.array_equal(a, b) and not (a.shape == c.shape and np.array_equal(a, c))
    none = parse_realism(",".join(f"-{s}" for s in SWITCHES))
    old = crop_polygon(page, poly.astype(np.float32))
    assert np.array_equal(detector_crop(np.random.default_rng(1), page, poly, none), old)


# ---------------------------------------------------------------- streamed lines
def test_streamed_lines_are_deterministic_and_hold_the_whole_ink():
    face = load_face(DEJAVU)
    for seed in range(40):
        text = ("SALE", "Theatre 24/7", "www.example.com", "price $12.99 only today")[seed % 4]
        a, poly = render_line_image(text, face, np.random.default_rng(seed), 48, BASE)
        b, _ = render_line_image(text, face, np.random.default_rng(seed), 48, BASE)
        c, _ = render_line_image(text, face, np.random.default_rng(seed + 100), 48, BASE)
        assert a.shape[0] == 48 and a.dtype == np.uint8 and np.array_equal(a, b)
        assert not (a.shape == c.shape and np.array_equal(a, c))
        pts = np.array(poly)
        assert (pts >= -0.5).all() and (pts[:, 0] <= a.shape[1] + 0.5).all() \
            and (pts[:, 1] <= 48.5).all(), seed


def test_without_crops_lines_are_straight_with_small_margins_and_no_neighbours(monkeypatch):
    face = load_face(DEJAVU)
    off = parse_realism("-crops")
    for seed in range(20):
        img, poly = render_line_image("Opening 9:30", face, np.random.default_rng(seed), 32, off)
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = poly
        assert abs(y0 - y1) < 1e-6 and abs(x1 - x2) < 1e-6 and abs(y2 - y3) < 1e-6
        assert 0 < y0 and y2 < 32 and 0 < x0 and x1 < img.shape[1]
    for name in ("P_ABOVE", "P_BELOW", "P_BEFORE", "P_AFTER"):
        monkeypatch.setattr(render, name, 1.0)
    for seed in range(5):  # neighbours on for sure: crops off still draws none
        a, _ = render_line_image("Opening 9:30", face, np.random.default_rng(seed), 32, off)
        monkeypatch.setattr(render, "P_ABOVE", 0.0)
        b, _ = render_line_image("Opening 9:30", face, np.random.default_rng(seed), 32, off)
        monkeypatch.setattr(render, "P_ABOVE", 1.0)
        assert np.array_equal(a, b)


def test_neighbours_show_only_outside_the_line_and_only_with_crops(monkeypatch):
    face = load_face(DEJAVU)
    shown = 0
    for seed in range(30):
        images = []
        for p in (0.0, 1.0):
            for name in ("P_ABOVE", "P_BELOW", "P_BEFORE", "P_AFTER"):
                monkeypatch.setattr(render, name, p)
            images.append(render_line_image("Hamburg", face, np.random.default_rng(seed), 40,
                                            CLEAN))
        (a, poly), (b, _) = images
        assert a.shape == b.shape
        inside = np.zeros(a.shape[:2], np.uint8)
        shrunk = np.array(poly) + (np.mean(poly, axis=0) - np.array(poly)) * 0.08
        cv2.fillPoly(inside, [np.round(shrunk).astype(np.int32)], 1)
        diff = np.abs(a.astype(int) - b).max(axis=2) > 0
        assert not (diff & (inside > 0)).any(), seed
        shown += bool(diff.any())
    assert 3 <= shown <= 28  # loose boxes show their neighbours sometimes, not always


def test_lines_take_photo_patches_or_fall_back(monkeypatch):
    import ppocr_bench.synth.render as photos  # line_patch as the line renderer calls it

    face = load_face(DEJAVU)
    calls = []
    monkeypatch.setattr(photos, "line_patch", lambda rng, h, w, realism: calls.append((h, w)))
    img, _ = render_line_image("Exit", face, np.random.default_rng(0), 32, BASE)  # None: fallback
    assert calls and img.shape[0] == 32
    flat = lambda rng, h, w, realism: np.full((h, w, 3), 90, np.uint8)  # noqa: E731
    monkeypatch.setattr(photos, "line_patch", flat)
    img, _ = render_line_image("Exit", face, np.random.default_rng(0), 32,
                               replace(CLEAN, photos=True))
    assert np.median(img) == pytest.approx(90, abs=6)
    calls.clear()
    monkeypatch.setattr(photos, "line_patch", lambda *a: calls.append(a))
    render_line_image("Exit", face, np.random.default_rng(0), 32, parse_realism("-photos"))
    assert not calls


def test_legacy_lines_take_the_old_path():
    face = load_face(DEJAVU)
    a = render_line_image("Hello 123", face, np.random.default_rng(3), 32)
    b = render_line_image("Hello 123", face, np.random.default_rng(3), 32, LEGACY)
    assert np.array_equal(a[0], b[0]) and a[1] == b[1]
