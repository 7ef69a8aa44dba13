"""Scene text: photo-like images with 3-12 words and short lines, rotated, warped, some curved.

Each instance: a text and a face that covers it, rendered to a glyph layer, optionally bent
along an arc, then rotated and perspective-warped by one homography that also carries its tight
polygon. Placements whose footprint (text, outline, sign board) would touch an earlier one are
retried elsewhere, then dropped. Text colour is chosen against the luma of what lies beneath it
and never below the legibility of :mod:`ppocr_bench.synth.contrast`, allowing for the blur and
shading of the scene's finish (drawn before its text).

With ``realism.on("photos")`` and photographs installed (:mod:`ppocr_bench.synth.photos`),
:data:`PHOTO_SHARE` of the backgrounds are photographs, and text on them goes as SynthText puts
it (:mod:`ppocr_bench.synth.surface`): into a low-texture region (drawn by area), sized to fit
it, its baseline along the region's edges when they are clear, on a plane seen in perspective
(more oblique on large regions); it goes anywhere (as on procedural backgrounds) when it does
not fit. With ``realism.on("blend")`` text is blended into its background (alpha, shading,
Poisson) and painted plainly instead when what was drawn measures below the legibility floor.
Legacy realism draws the scenes of before, number for number.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import cv2
import numpy as np
from shapely.geometry import Polygon

from ppocr_bench.text.fonts import FontFace
from ppocr_bench.synth import augment as aug
from ppocr_bench.synth.backgrounds import scene_background
from ppocr_bench.synth.contrast import (MIN_LEGIBILITY, RESAMPLE_SIGMA, background_band,
                                        drawn_legibility, legibility, legible_colour, opacity)
from ppocr_bench.synth.finish import Finish, plan_photo
from ppocr_bench.synth.glyphs import GlyphLayer, render_legible
from ppocr_bench.synth.page import Page, TextInstance
from ppocr_bench.synth.photos import page_crop, realism_library
from ppocr_bench.synth.realism import LEGACY, Realism
from ppocr_bench.synth.render import LineSampler, pick_text
from ppocr_bench.synth.surface import (CELL, Region, Surface, blend_text, find_surfaces,
                                       plane_homography)

MIN_INK_PX = 10
PAD = 6
#: the share of scene backgrounds cut from photographs, when photos are on and installed
PHOTO_SHARE = 0.7
#: blended text keeps this many times the legibility floor (else it is painted plainly)
BLEND_MARGIN = 1.2


@dataclass
class _Style:
    board: bool
    outline: int  # dilation radius in px, 0 for none
    shadow: bool


def make_scene(
    rng: np.random.Generator,
    sampler: LineSampler,
    faces: list[FontFace],
    *,
    size: tuple[int, int] | None = None,
    realism: Realism = LEGACY,
) -> Page:
    """A photo-like image (``size`` = (width, height), rng-chosen when None) with text instances."""
    return scene_with_ink(rng, sampler, faces, size=size, realism=realism)[0]


def scene_with_ink(
    rng: np.random.Generator,
    sampler: LineSampler,
    faces: list[FontFace],
    *,
    size: tuple[int, int] | None = None,
    realism: Realism = LEGACY,
) -> tuple[Page, np.ndarray]:
    """``make_scene`` plus an H x W uint16 map of each instance's ink (alpha >= 64) before effects
    (0: none, i + 1: ``page.instances[i]``). The page is identical to ``make_scene``'s."""
    w, h = size or (int(rng.integers(640, 961)), int(rng.integers(480, 721)))
    img, surface = _background(rng, h, w, realism)
    finish = plan_photo(rng, h, w, realism)
    canvas = _Canvas(img, np.zeros((h, w), np.uint16), [], finish, surface)
    want = int(rng.integers(3, 13))
    instances: list[TextInstance] = []
    placed = 0
    for _ in range(2 * want):  # failed placements get a second chance with other text
        words = _add_instance(rng, sampler, faces, canvas, len(instances) + 1, realism)
        if words is not None:
            instances.extend(words)
            placed += 1
        if placed == want:
            break
    return Page(finish.apply(rng, img), instances, "scene"), canvas.labels


def _background(rng: np.random.Generator, h: int, w: int, realism: Realism
                ) -> tuple[np.ndarray, Surface | None]:
    """A photograph's window and its surfaces (:data:`PHOTO_SHARE` of the time, when photos
    are on and installed), else a procedural background (and None)."""
    lib = realism_library(realism)
    if lib is not None and rng.random() < PHOTO_SHARE:
        img = page_crop(rng, lib, h, w)
        if img is not None:
            return img, find_surfaces(img)
    return scene_background(rng, h, w), None


@dataclass
class _Canvas:
    """A scene being drawn: pixels, ink labels, footprints taken, the finish it will get, the
    surfaces of its photograph (None for a procedural background)."""

    img: np.ndarray
    labels: np.ndarray
    taken: list[Polygon]
    finish: Finish
    surface: Surface | None = None


def _render(
    rng: np.random.Generator, text: str, face: FontFace, w: int, h: int, finish: Finish,
    region: Region | None = None, cells: bool = False,
) -> GlyphLayer | None:
    """The text at a random size (shrunk to fit the image, or the region it is meant for),
    hairlines made bolder for the scene's blur; CJK signs are sometimes vertical. ``cells``:
    with its per-character boxes (:func:`word_boxes` needs them)."""
    cjk = all(unicodedata.east_asian_width(ch) in "WF" for ch in text)
    vertical = cjk and 2 <= len(text) <= 8 and rng.random() < 0.15
    hi = max(20.0, min(w, h) * 0.15)
    if region is not None:  # a line as tall as the region's largest disc allows
        hi = float(np.clip(region.radius * 1.2, 20.0, hi))
        x0, y0, x1, y1 = region.box
        w, h = max(x1 - x0, min(w, 160)), max(y1 - y0, min(h, 160))
    size = int(np.exp(rng.uniform(np.log(18), np.log(hi))))

    def draw(size: int) -> GlyphLayer:
        return render_legible(text, face, size, finish.fade, vertical=vertical, pad=PAD,
                              extra_sigma=RESAMPLE_SIGMA, cells=cells)[0]

    layer = draw(size)
    length, room = (layer.mask.shape[0], h) if vertical else (layer.mask.shape[1], w)
    if length > 0.85 * room:
        size = int(size * 0.8 * room / length)
        if size < 14:
            return None
        layer = draw(size)
    return layer if min(layer.ink_size) >= MIN_INK_PX else None


def _homography(rng: np.random.Generator, mw: int, mh: int) -> np.ndarray:
    """Rotation about the layer centre composed with a mild random perspective."""
    src = np.array([[0, 0], [mw, 0], [mw, mh], [0, mh]], np.float32)
    dst = src.copy()
    if rng.random() < 0.5:  # corners move up to 14% of the line's thickness along it, 7% across
        short = min(mw, mh)
        scale = [short * 2, short] if mw >= mh else [short, short * 2]
        dst += rng.uniform(-0.07, 0.07, (4, 2)).astype(np.float32) * scale
    angle = 0.0 if rng.random() < 0.3 else float(np.clip(rng.normal(0, 12), -35, 35))
    rot = cv2.getRotationMatrix2D((mw / 2, mh / 2), angle, 1.0)
    dst = aug.warp_points(rot, dst).astype(np.float32)
    return cv2.getPerspectiveTransform(src, dst)


def _surface_homography(rng: np.random.Generator, mw: int, mh: int, region: Region | None,
                        page: tuple[int, int]) -> np.ndarray:
    """The view of a layer lying on ``region``'s plane: its baseline along the region's edges
    when they are clear (60% of those times), else at a random angle as on procedural pages;
    the plane more oblique the larger the region (:func:`surface.plane_homography`)."""
    if region is not None and region.coherence > 0.3 and rng.random() < 0.6:
        angle = float(np.clip(region.angle + rng.normal(0, 2), -35, 35))
    else:
        angle = 0.0 if rng.random() < 0.3 else float(np.clip(rng.normal(0, 12), -35, 35))
    share = np.sqrt(region.area / (page[0] * page[1])) if region is not None else 0.3
    tilt = 15.0 + 35.0 * min(1.0, 1.5 * float(share))
    return plane_homography(rng, mw, mh, angle, tilt, focal=1.2 * max(page))


def _board_poly(rng: np.random.Generator, quad: np.ndarray, ink_h: float) -> np.ndarray:
    """A rounded sign board around the text quad (layer coordinates)."""
    margin = ink_h * rng.uniform(0.25, 0.6)
    shape = Polygon(quad).buffer(margin, join_style=1 if rng.random() < 0.5 else 2, quad_segs=3)
    return np.asarray(shape.exterior.coords[:-1], np.float64)


def _add_instance(
    rng: np.random.Generator,
    sampler: LineSampler,
    faces: list[FontFace],
    canvas: _Canvas,
    idx: int,
    realism: Realism = LEGACY,
) -> list[TextInstance] | None:
    """One placed text: its instance, or its words' (``realism.on("words")``, from ink label
    ``idx`` on); None when it found no place or no legible colour."""
    img = canvas.img
    h, w = img.shape[:2]
    picked = pick_text(rng, sampler, faces, short=True, balanced=realism.font_pool == "balanced",
                       vocab=realism.on("vocab"))
    if picked is None:
        return None
    text, face = picked
    region = canvas.surface.pick(rng) if canvas.surface is not None else None
    layer = _render(rng, text, face, w, h, canvas.finish, region, cells=realism.on("words"))
    if layer is None:
        return None
    mask, poly = layer.mask, layer.ink_quad()
    iw, ih = layer.ink_size
    curved = not layer.vertical and len(text) >= 4 and iw > 3 * ih and rng.random() < 0.18
    if curved:
        mask, poly = aug.curve_layer(rng, layer.mask, layer.ink)
    style = _Style(board=not curved and rng.random() < 0.3, outline=0, shadow=rng.random() < 0.15)
    if rng.random() < 0.15:
        style.outline = int(rng.integers(1, 4))
    if canvas.surface is None:
        hom = _homography(rng, mask.shape[1], mask.shape[0])
    else:
        hom = _surface_homography(rng, mask.shape[1], mask.shape[0], region, (w, h))
    board = _board_poly(rng, poly, min(iw, ih)) if style.board else None
    foot = aug.warp_points(hom, board if board is not None else poly)
    margin = 3 + style.outline + 3 * style.shadow
    spot = None
    if region is not None:  # inside its region, else (it does not fit) anywhere
        spots = canvas.surface.spots(region, foot)
        spot = _find_spot(rng, foot, w, h, canvas.taken, margin, spots) if len(spots) else None
    if spot is None:
        spot = _find_spot(rng, foot, w, h, canvas.taken, margin)
    if spot is None:
        return None
    full = np.array([[1, 0, spot[0]], [0, 1, spot[1]], [0, 0, 1]]) @ hom
    if board is not None:
        _draw_board(rng, img, aug.warp_points(full, board))
    words = word_boxes(layer) if realism.on("words") and not curved else None
    index = words[1] if words else None
    if not _draw_text(rng, canvas, mask, full, style, idx, realism.on("blend"), index):
        return None
    parts = words[0] if words else [(text, poly)]
    return [TextInstance(part, [(float(x), float(y)) for x, y in aug.warp_points(full, quad)],
                         str(face.path), face.index, layer.vertical) for part, quad in parts]


def word_boxes(layer: GlyphLayer) -> tuple[list[tuple[str, np.ndarray]], np.ndarray] | None:
    """The words of a horizontal layer that spaces them: each word with its ink box (4 x 2,
    TL, TR, BR, BL in mask coordinates), and a mask-sized map of which word (1..K) each column
    belongs to (a gap's columns split at its middle). Word spans come from the layer's
    per-character cells, the boxes from the ink inside them. None for a vertical layer, one
    without cells, a single word, or a word that drew no ink."""
    spans = [(m.group(), m.start(), m.end()) for m in re.finditer(r"\S+", layer.text)]
    if layer.vertical or not layer.cells or len(spans) < 2:
        return None
    edges = [(layer.cells[a][0], layer.cells[b - 1][2]) for _, a, b in spans]
    cuts = [(right + left) / 2 for (_, right), (left, _) in zip(edges, edges[1:])]
    columns = np.arange(layer.mask.shape[1]) + 0.5
    owner = np.searchsorted(np.asarray(cuts), columns).astype(np.uint16) + 1
    ink = layer.mask > 0
    words = []
    for k, (word, _, _) in enumerate(spans):
        cols = np.flatnonzero(ink[:, owner == k + 1].any(axis=0))
        if cols.size == 0:
            return None
        cols = cols + int(np.flatnonzero(owner == k + 1)[0])
        x0, x1 = int(cols[0]), int(cols[-1]) + 1
        rows = np.flatnonzero(ink[:, x0:x1].any(axis=1))
        y0, y1 = int(rows[0]), int(rows[-1]) + 1
        words.append((word, np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float32)))
    return words, np.broadcast_to(owner, layer.mask.shape)


def _find_spot(
    rng: np.random.Generator, foot: np.ndarray, w: int, h: int, taken: list[Polygon], margin: int,
    spots: np.ndarray | None = None,
) -> tuple[float, float] | None:
    """A translation putting ``foot`` inside the image, clear of every taken footprint: drawn
    uniformly, or among ``spots`` (N x 2, :meth:`Surface.spots`) jittered within a cell."""
    lo, hi = foot.min(axis=0), foot.max(axis=0)
    span_x, span_y = (1 - lo[0], w - 2 - hi[0]), (1 - lo[1], h - 2 - hi[1])
    if span_x[0] > span_x[1] or span_y[0] > span_y[1]:
        return None
    shape = Polygon(foot).buffer(margin)
    for _ in range(6):
        if spots is None:
            tx, ty = rng.uniform(*span_x), rng.uniform(*span_y)
        else:
            tx, ty = spots[int(rng.integers(len(spots)))] + rng.uniform(0, CELL, 2)
            tx, ty = float(np.clip(tx, *span_x)), float(np.clip(ty, *span_y))
        moved = Polygon([(x + tx, y + ty) for x, y in shape.exterior.coords])
        if not any(moved.intersects(t) for t in taken):
            taken.append(moved)
            return float(tx), float(ty)
    return None


def _draw_board(rng: np.random.Generator, img: np.ndarray, pts: np.ndarray) -> None:
    colour = tuple(float(c) for c in rng.uniform(0, 255, 3))
    cv2.fillPoly(img, [np.round(pts * 16).astype(np.int32)], colour, cv2.LINE_AA, shift=4)
    if rng.random() < 0.4:
        edge = tuple(float(c) for c in rng.uniform(0, 255, 3))
        thick = int(rng.integers(1, 5))
        cv2.polylines(img, [np.round(pts * 16).astype(np.int32)], True, edge, thick, cv2.LINE_AA, 4)


def _draw_text(
    rng: np.random.Generator,
    canvas: _Canvas,
    mask: np.ndarray,
    full: np.ndarray,
    style: _Style,
    idx: int,
    blend: bool = False,
    words: np.ndarray | None = None,
) -> bool:
    """Shadow, outline ring and text, in a colour legible on what lies beneath
    (:mod:`ppocr_bench.synth.contrast`); an outline is added when no colour is legible on the
    background alone, and nothing is drawn (False) when none is legible even on an outline.
    ``blend``: the colour is sometimes tinted with the background's, and the text blended
    into it (:func:`_blend`). ``words``: a mask-sized map of word numbers 1..K
    (:func:`word_boxes`): the ink of word k is labelled ``idx + k - 1``, not ``idx``."""
    img, finish = canvas.img, canvas.finish
    h, w = img.shape[:2]
    mh, mw = mask.shape
    corners = aug.warp_points(full, [[0, 0], [mw, 0], [mw, mh], [0, mh]])
    x0, y0 = np.maximum(np.floor(corners.min(axis=0)).astype(int), 0)
    x1, y1 = np.minimum(np.ceil(corners.max(axis=0)).astype(int) + 1, [w, h])
    shift = np.array([[1, 0, -x0], [0, 1, -y0], [0, 0, 1]], np.float64) @ full
    alpha = cv2.warpPerspective(mask, shift, (int(x1 - x0), int(y1 - y0)), flags=cv2.INTER_LINEAR)
    ink = alpha > 0
    if not ink.any():
        return False
    work = img[y0:y1, x0:x1].copy()
    under = aug.luminance(work[ink])
    busy = float(np.std(under)) > 40
    colour = aug.contrasting_colour(rng, float(np.mean(under)), 125.0 if busy else 110.0)
    if blend and rng.random() < 0.3:  # the surface's own hue, made legible below
        colour = colour * 0.6 + work[ink].mean(axis=0) * 0.4
    light = aug.luminance(colour) > 128
    if style.shadow:
        dx, dy = rng.integers(1, 4, 2)
        m = np.float32([[1, 0, dx], [0, 1, dy]])
        sh = cv2.GaussianBlur(cv2.warpAffine(alpha, m, alpha.shape[::-1]), (0, 0), 1.0)
        aug.paint(work, (sh * 0.6).astype(np.uint8), 0, 0, np.zeros(3) + (0 if light else 255))
    strokes, gain = opacity(alpha, finish.fade), finish.gain((x0, y0, x1, y1))
    ringed = bool(style.outline) or (busy and not style.board)
    band = background_band(aug.luminance(work[ink]))
    legible = None if ringed else legible_colour(colour, band, strokes, gain)
    if legible is None:  # the text's background is its outline ring, light or dark
        edge = float(rng.uniform(0, 50) if light else rng.uniform(205, 255))
        band = (edge, edge)
        legible = legible_colour(colour, band, strokes, gain)
        if legible is None:
            return False
        r = style.outline or 2
        disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))
        aug.paint(work, cv2.dilate(alpha, disc), 0, 0, np.full(3, edge, np.float32))
    if blend:
        _blend(rng, work, alpha, legible, band, strokes, gain)
    else:
        aug.paint(work, alpha, 0, 0, legible)
    img[y0:y1, x0:x1] = work
    if words is None:
        canvas.labels[y0:y1, x0:x1][alpha >= 64] = idx
    else:
        number = cv2.warpPerspective(np.ascontiguousarray(words, np.float32), shift,
                                     (int(x1 - x0), int(y1 - y0)), flags=cv2.INTER_NEAREST)
        drawn = alpha >= 64
        canvas.labels[y0:y1, x0:x1][drawn] = idx + np.maximum(number[drawn], 1) - 1
    return True


def _blend(rng: np.random.Generator, work: np.ndarray, alpha: np.ndarray, colour: np.ndarray,
           band: tuple[float, float], strokes: float, gain: float) -> str:
    """Text of a legible ``colour`` blended into ``work`` (:func:`surface.blend_text`, its
    opacity no lower than its legibility allows), then measured as drawn
    (:func:`contrast.drawn_legibility`, allowing for the page's blur and shading): painted
    plainly instead when below :data:`BLEND_MARGIN` times the floor. Returns the mode kept."""
    before = work.copy()
    floor = BLEND_MARGIN * MIN_LEGIBILITY
    room = legibility(colour, band, strokes, gain)
    mode = blend_text(rng, work, alpha, colour, floor / room if room else 1.0)
    if mode == "paint":
        return mode
    core = alpha >= min(128, (int(alpha.max()) + 1) // 2)
    kept = strokes / max(opacity(alpha), 1e-6)
    light = float(aug.luminance(colour)) >= (band[0] + band[1]) / 2
    near = (cv2.dilate(alpha, np.ones((5, 5), np.uint8)) > 0) & (alpha == 0)
    bands = [band] + ([background_band(aug.luminance(work[near]))] if near.any() else [])
    ink = aug.luminance(work[core])  # against what was beneath and what now surrounds it
    if min(drawn_legibility(ink, b, light, kept, gain) for b in bands) >= floor:
        return mode
    work[:] = before
    aug.paint(work, alpha, 0, 0, colour)
    return "paint"
