"""Photographs as backgrounds: discovery (system tree, --background-dir), damaged files, the
downscaled cache, page crops and line patches."""

from __future__ import annotations

import os
import warnings
from dataclasses import replace

import numpy as np
import pytest
from cli_run import cli, one_line_error
from photo_fixtures import make_photo

from ppocr_bench.errors import PpocrError, PpocrWarning
from ppocr_bench.synth import photo_sources, photos
from ppocr_bench.synth.realism import BASE, LEGACY, parse_realism


def _system_tree(root):
    """A /usr/share-like tree: packaged photographs and art, a multi-resolution wallpaper, an
    unknown photograph, and files that are no photographs."""
    make_photo(root / "backgrounds/mate/nature/Aqua.jpg", (1000, 700))
    make_photo(root / "backgrounds/mate/abstract/Flow.png", (1000, 700))  # art: skipped
    make_photo(root / "backgrounds/gnome/adwaita-d.png", (1000, 700))  # art: skipped
    for size in ((640, 480), (1600, 1000), (800, 600)):
        make_photo(root / f"wallpapers/Path/contents/images/{size[0]}x{size[1]}.jpg", size)
    make_photo(root / "wallpapers/Path/contents/screenshot.jpg", (800, 600))
    make_photo(root / "backgrounds/holiday.png", (900, 1200))  # unknown: taken
    make_photo(root / "backgrounds/icon.jpg", (320, 240))  # too small
    (root / "backgrounds/logo.svg").write_text("<svg/>")


def test_system_tree_is_found_sorted_with_packages(tmp_path):
    _system_tree(tmp_path)
    found = photo_sources.system_photos(tmp_path)
    names = [str(p.path.relative_to(tmp_path)) for p in found]
    assert names == ["backgrounds/holiday.png", "backgrounds/mate/nature/Aqua.jpg",
                     "wallpapers/Path/contents/images/1600x1000.jpg"]
    assert [p.source for p in found] == ["system", "mate-backgrounds",
                                         "plasma-workspace-wallpapers"]
    assert found[1].license == "GPL-2+" and found[2].size == (1600, 1000)
    assert photo_sources.system_photos(tmp_path) == found


def test_background_dirs_come_first(tmp_path):
    _system_tree(tmp_path / "share")
    mine = make_photo(tmp_path / "mine" / "b.webp", (700, 700)).parent
    make_photo(mine / "sub" / "a.jpeg", (800, 600))
    found = photo_sources.find_photos((str(mine),), tmp_path / "share")
    assert [p.path.name for p in found[:2]] == ["b.webp", "a.jpeg"] and len(found) == 5
    assert {p.source for p in found[:2]} == {"background-dir"}
    rows = {row["source"]: row for row in photo_sources.source_rows(found, (str(mine),))}
    assert rows["background-dir"]["photos"] == 2 and rows["mate-backgrounds"]["photos"] == 1
    assert rows["lomiri-wallpapers-20.04"]["folder"] == "not installed"


@pytest.mark.parametrize("case", ["missing", "empty", "too small"])
def test_a_background_dir_without_photographs_is_an_error(tmp_path, case):
    folder = tmp_path / "photos"
    if case != "missing":
        folder.mkdir()
        (folder / "notes.txt").write_text("not a photo")
    if case == "too small":
        make_photo(folder / "small.jpg", (600, 400))
    needle = "no such folder" if case == "missing" else "no usable photograph"
    with pytest.raises(PpocrError, match=f"--background-dir {folder}: {needle}"):
        photo_sources.find_photos((str(folder),), None)


def test_unreadable_files_are_skipped_with_a_warning(photo_env):
    folder = photo_env / "photos"
    good = make_photo(folder / "b.jpg", (800, 600))
    (folder / "a.jpg").write_bytes(b"not a jpeg at all")
    with pytest.warns(PpocrWarning, match=r"a\.jpg: not a readable image"):
        found = photo_sources.find_photos((str(folder),), None)
    assert [p.path for p in found] == [good]
    # a header that reads but pixels that do not: skipped when first used, draws go on
    data = good.read_bytes()
    make_photo(folder / "c.jpg", (800, 600), seed=1)
    (folder / "a.jpg").write_bytes(data[: len(data) // 3])
    lib = photos.PhotoLibrary(photo_sources.find_photos((str(folder),), None))
    assert [p.path.name for p in lib.photos] == ["a.jpg", "b.jpg", "c.jpg"]
    with pytest.warns(PpocrWarning, match=r"a\.jpg: skipped as a background"):
        image = lib.image(0)
    assert image is not None and len(lib) == 2
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.array_equal(lib.image(0), image)  # no second warning


def test_cache_is_downscaled_atomic_and_keyed_by_mtime(photo_env):
    big = make_photo(photo_env / "p" / "big.png", (2400, 1200))
    photo = photo_sources.find_photos((str(big.parent),), None)[0]
    target = photos.cached_path(photo)
    assert target.parent == photo_env / "cache" / "backgrounds" and not target.exists()
    first = photos.load_photo(photo)
    assert first.shape == (800, 1600, 3) and target.is_file()
    assert [p.name for p in target.parent.iterdir()] == [target.name]  # no temporary left
    photos.clear_caches()
    assert np.array_equal(photos.load_photo(photo), first)  # read back from the cache
    assert photos.load_photo(photo, half=True).shape == (400, 800, 3)
    os.utime(photo.path, ns=(1, 1))
    assert photos.cached_path(photo) != target


def test_page_crop_and_line_patch(photo_env):
    folder = make_photo(photo_env / "p" / "a.jpg", (1200, 900)).parent
    realism = parse_realism("base", (str(folder),))
    lib = photos.realism_library(realism)
    page = photos.page_crop(np.random.default_rng(0), lib, 480, 640)
    assert page.shape == (480, 640, 3) and page.dtype == np.uint8
    again = photos.page_crop(np.random.default_rng(0), lib, 480, 640)
    assert np.array_equal(page, again)
    patch = photos.line_patch(np.random.default_rng(1), 32, 200, realism)
    assert patch.shape == (32, 200, 3) and patch.dtype == np.uint8
    assert np.array_equal(patch, photos.line_patch(np.random.default_rng(1), 32, 200, realism))
    assert not np.array_equal(patch, photos.line_patch(np.random.default_rng(2), 32, 200, realism))
    assert photos.line_patch(np.random.default_rng(1), 32, 200, LEGACY) is None
    assert photos.line_patch(np.random.default_rng(1), 32, 200, replace(realism, photos=False)) \
        is None


def test_line_patch_prefers_low_texture(photo_env):
    path = photo_env / "p" / "half.png"
    make_photo(path, (1000, 800))
    import cv2

    img = cv2.imread(str(path))
    img[:, 500:] = np.random.default_rng(0).integers(0, 256, img[:, 500:].shape)  # busy half
    cv2.imwrite(str(path), img)
    realism = parse_realism("base", (str(path.parent),))

    def busy(tries: int) -> float:
        patches = [photos.line_patch(np.random.default_rng(s), 32, 160, realism, tries=tries)
                   for s in range(30)]
        return float(np.mean([np.abs(np.diff(p.astype(np.float32), axis=1)).mean()
                              for p in patches]))

    assert busy(4) < 0.6 * busy(1)


def test_no_photographs_means_procedural_backgrounds_and_a_summary_line(photo_env):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning: a machine without wallpapers is normal
        assert photos.realism_library(BASE) is None
    assert photos.line_patch(np.random.default_rng(0), 32, 100, BASE) is None
    assert "no photographs found" in photos.photos_summary([])
    assert "2 photographs" in photos.photos_summary(["a.jpg", "b.jpg"])
    assert "procedural" in photos.photos_summary(None)


def test_backgrounds_command_lists_and_installs_dry(photo_env):
    folder = make_photo(photo_env / "p" / "a.jpg", (800, 600)).parent
    env = {"PPOCR_BENCH_CACHE": str(photo_env / "cache"), photo_sources.ROOT_ENV: ""}
    proc = cli("backgrounds", "--background-dir", folder, env=env)
    assert proc.returncode == 0, proc.stderr
    assert "1 photographs" in proc.stdout and str(folder) in proc.stdout
    assert "mate-backgrounds" in proc.stdout and "not installed" in proc.stdout
    proc = cli("backgrounds", "install", "--dry-run", env=env)
    assert proc.returncode == 0 and proc.stdout.strip().endswith(
        " ".join(photo_sources.install_command()))
    assert len(proc.stdout.strip().splitlines()) == 1
    one_line_error(cli("backgrounds", "--background-dir", photo_env / "nope", env=env),
                   "no such folder")


def test_check_background_dirs_before_the_work(photo_env):
    missing = str(photo_env / "nope")
    for text in ("base", "-photos"):
        with pytest.raises(PpocrError, match="no such folder"):
            photos.check_background_dirs(parse_realism(text, (missing,)))
    folder = make_photo(photo_env / "p" / "a.jpg", (800, 600)).parent
    realism = parse_realism("base", (str(folder),))
    photos.check_background_dirs(realism)
    assert photos.library.cache_info().currsize == 1
    assert len(photos.realism_library(realism)) == 1


def test_install_prints_the_command_when_it_cannot_run(monkeypatch):
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    command, ran = photos.install_packages()
    apt = photo_sources.install_command()
    assert not ran and command == "sudo " + " ".join(apt)
    assert photos.install_packages(dry_run=True) == (" ".join(apt), False)
    assert {p.name for p in photo_sources.PACKAGES if p.photos} <= set(apt)
