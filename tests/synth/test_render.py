"""Glyph layers and recognition lines: tight ink boxes, vertical layout, coverage, determinism.

Also holds the small fixtures the scene and document tests share (faces built with fontTools
from the Noto CJK collection and DejaVu, and a tiny deterministic sampler).
"""

from __future__ import annotations

import functools
from pathlib import Path

import matplotlib
import noto_cjk_sans_otc
import numpy as np
import pytest
from fontTools.ttLib import TTFont

from ppocr_bench.text.fonts import FontFace
from ppocr_bench.synth.augment import curve_layer
from ppocr_bench.synth.glyphs import render_text
from ppocr_bench.synth.render import render_line_image

NOTO = Path(noto_cjk_sans_otc.__file__).parent / "NotoSansCJK-Regular.ttc"
DEJAVU = Path(matplotlib.__file__).parent / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf"
TEXT = {
    "en": "the quick brown fox jumps over a lazy dog while reading page 12 of the data",
    "zh": "我们在中国学习文字识别系统的数据和模型这是一个新的方法。",
    "ja": "日本語の文書画像を認識する「テスト」です、ちょっと待ってください。ー",
    "ko": "한국어 문서 이미지 텍스트 인식 모델 학습 데이터 서울 카페",
}


@functools.lru_cache(maxsize=None)
def load_face(path: Path, index: int = 0) -> FontFace:
    font = TTFont(str(path), fontNumber=index, lazy=True)
    cmap = frozenset(font.getBestCmap())
    return FontFace(path, index, font["name"].getDebugName(1), "Regular", "test", "OFL", cmap)


def face_set(lang: str) -> list[FontFace]:
    cjk = load_face(NOTO, {"zh": 2, "ja": 0, "ko": 1}.get(lang, 0))
    return [load_face(DEJAVU), cjk] if lang == "en" else [cjk]


class FakeSampler:
    """Slices of one fixed text per language; spaces kept for Latin and Korean."""

    def __init__(self, lang: str) -> None:
        self.text = TEXT[lang]

    def line(self, rng: np.random.Generator, min_chars: int, max_chars: int) -> str:
        n = int(rng.integers(min_chars, max_chars + 1))
        start = int(rng.integers(0, len(self.text)))
        out = (self.text[start:] + " " + self.text) * (1 + n // len(self.text))
        return out[:n].strip() or self.text[:2]

    def phrase(self, rng: np.random.Generator) -> str:
        return self.line(rng, 2, 10)

    def heading(self, rng: np.random.Generator) -> str:
        return self.line(rng, 4, 16)


def _extent(mask: np.ndarray) -> tuple[int, int, int, int]:
    ys, xs = np.nonzero(mask)
    return int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1


@pytest.mark.parametrize("lang", ["en", "zh", "ja", "ko"])
def test_horizontal_layer_is_cropped_to_ink(lang: str) -> None:
    face = face_set(lang)[-1]
    layer = render_text(TEXT[lang][:12], face, 32, pad=3)
    assert _extent(layer.mask) == layer.ink
    assert layer.ink[:2] == (3, 3) and layer.mask.shape == (layer.ink[3] + 3, layer.ink[2] + 3)
    assert len(layer.cells) == 12
    assert layer.ink_size[0] > layer.ink_size[1]


def test_vertical_layer_stacks_characters_top_to_bottom() -> None:
    face = face_set("ja")[0]
    text = "日本「テスト」、ちょっと。ー"
    layer = render_text(text, face, 40, vertical=True)
    assert layer.vertical and _extent(layer.mask) == layer.ink
    w, h = layer.ink_size
    assert h > 5 * w and w <= 48
    tops = [c[1] for c in layer.cells]
    assert len(tops) == len(text) and tops == sorted(tops)
    comma = layer.cells[text.index("、")]
    cell = layer.mask[int(comma[1]) : int(comma[3]), :]
    xs = np.nonzero(cell)[1]
    assert xs.mean() > layer.origin[0] + 4  # CJK comma sits in the upper right of its cell
    bar = layer.cells[text.index("ー")]
    ys, xs = np.nonzero(layer.mask[int(bar[1]) : int(bar[3]), :])
    assert np.ptp(ys) > 2 * np.ptp(xs)  # long vowel mark turned to a vertical bar


def test_uncovered_text_is_refused() -> None:
    with pytest.raises(AssertionError, match="lacks"):
        render_text("abc日本", load_face(DEJAVU), 24)


def test_curve_layer_polygon_encloses_bent_ink() -> None:
    import cv2

    layer = render_text("curved text on a sign", load_face(DEJAVU), 40, pad=6)
    for seed in range(6):
        mask, poly = curve_layer(np.random.default_rng(seed), layer.mask, layer.ink)
        assert poly.shape == (14, 2)
        inside = np.zeros(mask.shape, np.uint8)
        cv2.fillPoly(inside, [np.round(poly * 16).astype(np.int32)], 1, shift=4)
        ink = mask >= 128
        assert ink[inside > 0].sum() >= 0.99 * ink.sum()
        w, h = layer.ink_size
        assert inside.sum() < 1.15 * (w + 1) * (h + 1)  # the band is as tight as the straight box


def test_line_image_is_deterministic_and_polygon_tight() -> None:
    face = face_set("zh")[0]
    a = render_line_image(TEXT["zh"][:10], face, np.random.default_rng(7))
    b = render_line_image(TEXT["zh"][:10], face, np.random.default_rng(7))
    c = render_line_image(TEXT["zh"][:10], face, np.random.default_rng(8))
    assert np.array_equal(a[0], b[0]) and a[1] == b[1]
    assert not np.array_equal(a[0], c[0]) or a[1] != c[1]
    img, poly = a
    assert img.shape[0] == 32 and img.dtype == np.uint8
    (x0, y0), (x1, y1) = poly[0], poly[2]
    assert 0 <= x0 < x1 <= img.shape[1] and 0 <= y0 < y1 <= 32
    assert y1 - y0 >= 20
