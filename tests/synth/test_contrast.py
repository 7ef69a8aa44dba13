"""Legibility: the measure, the colour choice, and, as a property over many seeds, the final pages,
lines and trdg lines, with pip fonts and a hairline face built here (no system font needed)."""

from __future__ import annotations

import string

import cv2
import numpy as np
import pytest
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen
from test_render import DEJAVU, NOTO, TEXT, FakeSampler, load_face

from ppocr_bench.synth import writer
from ppocr_bench.synth.augment import luminance
from ppocr_bench.synth.crops import otsu_contrast
from ppocr_bench.synth.contrast import (
    MIN_LEGIBILITY, MIN_OPACITY, legibility, legible_colour, opacity, with_legible_strokes,
)
from ppocr_bench.synth.document import document_with_ink
from ppocr_bench.synth.glyphs import render_legible, render_text
from ppocr_bench.synth.render import render_line_image
from ppocr_bench.synth.scene import scene_with_ink
from ppocr_bench.text.fonts import FontFace, discover_fonts

SEEDS = {"scene": range(12), "document": range(5)}


def _box(pen: TTGlyphPen, x0: int, y0: int, x1: int, y1: int, clockwise: bool = True) -> None:
    pts = [(x0, y0), (x0, y1), (x1, y1), (x1, y0)]
    for i, pt in enumerate(pts if clockwise else pts[::-1]):
        pen.moveTo(pt) if i == 0 else pen.lineTo(pt)
    pen.closePath()


@pytest.fixture(scope="module")
def hairline(tmp_path_factory) -> FontFace:
    """A face with strokes of 1.5% of the em (0.3 px at 20 px) for printable ASCII: each glyph
    a framed box crossed in the middle, like the thinnest weights of a family."""
    chars = [c for c in string.printable if not c.isspace()]
    names = [".notdef", "space"] + [f"g{ord(c):04X}" for c in chars]
    fb = FontBuilder(1000, isTTF=True)
    fb.setupGlyphOrder(names)
    fb.setupCharacterMap({32: "space", **{ord(c): f"g{ord(c):04X}" for c in chars}})
    glyphs = {}
    for i, name in enumerate(names):
        pen, w, s = TTGlyphPen(None), 420 + (i % 5) * 30, 15
        if i > 1:
            _box(pen, 40, 0, 40 + w, 700)
            _box(pen, 40 + s, s, 40 + w - s, 700 - s, clockwise=False)
            _box(pen, 40, 340, 40 + w, 340 + s)
        glyphs[name] = pen.glyph()
    fb.setupGlyf(glyphs)
    fb.setupHorizontalMetrics({n: (560, 40) for n in names})
    fb.setupHorizontalHeader(ascent=800, descent=-200)
    fb.setupNameTable({"familyName": "Test Hairline", "styleName": "Thin"})
    fb.setupOS2(sTypoAscender=800, sTypoDescender=-200, usWinAscent=800, usWinDescent=200)
    fb.setupPost()
    path = tmp_path_factory.mktemp("hairline") / "TestHairline-Thin.ttf"
    fb.save(str(path))
    [face] = discover_fonts([path])
    return face


def test_opacity_of_solid_empty_and_thin_ink():
    solid = np.zeros((20, 20), np.uint8)
    solid[4:16, 4:16] = 255
    assert opacity(solid) == 1.0 and opacity(np.zeros((5, 5), np.uint8)) == 0.0
    line = np.zeros((20, 20), np.uint8)
    line[:, 10] = 255
    assert opacity(line) == 1.0
    assert opacity(line, lambda a: cv2.GaussianBlur(a, (0, 0), 1.0)) < MIN_OPACITY


def test_only_hairlines_get_a_stroke(hairline: FontFace):
    def blur(alpha: np.ndarray) -> np.ndarray:
        return cv2.GaussianBlur(alpha, (0, 0), 0.9)

    def strokes_tried(face: FontFace) -> list[int]:
        tried: list[int] = []

        def draw(stroke: int) -> np.ndarray:
            tried.append(stroke)
            return render_text("Hamburg 12", face, 20, stroke=stroke).mask

        with_legible_strokes(draw, blur)
        return tried

    assert strokes_tried(load_face(DEJAVU)) == [0]
    assert strokes_tried(hairline)[-1] > 0
    thin = render_text("Hamburg 12", hairline, 20, cells=False).mask
    bold, strokes = render_legible("Hamburg 12", hairline, 20, blur)
    bold = bold.mask
    assert strokes == opacity(bold, blur) >= MIN_OPACITY
    assert opacity(bold, blur) > opacity(thin, blur) and bold.sum() > thin.sum()


def test_legible_colour_is_legible_or_none_only_when_impossible():
    rng = np.random.default_rng(0)
    for _ in range(3000):
        colour = rng.uniform(0, 255, 3).astype(np.float32)
        lo = float(rng.uniform(0, 255))
        band = (lo, float(min(255.0, lo + rng.exponential(30))))
        strokes, gain = float(rng.uniform(0.2, 1.0)), float(rng.uniform(0.4, 1.2))
        out = legible_colour(colour, band, strokes, gain)
        need = MIN_LEGIBILITY / (strokes * gain)
        possible = strokes >= MIN_OPACITY and (band[0] >= need + 1 or 255 - band[1] >= need + 1)
        assert (out is not None) == possible, (colour, band, strokes, gain)
        if out is not None:
            assert legibility(out.astype(np.uint8), band, strokes, gain) >= MIN_LEGIBILITY
            if legibility(colour, band, strokes, gain) >= MIN_LEGIBILITY + 1:
                assert np.array_equal(out, colour)  # a legible colour is kept


def instance_contrast(page, labels: np.ndarray) -> list[float]:
    """Per instance, in the final image: |median luma of its ink - median luma next to it|, the
    neighbourhood 1, 2 or 3 px out (its outline ring, board or background), the best of the three."""
    y = luminance(page.image)
    out = []
    for i in range(len(page.instances)):
        ink = (labels == i + 1).astype(np.uint8)
        centre, best = float(np.median(y[ink > 0])), 0.0
        inner = ink.astype(bool)
        for k in (3, 5, 7):
            outer = cv2.dilate(ink, np.ones((k, k), np.uint8)).astype(bool)
            near = outer & ~inner & (labels == 0)
            if near.any():
                best = max(best, abs(centre - float(np.median(y[near]))))
            inner = outer
        out.append(best)
    return out




@pytest.mark.parametrize("kind", ["scene", "document"])
def test_every_instance_stands_out_in_the_final_page(kind: str, hairline: FontFace):
    make = scene_with_ink if kind == "scene" else document_with_ink
    faces = [hairline, load_face(DEJAVU), load_face(NOTO)]
    contrasts, crops = [], []
    for seed in SEEDS[kind]:
        page, labels = make(np.random.default_rng(seed), FakeSampler("en"), faces)
        contrasts += instance_contrast(page, labels)
        crops += [cv2.cvtColor(c, cv2.COLOR_RGB2GRAY).std() for c in writer.rec_crops(page)]
    assert len(contrasts) >= 5 * len(SEEDS[kind])
    assert min(contrasts) >= 25, sorted(contrasts)[:5]
    assert min(crops) > 9, sorted(crops)[:5]


@pytest.mark.parametrize("face_name", ["hairline", "dejavu"])
def test_recognition_lines_stand_out(face_name: str, hairline: FontFace):
    face = hairline if face_name == "hairline" else load_face(DEJAVU)
    for seed in range(60):
        text = TEXT["en"][seed % 40 : seed % 40 + 12].strip()
        image, _ = render_line_image(text, face, np.random.default_rng(seed))
        assert otsu_contrast(image) >= 40, seed


def test_trdg_lines_stand_out(hairline: FontFace):
    pytest.importorskip("trdg")
    from ppocr_bench.synth.trdg_engine import is_hairline, render_trdg_line

    assert is_hairline("Hamburg", hairline, 32) and not is_hairline("Hamburg", load_face(DEJAVU), 32)
    for seed in range(20):
        text = TEXT["en"][seed : seed + 12].strip()
        assert otsu_contrast(render_trdg_line(text, hairline, seed)) >= 50, seed
