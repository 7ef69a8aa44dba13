"""Scene pages: determinism, polygons inside, tight around their ink, disjoint, faces cover text."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from shapely.geometry import LineString, MultiPoint, Polygon
from test_render import FakeSampler, face_set

from ppocr_bench.synth.page import Page
from ppocr_bench.synth.realism import parse_realism
from ppocr_bench.synth.scene import make_scene, scene_with_ink

SEEDS = range(5)


def _sides(pts: np.ndarray) -> list[np.ndarray]:
    """Top, right, bottom and left sides of a 4-point or 2k-point polygon."""
    k = len(pts) // 2
    top, bottom = pts[:k], pts[k:]
    return [top, np.stack([top[-1], bottom[0]]), bottom, np.stack([bottom[-1], top[0]])]


def check_page(page: Page, labels: np.ndarray, faces: list) -> None:
    """Every instance: inside the image, disjoint from the others, drawn by a covering face,
    its polygon holding >= 90% of its ink with no more than a few px of slack."""
    h, w = page.image.shape[:2]
    assert page.image.dtype == np.uint8 and page.image.shape[2] == 3 and labels.shape == (h, w)
    keys = {(str(f.path), f.index): f for f in faces}
    totals = np.bincount(labels.ravel(), minlength=len(page.instances) + 1)
    assert len(totals) == len(page.instances) + 1
    shapes = []
    for i, inst in enumerate(page.instances):
        pts = np.asarray(inst.points)
        assert len(pts) == 4 or (len(pts) % 2 == 0 and len(pts) >= 8), inst
        assert pts.min() >= 0 and pts[:, 0].max() <= w - 1 and pts[:, 1].max() <= h - 1
        assert keys[(inst.font, inst.face)].covers(inst.text) and inst.text.strip()
        poly = Polygon(pts)
        assert poly.is_valid and poly.area > 0
        x0, y0 = np.floor(pts.min(axis=0)).astype(int)
        x1, y1 = np.ceil(pts.max(axis=0)).astype(int) + 1
        inside = np.zeros((y1 - y0, x1 - x0), np.uint8)
        cv2.fillPoly(inside, [np.round((pts - [x0, y0]) * 16).astype(np.int32)], 1, shift=4)
        ink = labels[y0:y1, x0:x1] == i + 1
        assert ink[inside > 0].sum() >= 0.9 * totals[i + 1] > 0, inst.text
        assert totals[i + 1] > 0.1 * poly.area, inst.text
        edge = ink & ~cv2.erode(ink.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
        ys, xs = np.nonzero(edge)
        dots = MultiPoint(np.c_[xs + x0, ys + y0] + 0.5)
        for side in _sides(pts):  # each side touches the ink: at most ~3 px of slack
            assert LineString(side).distance(dots) <= 3.0, (inst.text, side)
        shapes.append(poly)
    for i, a in enumerate(shapes):
        for b in shapes[i + 1 :]:
            assert a.intersection(b).area < 1.0


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_scene_instances_are_valid(lang: str) -> None:
    faces = face_set(lang)
    n = 0
    for seed in SEEDS:
        page, labels = scene_with_ink(np.random.default_rng(seed), FakeSampler(lang), faces)
        assert page.kind == "scene" and 480 <= page.image.shape[0] <= 720
        check_page(page, labels, faces)
        n += len(page.instances)
    assert n >= 3 * len(SEEDS)


def test_scene_is_deterministic() -> None:
    faces, sampler = face_set("zh"), FakeSampler("zh")
    a = make_scene(np.random.default_rng(3), sampler, faces)
    b = make_scene(np.random.default_rng(3), sampler, faces)
    c = make_scene(np.random.default_rng(4), sampler, faces)
    assert np.array_equal(a.image, b.image)
    assert [i.points for i in a.instances] == [i.points for i in b.instances]
    assert [i.text for i in a.instances] == [i.text for i in b.instances]
    assert a.image.shape != c.image.shape or not np.array_equal(a.image, c.image)


def test_scene_size_and_ink_map_match_make_scene() -> None:
    faces, sampler = face_set("ko"), FakeSampler("ko")
    page = make_scene(np.random.default_rng(1), sampler, faces, size=(700, 500))
    again, labels = scene_with_ink(np.random.default_rng(1), sampler, faces, size=(700, 500))
    assert page.image.shape == (500, 700, 3) and np.array_equal(page.image, again.image)
    assert labels.max() == len(page.instances)


def test_scene_drops_text_no_face_covers() -> None:
    page = make_scene(np.random.default_rng(0), FakeSampler("ja"), face_set("en")[:1])
    assert page.instances == []


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_words_label_spaced_scene_text_word_by_word(lang: str) -> None:
    """``+words``: the same pixels, each spaced line's words boxed tight around their own ink;
    curved text keeps its lines."""
    faces, sampler = face_set(lang), FakeSampler(lang)
    lines_realism = parse_realism("-photos,-vocab")
    words_realism = parse_realism("-photos,-vocab,+words")
    split = 0
    for seed in SEEDS:
        lines, _ = scene_with_ink(np.random.default_rng(seed), sampler, faces,
                                  realism=lines_realism)
        words, labels = scene_with_ink(np.random.default_rng(seed), sampler, faces,
                                       realism=words_realism)
        assert np.array_equal(lines.image, words.image)
        check_page(words, labels, faces)
        assert [w for i in words.instances for w in i.text.split()] == \
            [w for i in lines.instances for w in i.text.split()]
        for inst in words.instances:
            assert " " not in inst.text or len(inst.points) > 4  # only curved lines keep spaces
        split += len(words.instances) - len(lines.instances)
    assert split > 5
