"""Test photographs made on the fly (no wallpaper package needed): smooth gradients, grain and a
few rectangles. The red channel follows x and the green one y, so a page cut from one can be
recognised (:func:`follows_gradient`)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from ppocr_bench.synth import photo_sources, photos


def make_photo(path: Path, size: tuple[int, int] = (1200, 900), seed: int = 0) -> Path:
    """A w x h photo-like image at ``path`` (its suffix picks the format)."""
    w, h = size
    rng = np.random.default_rng(seed)
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    img = np.stack([40 + 180 * xs / w, 40 + 180 * ys / h, np.full_like(xs, 120.0)], axis=-1)
    for _ in range(3):  # a few flat boards, small enough to keep the gradients recognisable
        x, y = int(rng.integers(0, w - w // 8)), int(rng.integers(0, h - h // 8))
        img[y:y + h // 10, x:x + w // 10] = rng.uniform(30, 220, 3)
    img += rng.normal(0, 2.0, img.shape).astype(np.float32)
    path.parent.mkdir(parents=True, exist_ok=True)
    assert cv2.imwrite(str(path), np.clip(img, 0, 255).astype(np.uint8)[:, :, ::-1])
    return path


def follows_gradient(page: np.ndarray, keep: np.ndarray) -> bool:
    """Whether the pixels ``keep`` (H x W bool) of an RGB page are a window of
    :func:`make_photo`: red linear in x (rising, or falling when mirrored) and green rising in
    y, across at least 40 levels, for most of them."""
    ys, xs = np.nonzero(keep)
    basis = np.c_[xs, ys, np.ones(len(xs))].astype(np.float64)
    h, w = page.shape[:2]
    close = np.ones(len(xs), bool)
    slopes = []
    for channel in (0, 1):
        values = page[ys, xs, channel].astype(np.float64)
        fit, *_ = np.linalg.lstsq(basis, values, rcond=None)
        close &= np.abs(basis @ fit - values) < 15
        slopes.append(fit[:2] * (w, h))  # change across the page along x and along y
    (rx, ry), (gx, gy) = slopes
    return close.mean() > 0.6 and abs(rx) > 40 > abs(ry) and gy > 40 > abs(gx)


@pytest.fixture
def photo_env(tmp_path, monkeypatch):
    """A clean cache root, no system photographs, fresh per-process caches."""
    monkeypatch.setenv("PPOCR_BENCH_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv(photo_sources.ROOT_ENV, "")
    photos.clear_caches()
    yield tmp_path
    photos.clear_caches()
