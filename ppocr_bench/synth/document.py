"""Document pages: headings, paragraphs, lists and ruled tables in one or two columns, or
vertical columns (ja/zh), dark text on paper (never below the legibility of
:mod:`ppocr_bench.synth.contrast`), then page skew and scan artefacts.

Every line is one instance. Lines are filled to the column by measuring advances, placed on
integer pixel positions and recorded with their ink box; the page skew maps those boxes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from ppocr_bench.text.fonts import FontFace, choose_face
from ppocr_bench.synth import augment as aug
from ppocr_bench.synth.backgrounds import paper_background
from ppocr_bench.synth.contrast import RESAMPLE_SIGMA, background_band, legible_colour
from ppocr_bench.synth.finish import Finish, plan_scan
from ppocr_bench.synth.glyphs import fit_text, render_legible, text_width
from ppocr_bench.synth.page import Page, TextInstance
from ppocr_bench.synth.realism import LEGACY, Realism
from ppocr_bench.synth.render import LineSampler, covering, readable

MIN_INK_PX = 8
Box = tuple[int, int, int, int]  # x0, y0, x1, y1


@dataclass
class DocCanvas:
    """A page being laid out: pixels, ink labels and the instances placed so far."""

    rng: np.random.Generator
    sampler: LineSampler
    faces: list[FontFace]
    body_face: FontFace
    img: np.ndarray
    labels: np.ndarray
    finish: Finish = field(default_factory=Finish)
    instances: list[TextInstance] = field(default_factory=list)
    balanced: bool = False  # families drawn equally often (Realism.fonts == "balanced")

    def face_for(self, text: str, prefer: FontFace | None = None) -> FontFace | None:
        """``prefer`` (the body face by default) when it covers ``text``, else a covering face."""
        prefer = prefer or self.body_face
        if prefer.covers(text):
            return prefer
        ok = covering(self.faces, text)
        return choose_face(self.rng, ok, self.balanced) if ok else None

    def put(
        self,
        text: str,
        face: FontFace,
        size: int,
        pen: tuple[float, float],
        colour: np.ndarray,
        *,
        vertical: bool = False,
    ) -> tuple[int, int, int, int] | None:
        """Draw one line with its pen origin at ``pen`` (left baseline, or top centre when
        vertical) in ``colour`` made legible on the paper beneath it
        (:mod:`ppocr_bench.synth.contrast`, hairlines made bolder); record it and return its ink
        box, or None when too small to read or when no colour is legible there."""
        text = text.strip()
        if not readable(text) or not face.covers(text):
            return None
        layer, strokes = render_legible(text, face, size, self.finish.fade, vertical=vertical,
                                        pad=1, extra_sigma=RESAMPLE_SIGMA)
        iw, ih = layer.ink_size
        if min(iw, ih) < MIN_INK_PX or (vertical and len(text) > 1 and ih <= iw):
            return None
        x = int(round(pen[0] - layer.origin[0]))
        y = int(round(pen[1] - layer.origin[1]))
        x0, y0, x1, y1 = layer.ink[0] + x, layer.ink[1] + y, layer.ink[2] + x, layer.ink[3] + y
        h, w = self.img.shape[:2]
        if x0 < 1 or y0 < 1 or x1 > w - 1 or y1 > h - 1:
            return None
        mh, mw = layer.mask.shape
        under = aug.luminance(self.img[y : y + mh, x : x + mw][layer.mask > 0])
        gain = self.finish.gain((x0, y0, x1, y1))
        legible = legible_colour(colour, background_band(under), strokes, gain)
        if legible is None:
            return None
        aug.paint(self.img, layer.mask, x, y, legible)
        m = layer.mask >= 64
        self.labels[y : y + m.shape[0], x : x + m.shape[1]][m] = len(self.instances) + 1
        pts = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
        points = [(float(px), float(py)) for px, py in pts]
        self.instances.append(TextInstance(text, points, str(face.path), face.index, vertical))
        return x0, y0, x1, y1


def make_document(
    rng: np.random.Generator,
    sampler: LineSampler,
    faces: list[FontFace],
    *,
    vertical: bool = False,
    size: tuple[int, int] | None = None,
    realism: Realism = LEGACY,
) -> Page:
    """A page image (``size`` = (width, height), rng-chosen when None); ``vertical`` lays the body
    out in top-to-bottom columns read right to left (for ja and zh). Of ``realism`` documents use
    the font pool only."""
    return document_with_ink(rng, sampler, faces, vertical=vertical, size=size,
                             realism=realism)[0]


def document_with_ink(
    rng: np.random.Generator,
    sampler: LineSampler,
    faces: list[FontFace],
    *,
    vertical: bool = False,
    size: tuple[int, int] | None = None,
    realism: Realism = LEGACY,
) -> tuple[Page, np.ndarray]:
    """``make_document`` plus an H x W uint16 map of each instance's ink (alpha >= 64, after the
    skew, before photometric effects; 0: none, i + 1: ``page.instances[i]``)."""
    w, h = size or (int(rng.integers(800, 1001)), int(rng.integers(1000, 1301)))
    img = paper_background(rng, h, w)
    finish = plan_scan(rng, h, w)
    paper = tuple(int(c) for c in img[0, 0])
    balanced = realism.font_pool == "balanced"
    body_face = choose_face(rng, faces, balanced)
    doc = DocCanvas(rng, sampler, faces, body_face, img, np.zeros((h, w), np.uint16), finish,
                    balanced=balanced)
    mx, my = int(rng.integers(45, 90)), int(rng.integers(45, 90))
    box = (mx, my, w - mx, h - my)
    if vertical:
        _vertical_page(doc, box)
    else:
        _horizontal_page(doc, box)
    if rng.random() < 0.5:
        _page_number(doc, w, h - my // 2)
    img, labels, instances = doc.img, doc.labels, doc.instances
    if rng.random() < 0.8:
        img, labels, instances = _skew(rng, img, labels, instances, paper)
    return Page(finish.apply(rng, img), instances, "document"), labels


def _skew(
    rng: np.random.Generator,
    img: np.ndarray,
    labels: np.ndarray,
    instances: list[TextInstance],
    paper: tuple[int, int, int],
) -> tuple[np.ndarray, np.ndarray, list[TextInstance]]:
    """Rotate the page a little; drop (and unlabel) instances pushed off the image."""
    polys = [np.asarray(i.points) for i in instances]
    img, polys, labels = aug.rotate_page(img, rng, polys, 2.5, paper, labels)
    h, w = img.shape[:2]
    keep, lut = [], np.zeros(len(instances) + 1, np.uint16)
    for i, (inst, poly) in enumerate(zip(instances, polys)):
        if poly.min() >= 0 and poly[:, 0].max() <= w - 1 and poly[:, 1].max() <= h - 1:
            inst.points = [(float(x), float(y)) for x, y in poly]
            keep.append(inst)
            lut[i + 1] = len(keep)
    return img, lut[labels], keep


def _ink_colour(rng: np.random.Generator, accent: bool = False) -> np.ndarray:
    if accent and rng.random() < 0.5:
        return rng.uniform(0, 40, 3) + np.eye(3)[int(rng.integers(3))] * rng.uniform(60, 130)
    return np.full(3, rng.uniform(0, 60)) + rng.uniform(-8, 8, 3).clip(0)


def _line(
    doc: DocCanvas, n_chars: int, size: int, length: float, vertical: bool = False
) -> tuple[str, FontFace] | None:
    """A sampled line of about ``n_chars`` fitted to ``length`` px, with a covering face."""
    for _ in range(3):
        text = doc.sampler.line(doc.rng, max(1, int(n_chars * 0.8)), max(2, int(n_chars * 1.3) + 1))
        face = doc.face_for(" ".join(text.split()))
        if face is not None:
            text = fit_text(text, face, size, length, vertical)
            if len(text) >= 2:
                return text, face
    return None


def _chars_per(doc: DocCanvas, size: int, length: float) -> int:
    """How many characters of this sampler's text fill ``length`` px (from a probe line)."""
    probe = " ".join(doc.sampler.line(doc.rng, 20, 30).split())
    face = doc.face_for(probe)
    adv = text_width(probe, face, size) / max(len(probe), 1) if face and probe else size * 0.6
    return max(2, int(length / max(adv, 1.0)))


def _paragraph(doc: DocCanvas, x: int, y: float, width: int, bottom: int, size: int) -> float:
    rng, pitch = doc.rng, size * doc.rng.uniform(1.35, 1.7)
    per = _chars_per(doc, size, width)
    indent = size * 2 if rng.random() < 0.5 else 0
    colour = _ink_colour(rng)
    n_lines = int(rng.integers(2, 9))
    for i in range(n_lines):
        if y + pitch > bottom:
            break
        last = i == n_lines - 1
        start = x + (indent if i == 0 else 0)
        length = (width - (start - x)) * (rng.uniform(0.3, 0.9) if last else 1.0)
        got = _line(doc, int(per * length / width), size, length)
        if got:
            doc.put(got[0], got[1], size, (start, y + size), colour)
        y += pitch
    return y + size * rng.uniform(0.3, 1.0)


def _heading(doc: DocCanvas, x: int, y: float, width: int, bottom: int, size: int) -> float:
    rng = doc.rng
    hsize = int(min(40, size * rng.uniform(1.25, 1.9)))
    if y + hsize * 1.6 > bottom:
        return bottom
    text = doc.sampler.heading(rng)
    face = doc.face_for(" ".join(text.split()), choose_face(rng, doc.faces, doc.balanced))
    if face is not None:
        text = fit_text(text, face, hsize, width)
        if text:
            left = x if rng.random() < 0.7 else x + (width - text_width(text, face, hsize)) / 2
            doc.put(text, face, hsize, (left, y + hsize * 1.1), _ink_colour(rng, accent=True))
    return y + hsize * rng.uniform(1.6, 2.1)


BULLETS = ["-", "*", "{}.", "{})", "({})"]  # ASCII: in every charset


def _list(doc: DocCanvas, x: int, y: float, width: int, bottom: int, size: int) -> float:
    rng, pitch = doc.rng, size * doc.rng.uniform(1.4, 1.8)
    style = BULLETS[int(rng.integers(len(BULLETS)))]
    indent = int(size * rng.uniform(0.5, 2.0))
    per = _chars_per(doc, size, width - indent)
    colour = _ink_colour(rng)
    for i in range(int(rng.integers(2, 6))):
        if y + pitch > bottom:
            break
        bullet = style.format(i + 1)
        got = _line(doc, int(per * rng.uniform(0.4, 0.95)), size, width - indent - size * 2)
        if got:
            text = f"{bullet} {got[0]}" if got[1].covers(bullet) else got[0]
            doc.put(text, got[1], size, (x + indent, y + size), colour)
        y += pitch
    return y + size * 0.6


def _table(doc: DocCanvas, x: int, y: float, width: int, bottom: int, size: int) -> float:
    rng = doc.rng
    size = max(16, int(size * rng.uniform(0.8, 1.0)))
    n_cols = int(rng.integers(2, 5))
    n_rows = int(rng.integers(3, 7))
    row_h = int(size * rng.uniform(1.8, 2.2))
    if width / n_cols < size * 3 or y + row_h * n_rows + 10 > bottom:
        return bottom if y + row_h * 2 > bottom else y + size
    top, cell_w = int(y + size * 0.4), width / n_cols
    rule = tuple(int(c) for c in _ink_colour(rng) + 40)
    grid = rng.random() < 0.6
    for r in range(n_rows + 1):
        yy = top + r * row_h
        if grid or r in (0, 1, n_rows):
            cv2.line(doc.img, (x, yy), (x + width, yy), rule, 1 + (r in (0, n_rows) and not grid))
    if grid:
        for c in range(n_cols + 1):
            xx = int(x + c * cell_w) - (c == n_cols)
            cv2.line(doc.img, (xx, top), (xx, top + n_rows * row_h), rule, 1)
    colour = _ink_colour(rng)
    for r in range(n_rows):
        for c in range(n_cols):
            text = doc.sampler.phrase(rng)
            face = doc.face_for(" ".join(text.split()))
            if face is None:
                continue
            text = fit_text(text, face, size, cell_w - size)
            if text:
                pen = (x + c * cell_w + size * 0.5, top + r * row_h + row_h / 2 + size * 0.35)
                doc.put(text, face, size, pen, colour)
    return top + n_rows * row_h + size * 1.2


def _page_number(doc: DocCanvas, w: int, baseline: int) -> None:
    """A centred folio in the bottom margin, e.g. ``12`` or ``- 12 -``."""
    number = str(int(doc.rng.integers(1, 400)))
    text = f"- {number} -" if doc.rng.random() < 0.3 else number
    face = doc.face_for(text)
    if face is not None:
        size = int(doc.rng.integers(14, 20))
        pen = (w / 2 - text_width(text, face, size) / 2, baseline)
        doc.put(text, face, size, pen, _ink_colour(doc.rng))


BLOCKS = [(_paragraph, 0.55), (_heading, 0.12), (_list, 0.18), (_table, 0.15)]


def _horizontal_page(doc: DocCanvas, box: Box) -> None:
    rng = doc.rng
    x0, y0, x1, y1 = box
    body = int(rng.integers(16, 27))
    y = float(y0)
    if rng.random() < 0.8:
        y = _heading(doc, x0, y, x1 - x0, y1, int(body * 1.4))
    n_cols = 2 if rng.random() < 0.35 else 1
    gutter = int(rng.integers(24, 50))
    col_w = (x1 - x0 - gutter * (n_cols - 1)) // n_cols
    probs = np.array([p for _, p in BLOCKS])
    for c in range(n_cols):
        cy, cx = y, x0 + c * (col_w + gutter)
        while cy < y1 - body * 2:
            block = BLOCKS[int(rng.choice(len(BLOCKS), p=probs))][0]
            cy = block(doc, cx, cy, col_w, y1, body)


def _vertical_page(doc: DocCanvas, box: Box) -> None:
    """Columns top to bottom, right to left; sometimes a horizontal title above, 1-2 tiers."""
    rng = doc.rng
    x0, y0, x1, y1 = box
    size = int(rng.integers(16, 30))
    if rng.random() < 0.5:
        y0 = int(_heading(doc, x0, y0, x1 - x0, y1, int(size * 1.5)))
    tiers = 2 if rng.random() < 0.3 and y1 - y0 > 30 * size else 1
    gap = size * 2
    tier_h = (y1 - y0 - gap * (tiers - 1)) / tiers
    for t in range(tiers):
        top = y0 + t * (tier_h + gap)
        _vertical_tier(doc, x0, x1, top, top + tier_h, size)


def _vertical_tier(doc: DocCanvas, x0: int, x1: int, top: float, bottom: float, size: int) -> None:
    rng = doc.rng
    pitch = size * rng.uniform(1.5, 1.9)
    colour = _ink_colour(rng)
    x, length = x1 - pitch / 2, bottom - top
    if rng.random() < 0.5:  # a vertical heading column
        hsize = int(min(40, size * 1.5))
        got = _line(doc, int(length / hsize * 0.6), hsize, length * 0.8, vertical=True)
        if got:
            pen = (x, top + hsize * 0.5)
            doc.put(got[0], got[1], hsize, pen, _ink_colour(rng, True), vertical=True)
        x -= hsize * 2
    per = int(length / size)
    while x - size > x0:
        for i in range(int(rng.integers(2, 7))):
            if x - size <= x0:
                break
            last = rng.random() < 0.25
            start = top + (size if i == 0 else 0)
            room = (bottom - start) * (rng.uniform(0.3, 0.9) if last else 1.0)
            got = _line(doc, int(per * room / length), size, room, vertical=True)
            if got:
                doc.put(got[0], got[1], size, (x, start), colour, vertical=True)
            x -= pitch
            if last:
                break
        x -= pitch * rng.uniform(0.2, 0.8)
