"""Scenes on photographs: the photo is really used, text stays legible blended or not, polygons
stay exact, pages are reproducible whatever the cache holds, and photos off (or legacy) draws
the procedural scenes. The fake sampler has no scene vocabulary: ``-vocab`` throughout."""

from __future__ import annotations

import json
from dataclasses import replace

import cv2
import numpy as np
import pytest
from cli_run import cli
from photo_fixtures import follows_gradient, make_photo
from PIL import Image
from test_render import DEJAVU, FakeSampler, face_set
from test_scene import check_page

from ppocr_bench.synth import photo_sources, photos
from ppocr_bench.synth.augment import luminance
from ppocr_bench.synth.realism import LEGACY, parse_realism
from ppocr_bench.synth.scene import make_scene, scene_with_ink

SEEDS = range(10)


@pytest.fixture
def photo_dir(photo_env):
    folder = photo_env / "photos"
    make_photo(folder / "a.jpg", (1200, 900), seed=0)
    make_photo(folder / "b.png", (1000, 800), seed=1)
    return folder


def _realism(text: str, folder) -> object:
    return parse_realism(f"{text},-vocab", (str(folder),))


def _background(labels: np.ndarray) -> np.ndarray:
    """Pixels at least 5 px from any ink."""
    return cv2.dilate((labels > 0).astype(np.uint8), np.ones((11, 11), np.uint8)) == 0


def _contrasts(page, labels) -> list[float]:
    """Per instance: |median luma of its ink core - median luma of a ring 3-4 px around it|."""
    lum = luminance(page.image)
    out = []
    for i in range(1, len(page.instances) + 1):
        ink = (labels == i).astype(np.uint8)
        core = cv2.erode(ink, np.ones((3, 3), np.uint8)) > 0
        core = core if core.sum() >= 10 else ink > 0
        ring = (cv2.dilate(ink, np.ones((9, 9), np.uint8)) > 0) & ~(
            cv2.dilate(ink, np.ones((5, 5), np.uint8)) > 0) & (labels == 0)
        out.append(abs(float(np.median(lum[core])) - float(np.median(lum[ring]))))
    return out


def test_photo_pages_use_the_photographs(photo_dir):
    faces, sampler = face_set("en"), FakeSampler("en")
    for text, lo, hi in (("-light", 4, 10), ("-photos,-light", 0, 0)):
        realism = _realism(text, photo_dir)
        follow = 0
        for seed in SEEDS:
            page, labels = scene_with_ink(np.random.default_rng(seed), sampler, faces,
                                          realism=realism)
            follow += follows_gradient(page.image, _background(labels))
        assert lo <= follow <= hi, (text, follow)


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_photo_scene_polygons_stay_exact(photo_dir, lang):
    faces, sampler = face_set(lang), FakeSampler(lang)
    realism, n = _realism("base", photo_dir), 0
    for seed in range(6):
        page, labels = scene_with_ink(np.random.default_rng(seed), sampler, faces,
                                      realism=realism)
        check_page(page, labels, faces)
        n += len(page.instances)
    assert n >= 3 * 6


@pytest.mark.parametrize("text,floor", [("-blur,-lowres,-jpeg,-light", 30.0),
                                        ("-blend,-blur,-lowres,-jpeg,-light", 30.0),
                                        ("base", 15.0), ("-blend", 15.0)])
def test_text_is_legible_blended_or_not(photo_dir, text, floor):
    faces, sampler = face_set("en"), FakeSampler("en")
    realism = _realism(text, photo_dir)
    values = []
    for seed in SEEDS:
        page, labels = scene_with_ink(np.random.default_rng(seed), sampler, faces,
                                      realism=realism)
        values += _contrasts(page, labels)
    values = np.array(values)
    assert len(values) >= 30 and values.min() >= floor, np.sort(values)[:5]
    assert np.mean(values >= 40) >= 0.9 and np.median(values) >= 60


def test_photo_scenes_are_deterministic_whatever_the_cache(photo_dir, photo_env):
    faces, sampler = face_set("en"), FakeSampler("en")
    realism = _realism("base", photo_dir)
    pages = [make_scene(np.random.default_rng(seed), sampler, faces, realism=realism)
             for seed in (0, 0, 1)]
    assert list((photo_env / "cache" / "backgrounds").iterdir())
    photos.clear_caches()  # a new process: copies read back from the cache
    again = make_scene(np.random.default_rng(0), sampler, faces, realism=realism)
    for other in (pages[1], again):
        assert np.array_equal(pages[0].image, other.image)
        assert [i.points for i in pages[0].instances] == [i.points for i in other.instances]
    assert pages[0].image.shape != pages[2].image.shape or not np.array_equal(
        pages[0].image, pages[2].image)


def test_legacy_ignores_background_dirs(photo_dir):
    faces, sampler = face_set("en"), FakeSampler("en")
    with_dirs = replace(LEGACY, background_dirs=(str(photo_dir),))
    a = make_scene(np.random.default_rng(2), sampler, faces, realism=with_dirs)
    b = make_scene(np.random.default_rng(2), sampler, faces, realism=LEGACY)
    assert np.array_equal(a.image, b.image)


def test_synth_command_with_a_background_dir_and_preview(photo_dir, photo_env):
    out = photo_env / "out"
    env = {"PPOCR_BENCH_CACHE": str(photo_env / "cache"), photo_sources.ROOT_ENV: ""}
    proc = cli("synth", "--lang", "en", "--kind", "scene", "--count", "4", "--seed", "1",
               "--font-dir", DEJAVU.parent, "--background-dir", photo_dir, "--out", out,
               "--preview", env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    follow = 0
    for line in (out / "det" / "label.txt").read_text(encoding="utf-8").splitlines():
        path, _, labels = line.partition("\t")
        with Image.open(out / "det" / path) as im:
            page = np.asarray(im.convert("RGB"))
        keep = np.ones(page.shape[:2], np.uint8)
        for label in json.loads(labels):
            cv2.fillPoly(keep, [np.round(np.array(label["points"])).astype(np.int32)], 0)
        follow += follows_gradient(page, cv2.erode(keep, np.ones((15, 15), np.uint8)) > 0)
    assert follow >= 1
    with Image.open(out / "preview.png") as sheet:
        assert sheet.width > 1000 and sheet.height > 300
        thumbs = np.asarray(sheet.convert("RGB"))[8:300, 8:1500]
    # the sheet's first row is the pages: their red and green channels vary as the photo's
    assert thumbs[..., 0].std() > 20 and thumbs[..., 1].std() > 20
    manifest = json.loads((out / "manifest.json").read_text())
    assert str(photo_dir) in manifest["command"]
