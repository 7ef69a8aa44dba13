"""Where text goes on a photograph, as SynthText places it: on surfaces of low texture, following
their plane.

:func:`find_surfaces` maps the texture of a page (gradient magnitude of its luma, averaged over
cells of :data:`CELL` px and smoothed) and takes the connected regions below a threshold (a few
luma units per px: walls, sky, boards, paper, calm water); edges are textured, so regions end
at them. Each :class:`Region` knows its size, the radius of the largest disc it holds (which
bounds the text's size) and the direction of the edges around it (the lines of a facade or a
shelf, which the text's baseline follows when they are clear). :func:`plane_homography` is
the view of a text lying on a plane turned by a random yaw and pitch (stronger on large
regions) through a pinhole camera; :meth:`Surface.spots` lists where a footprint's box fits
inside a region.

:func:`blend_text` draws text into its surface rather than on it: plainly, with an opacity
below 1 (no lower than its legibility allows), shaded by the light falling on the surface (the
background's smoothed luma), or Poisson-blended (``cv2.seamlessClone``: mixed gradients, the
surface's texture showing through the ink, or normal ones). The caller measures what it drew
(:func:`ppocr_bench.synth.contrast.drawn_legibility`) and paints plainly when it is too faint.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ppocr_bench.synth.augment import luminance, paint

CELL = 4
#: bounds of the texture threshold (luma units per px; the 35th percentile of the page between)
LOW, HIGH = 2.0, 5.0
MIN_CELLS = 48


@dataclass(frozen=True)
class Region:
    """A low-texture region: ``label`` in :attr:`Surface.labels`, ``area`` (page px^2),
    ``box`` (x0, y0, x1, y1 page px), ``radius`` (page px) of the largest disc inside,
    ``angle`` (degrees, counter-clockwise, in [-45, 45]) of the edges around it and their
    ``coherence`` (0: no direction, 1: parallel lines)."""

    label: int
    area: float
    box: tuple[int, int, int, int]
    radius: float
    angle: float
    coherence: float


@dataclass
class Surface:
    """The low-texture regions of a page: ``labels`` (H/CELL x W/CELL int32, 0 for textured
    cells) and their :class:`Region` records."""

    labels: np.ndarray
    regions: list[Region]
    page: tuple[int, int]  # (w, h)

    def pick(self, rng: np.random.Generator) -> Region | None:
        """A region drawn with probability proportional to its area (None when there is
        none: then no number is drawn)."""
        if not self.regions:
            return None
        areas = np.array([r.area for r in self.regions])
        return self.regions[int(rng.choice(len(areas), p=areas / areas.sum()))]

    def spots(self, region: Region, foot: np.ndarray) -> np.ndarray:
        """The translations (N x 2 page px, one per cell) that put the bounding box of
        ``foot`` (N x 2 page px) inside ``region``, a cell's jitter included."""
        lo, hi = foot.min(axis=0), foot.max(axis=0)
        kw, kh = (int(np.ceil(v / CELL)) + 1 for v in hi - lo)
        inside = (self.labels == region.label).astype(np.uint8)
        if kw > inside.shape[1] or kh > inside.shape[0]:
            return np.zeros((0, 2))
        kernel = np.ones((kh, kw), np.uint8)
        fits = cv2.erode(inside, kernel, anchor=(0, 0), borderType=cv2.BORDER_CONSTANT,
                         borderValue=0)
        ys, xs = np.nonzero(fits)
        return np.c_[xs, ys].astype(np.float64) * CELL - lo


def texture_map(img: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(texture, gx, gy) of an H x W x 3 uint8 RGB page at 1/CELL resolution (float32): the
    gradient magnitude of its luma in full resolution (luma units per px, fine grain
    included) averaged over each cell and smoothed, and the gradients of the downscaled luma
    (the page's larger structure, per page px)."""
    h, w = img.shape[:2]
    size = (max(2, w // CELL), max(2, h // CELL))
    gray = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)
    fine = cv2.magnitude(cv2.Sobel(gray, cv2.CV_32F, 1, 0, ksize=3),
                         cv2.Sobel(gray, cv2.CV_32F, 0, 1, ksize=3)) * 0.125
    tex = cv2.GaussianBlur(cv2.resize(fine, size, interpolation=cv2.INTER_AREA), (0, 0), 1.5)
    small = cv2.resize(gray, size, interpolation=cv2.INTER_AREA).astype(np.float32)
    gx = cv2.Sobel(small, cv2.CV_32F, 1, 0, ksize=3) * (0.125 / CELL)
    gy = cv2.Sobel(small, cv2.CV_32F, 0, 1, ksize=3) * (0.125 / CELL)
    return tex, gx, gy


def _edge_angle(gx: np.ndarray, gy: np.ndarray) -> tuple[float, float]:
    """(angle, coherence) of the edges of a window from its structure tensor: the angle
    (degrees, counter-clockwise from the x axis, folded into [-45, 45]) lies along the edges."""
    jxx, jyy, jxy = float((gx * gx).sum()), float((gy * gy).sum()), float((gx * gy).sum())
    total = jxx + jyy
    if total <= 1e-6:
        return 0.0, 0.0
    coherence = float(np.hypot(jxx - jyy, 2 * jxy)) / total
    along = 0.5 * np.degrees(np.arctan2(2 * jxy, jxx - jyy)) + 90.0  # image axes, y down
    angle = (-along + 45.0) % 90.0 - 45.0  # counter-clockwise on screen, folded
    return float(angle), coherence


def find_surfaces(img: np.ndarray) -> Surface:
    """The low-texture regions of an H x W x 3 uint8 RGB page (see the module docstring)."""
    h, w = img.shape[:2]
    tex, gx, gy = texture_map(img)
    limit = float(np.clip(np.percentile(tex, 35), LOW, HIGH))
    low = cv2.morphologyEx((tex < limit).astype(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3)))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(low, connectivity=4)
    dist = cv2.distanceTransform(cv2.copyMakeBorder(low, 1, 1, 1, 1, cv2.BORDER_CONSTANT, value=0),
                                 cv2.DIST_L2, 3)[1:-1, 1:-1]  # the page's edge bounds regions
    regions = []
    for label in range(1, count):
        x, y, bw, bh, cells = (int(v) for v in stats[label])
        if cells < MIN_CELLS:
            labels[labels == label] = 0
            continue
        window = (slice(y, y + bh), slice(x, x + bw))
        radius = float(dist[window][labels[window] == label].max()) * CELL
        pad = (slice(max(0, y - 2), y + bh + 2), slice(max(0, x - 2), x + bw + 2))
        angle, coherence = _edge_angle(gx[pad], gy[pad])
        box = (x * CELL, y * CELL, min(w, (x + bw) * CELL), min(h, (y + bh) * CELL))
        regions.append(Region(label, cells * CELL * CELL, box, radius, angle, coherence))
    return Surface(labels, regions, (w, h))


def plane_homography(rng: np.random.Generator, mw: int, mh: int, angle: float, tilt: float,
                     focal: float) -> np.ndarray:
    """3 x 3 homography of an mw x mh layer rotated by ``angle`` degrees (counter-clockwise)
    in its plane, the plane then turned by a random yaw and pitch of at most ``tilt`` degrees
    and seen through a pinhole camera of focal length ``focal`` px (the layer's centre stays
    where it is, at scale 1)."""
    yaw, pitch = np.radians(rng.uniform(-tilt, tilt)), np.radians(rng.uniform(-tilt, tilt) * 0.6)
    ry = np.array([[np.cos(yaw), 0, np.sin(yaw)], [0, 1, 0], [-np.sin(yaw), 0, np.cos(yaw)]])
    rx = np.array([[1, 0, 0], [0, np.cos(pitch), -np.sin(pitch)],
                   [0, np.sin(pitch), np.cos(pitch)]])
    src = np.array([[0, 0], [mw, 0], [mw, mh], [0, mh]], np.float64)
    rot = np.radians(angle)
    spin = np.array([[np.cos(rot), np.sin(rot)], [-np.sin(rot), np.cos(rot)]])
    flat = (src - [mw / 2, mh / 2]) @ spin.T
    pts = np.c_[flat, np.zeros(4)] @ (ry @ rx).T + [0, 0, focal]
    dst = focal * pts[:, :2] / pts[:, 2:3] + [mw / 2, mh / 2]
    return cv2.getPerspectiveTransform(src.astype(np.float32), dst.astype(np.float32))


#: blend modes and how often :func:`blend_text` draws them
BLENDS = {"paint": 0.3, "alpha": 0.25, "shade": 0.3, "poisson": 0.15}
MIN_ALPHA = 0.55


def _composite(work: np.ndarray, weight: np.ndarray, fg: np.ndarray) -> None:
    """work = fg * weight + work * (1 - weight), in place (weight H x W float32 in 0..1, fg
    H x W x 3 float32)."""
    out = fg * weight[..., None] + work.astype(np.float32) * (1 - weight[..., None])
    work[:] = np.clip(out + 0.5, 0, 255).astype(np.uint8)


def _shaded(work: np.ndarray, alpha: np.ndarray, colour: np.ndarray, rng: np.random.Generator
            ) -> np.ndarray:
    """``colour`` lit as the surface under it is: times the background's smoothed luma over
    its median under the ink, to a power of 0.5-1 (H x W x 3 float32)."""
    light = cv2.GaussianBlur(luminance(work).astype(np.float32), (0, 0),
                             max(2.0, 0.2 * min(alpha.shape)))
    ink = alpha > 0
    ratio = light / max(float(np.median(light[ink])), 1.0)
    ratio = np.clip(ratio, 0.6, 1.5) ** float(rng.uniform(0.5, 1.0))
    return colour[None, None, :] * ratio[..., None]


def _poisson(work: np.ndarray, alpha: np.ndarray, colour: np.ndarray, mixed: bool) -> bool:
    """Text of ``colour`` on a flat patch of the background's mean colour, seamlessly cloned
    into ``work`` in place (False, nothing done, when the ink comes near the window's edge).
    The clone's mask holds the ink with a margin, so that its edges are cloned too."""
    h, w = alpha.shape
    r = max(2, min(h, w) // 10)
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))
    mask = (cv2.dilate(alpha, disc) > 0).astype(np.uint8) * 255
    if h < 8 or w < 8 or mask[[0, -1]].any() or mask[:, [0, -1]].any():
        return False
    src = np.empty_like(work)
    src[:] = work[mask > 0].mean(axis=0).astype(np.uint8)
    paint(src, alpha, 0, 0, colour)
    ys, xs = np.nonzero(mask)
    centre = (int((xs.min() + xs.max() + 1) // 2), int((ys.min() + ys.max() + 1) // 2))
    flags = cv2.MIXED_CLONE if mixed else cv2.NORMAL_CLONE
    work[:] = cv2.seamlessClone(src, work, mask, centre, flags)
    return True


def blend_text(rng: np.random.Generator, work: np.ndarray, alpha: np.ndarray,
               colour: np.ndarray, min_alpha: float = MIN_ALPHA) -> str:
    """Draw text of ``colour`` (RGB float32) through ``alpha`` (H x W uint8, the size of
    ``work``, an H x W x 3 uint8 window edited in place) in a random blend mode (see the
    module docstring; the opacity never below ``min_alpha``); returns the mode drawn."""
    modes = list(BLENDS)
    mode = modes[int(rng.choice(len(modes), p=list(BLENDS.values())))]
    weight = alpha.astype(np.float32) * (1 / 255)
    if mode == "alpha":
        _composite(work, weight * float(rng.uniform(min(max(min_alpha, MIN_ALPHA), 1.0), 1.0)),
                   np.broadcast_to(colour, work.shape).astype(np.float32))
    elif mode == "shade":
        _composite(work, weight, _shaded(work, alpha, colour, rng))
    elif mode == "poisson" and _poisson(work, alpha, colour, bool(rng.random() < 0.8)):
        pass
    else:
        paint(work, alpha, 0, 0, colour)
        mode = "paint"
    return mode
