"""Rec and cls crops cut the way a detector cuts them, and the degradations of real crops.

A text detector's box never hugs the ink: **margins** (:class:`Box`) are loose or tight, each
side on its own, so background and neighbouring text show at the edges, and the box is slightly
**turned and skewed** against the text. :func:`detector_quad` builds such a box around a text
polygon so that it always contains the whole polygon (negative margins stop at the ink: a
margin below 0 is a tight side). Files (``writer.rec_crops``) cut it from the page
(:func:`detector_crop`); streamed lines (:func:`ppocr_bench.synth.render.render_line_image`)
cut it from a canvas holding the line and fragments of its neighbours (:func:`cut`).

Then the **degradations** of the ``realism`` families (:class:`Degradation`, drawn by
:func:`plan_degradation`, each family with its own probability so that clean crops stay
common): ``light`` (uneven light, gamma, a partial shadow), ``blur`` (Gaussian, motion or
defocus), ``lowres`` (shrunk to 8-20 px high, median 16, and enlarged back) and ``jpeg``
(quality 15-70).

Ranges, from the ICDAR 2015 training word crops (``shared/real``): crops are 12 / 17 / 23 px
high at the 5th / 25th / 50th percentile, mostly blurred and compressed, their boxes mostly
tight with a few loose ones. Margins (units of the line's thickness) are drawn as
``lo + (hi - lo) * u**1.5`` (median about a third of the way): across the line -3 %..+35 %,
along it (the ends) -3 %..+50 %; turns up to 3 degrees (less for long lines, so the tilt never
adds more than 30 % of the height); shears up to 0.05. Each sample draws the same numbers
whichever options are on, so switching one option off changes only its own effect.
Images are H x W x 3 uint8 RGB.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import cv2
import numpy as np

from ppocr_bench.data.transforms import crop_polygon
from ppocr_bench.synth.realism import Realism

EDGE_MARGIN = (-0.03, 0.35)  # top and bottom, in units of the line's thickness
END_MARGIN = (-0.03, 0.50)  # the two ends of the line
MAX_TURN = 3.0  # degrees
MAX_TILT = 0.3  # the turn never raises one end by more than this share of the thickness
MAX_SHEAR = 0.05
#: Probability of each degradation family on a streamed line; file crops, cut from pages that
#: already have the camera's light, blur and JPEG, get the share :data:`PAGE_FACTOR` of those.
P_LIGHT, P_BLUR, P_LOWRES, P_JPEG = 0.3, 0.3, 0.35, 0.3
PAGE_FACTOR = 0.5
LOWRES_PX = (8, 20)
JPEG_QUALITY = (15, 70)
#: A page crop whose own blur and low resolution would leave it less contrast than this (or
#: than it had, when it had less) is kept sharp: its text was made legible for the page only.
MIN_CROP_CONTRAST = 30.0
BOX_DRAWS, PLAN_DRAWS = 6, 16


@dataclass(frozen=True)
class Box:
    """How a detector's box misses the ink: margins (units of the line's thickness) at the
    two ends of the line and on its two edges (top, bottom), a turn in [-1, 1] (a share of the
    largest angle the line's aspect allows) and a shear (tan of the skew)."""

    ends: tuple[float, float] = (0.0, 0.0)
    edges: tuple[float, float] = (0.0, 0.0)
    turn: float = 0.0
    shear: float = 0.0


def _margin(lo: float, hi: float, u: float) -> float:
    return lo + (hi - lo) * u**1.5


def draw_box(rng: np.random.Generator, detector: bool = True) -> Box:
    """A detector's box (``detector``), else a plain straight one with small margins (the
    lines of before: 4-16 % across, 5-25 % at the ends). Draws :data:`BOX_DRAWS` numbers."""
    u = rng.random(BOX_DRAWS).tolist()
    if not detector:
        return Box((0.05 + 0.2 * u[0], 0.05 + 0.2 * u[1]), (0.04 + 0.12 * u[2], 0.04 + 0.12 * u[3]))
    return Box((_margin(*END_MARGIN, u[0]), _margin(*END_MARGIN, u[1])),
               (_margin(*EDGE_MARGIN, u[2]), _margin(*EDGE_MARGIN, u[3])),
               2 * u[4] - 1, MAX_SHEAR * (2 * u[5] - 1))


def _axes(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unit vectors along the polygon's top edge (TL -> TR) and across it (downwards)."""
    k = len(points) // 2
    a = (points[k - 1] - points[0]) + (points[k] - points[-1])
    a = a / max(float(np.hypot(*a)), 1e-9)
    return a, np.array([-a[1], a[0]])


def detector_quad(points: np.ndarray, box: Box) -> np.ndarray:
    """The 4 x 2 box (TL, TR, BR, BL, the polygon's own corner order) a detector would give
    for the text polygon ``points`` (4 points, or 2k for curved text), with ``box``'s margins,
    turn and shear; it contains every point of ``points``. The line's direction is its longer
    side (vertical lines have their ends at the top and bottom)."""
    pts = np.asarray(points, np.float64).reshape(-1, 2)
    a, b = _axes(pts)
    la, lb = float(np.ptp(pts @ a)), float(np.ptp(pts @ b))
    thick, length = max(min(la, lb), 1.0), max(la, lb, 1.0)
    limit = min(MAX_TURN, math.degrees(math.atan(MAX_TILT * thick / length)))
    angle = math.radians(box.turn * limit)
    rot = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
    a2, b2 = rot @ a, rot @ b
    b2 = b2 + box.shear * a2
    centre = pts.mean(axis=0)
    coef = np.linalg.solve(np.stack([a2, b2], axis=1), (pts - centre).T).T
    (s0, t0), (s1, t1) = coef.min(axis=0), coef.max(axis=0)
    ends, edges = (box.ends, box.edges) if la >= lb else (box.edges, box.ends)
    s0, s1 = s0 - max(ends[0], 0.0) * thick, s1 + max(ends[1], 0.0) * thick
    t0, t1 = t0 - max(edges[0], 0.0) * thick, t1 + max(edges[1], 0.0) * thick
    corners = [(s0, t0), (s1, t0), (s1, t1), (s0, t1)]
    return np.array([centre + s * a2 + t * b2 for s, t in corners], np.float32)


def cut(image: np.ndarray, quad: np.ndarray, height: int, points: np.ndarray | None = None
        ) -> tuple[np.ndarray, np.ndarray | None]:
    """The parallelogram ``quad`` (TL, TR, BR, BL) of ``image`` as a ``height`` px high
    rectangle (width by its aspect), and ``points`` mapped into it."""
    tl, tr, _, bl = np.asarray(quad, np.float64)
    along = float(np.hypot(*(tr - tl)))
    (ax, ay), (bx, by) = tr - tl, bl - tl
    across = abs(float(ax * by - ay * bx)) / max(along, 1e-9)
    width = max(1, int(round(height * along / max(across, 1e-9))))
    m = cv2.getAffineTransform(np.float32([tl, tr, bl]),
                               np.float32([[0, 0], [width, 0], [0, height]]))
    out = cv2.warpAffine(image, m, (width, height), flags=cv2.INTER_LINEAR,
                         borderMode=cv2.BORDER_REPLICATE)
    if points is None:
        return out, None
    pts = np.asarray(points, np.float64).reshape(-1, 2)
    return out, pts @ m[:, :2].T + m[:, 2]


# ---------------------------------------------------------------- degradations
def motion_kernel(length: int, angle: float) -> np.ndarray:
    """A normalised ``length`` x ``length`` line kernel at ``angle`` degrees."""
    kernel = np.zeros((length, length), np.float32)
    kernel[length // 2, :] = 1.0
    rot = cv2.getRotationMatrix2D(((length - 1) / 2, (length - 1) / 2), angle, 1.0)
    kernel = cv2.warpAffine(kernel, rot, (length, length))
    return kernel / max(float(kernel.sum()), 1e-6)


def disc_kernel(radius: float) -> np.ndarray:
    """A normalised defocus disc of ``radius`` px (anti-aliased edge)."""
    n = int(math.ceil(radius)) * 2 + 1
    ys, xs = np.mgrid[0:n, 0:n].astype(np.float32) - (n - 1) / 2
    kernel = np.clip(radius + 0.5 - np.hypot(xs, ys), 0.0, 1.0)
    return (kernel / kernel.sum()).astype(np.float32)


@dataclass(frozen=True)
class Degradation:
    """What happens to a crop once cut (every field off by default): ``light`` (kind
    ``gradient`` | ``glare`` | ``shadow``, angle in radians, strength, offset, softness),
    ``gamma``; ``sigma`` (Gaussian blur) or ``kernel`` (motion or defocus); ``lowres`` (the
    height in px the crop is shrunk to, ``area`` resampling or plain linear, then enlarged
    back); ``quality`` (JPEG)."""

    light: tuple[str, float, float, float, float] | None = None
    gamma: float = 1.0
    sigma: float = 0.0
    kernel: np.ndarray | None = None
    lowres: int = 0
    area: bool = True
    quality: int = 0

    @property
    def gain(self) -> float:
        """The smallest factor luma differences are multiplied by (the light's darkest)."""
        if self.light is None or self.light[0] == "glare":
            return 1.0
        return 1.0 - self.light[2]

    def fade(self, img: np.ndarray) -> np.ndarray:
        """``img`` (an alpha mask or an image) blurred and resampled as this blurs a crop."""
        if self.sigma > 0:
            img = cv2.GaussianBlur(img, (0, 0), self.sigma)
        if self.kernel is not None:
            img = cv2.filter2D(img, -1, self.kernel)
        h, w = img.shape[:2]
        if self.lowres and h > self.lowres:
            small = (max(1, round(w * self.lowres / h)), self.lowres)
            down = cv2.INTER_AREA if self.area else cv2.INTER_LINEAR
            img = cv2.resize(img, small, interpolation=down)
            img = cv2.resize(img, (w, h), interpolation=cv2.INTER_LINEAR)
        return img

    def apply(self, img: np.ndarray) -> np.ndarray:
        """The degraded crop (a new array; nothing random left to draw)."""
        if self.light is not None:
            img = _light(img, self.light)
        if self.gamma != 1.0:
            lut = np.clip(255.0 * (np.arange(256) / 255.0) ** self.gamma + 0.5, 0, 255)
            img = cv2.LUT(img, lut.astype(np.uint8))
        img = self.fade(img)
        if self.quality:
            ok, buf = cv2.imencode(".jpg", np.ascontiguousarray(img[..., ::-1]),
                                   [cv2.IMWRITE_JPEG_QUALITY, self.quality])
            assert ok, "JPEG encoding failed"
            img = np.ascontiguousarray(cv2.imdecode(buf, cv2.IMREAD_COLOR)[..., ::-1])
        return img


def _light(img: np.ndarray, light: tuple[str, float, float, float, float]) -> np.ndarray:
    kind, angle, strength, offset, soft = light
    h, w = img.shape[:2]
    ys, xs = np.ogrid[0:h, 0:w]
    t = (xs * math.cos(angle) + ys * math.sin(angle)).astype(np.float32)
    t = (t - t.min()) / max(float(t.max() - t.min()), 1e-6)
    if kind == "shadow":  # a soft edge across the crop, the far side darker
        field = 1.0 - strength / (1.0 + np.exp(-(t - offset) / soft))
    else:
        field = 1.0 + strength * t if kind == "glare" else 1.0 - strength * t
    field = field.astype(np.float32)
    return cv2.multiply(img, cv2.merge([field, field, field]), dtype=cv2.CV_8U)


def plan_degradation(rng: np.random.Generator, height: int, realism: Realism,
                     page_finished: bool = False) -> Degradation:
    """The degradations of one crop ``height`` px high, of the families ``realism`` switches on
    (:data:`P_LIGHT` ... :data:`P_JPEG`; light, blur and JPEG at :data:`PAGE_FACTOR` of that
    when ``page_finished``: a page's crop). Draws :data:`PLAN_DRAWS` numbers whatever is on."""
    u = rng.random(PLAN_DRAWS).tolist()
    k = PAGE_FACTOR if page_finished else 1.0
    light, gamma = None, 1.0
    if realism.on("light") and u[0] < P_LIGHT * k:
        kind = "shadow" if u[1] < 0.4 else "glare" if u[1] < 0.55 else "gradient"
        strength = 0.25 + 0.25 * u[3] if kind == "shadow" else 0.15 + 0.3 * u[3]
        light = (kind, 2 * math.pi * u[2], strength, 0.2 + 0.6 * u[4], 0.02 + 0.1 * u[5])
        gamma = math.exp(0.8 * u[6] - 0.4)
    sigma, kernel = 0.0, None
    if realism.on("blur") and u[7] < P_BLUR * k:
        if u[8] < 0.4:  # sigma 0.4..(0.4 + 3.5 % of the height)
            sigma = 0.4 + u[9] * max(0.3, 0.035 * height)
        elif u[8] < 0.75:  # 3..(10 % of the height) px long
            kernel = motion_kernel(3 + int(u[9] * max(1, round(0.1 * height) - 2)), 180 * u[10])
        else:  # radius 1..(1 + 3 % of the height) px
            kernel = disc_kernel(1.0 + u[9] * max(0.5, 0.03 * height))
    lowres, area = 0, True
    if realism.on("lowres") and u[11] < P_LOWRES:
        lowres = LOWRES_PX[0] + int(u[12] ** 0.5 * (LOWRES_PX[1] - LOWRES_PX[0] + 1))
        area = u[13] < 0.6
    quality = 0
    if realism.on("jpeg") and u[14] < P_JPEG * k:
        quality = JPEG_QUALITY[0] + int(u[15] * (JPEG_QUALITY[1] - JPEG_QUALITY[0] + 1))
    return Degradation(light, gamma, sigma, kernel, lowres, area, quality)


def detector_crop(rng: np.random.Generator, image: np.ndarray, points, realism: Realism
                  ) -> np.ndarray:
    """The rec crop of the text polygon ``points`` of a page: cut by a detector's box when
    ``realism`` has ``crops`` (else the polygon itself, rectified as before), then degraded
    (:func:`plan_degradation`, as a page's crop; without its blur and low resolution when
    they would leave less contrast than :data:`MIN_CROP_CONTRAST`). Draws the same numbers
    whatever is on."""
    pts = np.asarray(points, np.float32).reshape(-1, 2)
    box = draw_box(rng)
    crop = crop_polygon(image, detector_quad(pts, box) if realism.on("crops") else pts)
    plan = plan_degradation(rng, crop.shape[0], realism, page_finished=True)
    out = plan.apply(crop)
    if plan.sigma or plan.kernel is not None or plan.lowres:
        if otsu_contrast(out) < min(MIN_CROP_CONTRAST, otsu_contrast(crop)):
            out = replace(plan, sigma=0.0, kernel=None, lowres=0).apply(crop)
    return out


def otsu_contrast(img: np.ndarray) -> float:
    """The luma difference between the two Otsu classes of an image (text and background)."""
    grey = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)
    _, mask = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    a, b = grey[mask > 0], grey[mask == 0]
    return abs(float(a.mean()) - float(b.mean())) if a.size and b.size else 0.0
