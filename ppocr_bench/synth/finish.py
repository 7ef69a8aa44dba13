"""The photometric finish of a page: uneven light, colour cast, blur, dust, grain and JPEG.

A :class:`Finish` is drawn *before* the page's text (:func:`plan_photo` for scenes,
:func:`plan_scan` for documents) and applied after it, so that text colours can allow for what
will fade the text: :meth:`Finish.fade` blurs an alpha mask as the page will be blurred (and
resampled, for low resolution) and :meth:`Finish.gain` is the factor by which luma differences
shrink over a box (shading, shadows, colour jitter); see :mod:`ppocr_bench.synth.contrast`.
Images are H x W x 3 uint8 RGB.

Scenes of a :class:`~ppocr_bench.synth.realism.Realism` other than legacy draw the degradation
families it switches on: ``light`` (a shading gradient or blob, a soft cast shadow), ``blur``
(defocus or motion), ``lowres`` (the page shrunk and enlarged again) and ``jpeg`` (strong
compression, beside the writer's own JPEG). Legacy scenes draw the finish of before.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ppocr_bench.synth.augment import normal_bytes, value_noise
from ppocr_bench.synth.realism import LEGACY, Realism

SHADE_CELL = 8  # the shading field is drawn at 1/8 resolution, then upsampled


def shading_field(rng: np.random.Generator, h: int, w: int, strength: float) -> np.ndarray:
    """Uneven lighting as an (h/8) x (w/8) float32 multiplier in [1 - strength, 1]: a linear
    gradient or a soft shadow blob."""
    sh, sw = max(2, h // SHADE_CELL), max(2, w // SHADE_CELL)
    if rng.random() < 0.5:
        ang = rng.uniform(0, 2 * np.pi)
        ys, xs = np.mgrid[0:sh, 0:sw].astype(np.float32)
        t = (xs * np.cos(ang) + ys * np.sin(ang)) / max(sh, sw)
        t = (t - t.min()) / max(float(t.max() - t.min()), 1e-6)
        field = 1.0 - strength * rng.uniform(0.3, 1.0) * t
    else:
        field = 1.0 - strength * value_noise(rng, sh, sw, 2) ** 2
    return field.astype(np.float32)


def shadow_field(rng: np.random.Generator, sh: int, sw: int) -> np.ndarray:
    """A cast shadow at shading resolution (sh x sw float32 multiplier): a random quadrilateral
    across part of the page, darkened by 25-50%, its edge softened."""
    t = np.sort(rng.uniform(-0.2, 1.2, 2))
    side = int(rng.integers(0, 4))  # enters from the left, top, right or bottom edge
    along, across = (sh, sw) if side % 2 == 0 else (sw, sh)
    outer = np.c_[np.full(2, -2.0 if side < 2 else across + 2.0), t * along]
    corners = np.r_[outer if side % 2 == 0 else outer[:, ::-1],
                    rng.uniform(0.1, 0.9, (2, 2)) * [sw, sh]]
    mask = np.zeros((sh, sw), np.float32)
    hull = cv2.convexHull(np.round(corners * 16).astype(np.int32))
    cv2.fillPoly(mask, [hull], 1.0, cv2.LINE_AA, shift=4)
    mask = cv2.GaussianBlur(mask, (0, 0), float(rng.uniform(0.5, 2.5)))
    return (1.0 - float(rng.uniform(0.25, 0.5)) * mask).astype(np.float32)


def motion_kernel(rng: np.random.Generator, max_len: int = 5) -> np.ndarray:
    """A normalised n x n line kernel (2 <= n <= max_len) at a random angle."""
    n = int(rng.integers(2, max_len + 1))
    kernel = np.zeros((n, n), np.float32)
    kernel[n // 2, :] = 1.0 / n
    rot = cv2.getRotationMatrix2D(((n - 1) / 2, (n - 1) / 2), float(rng.uniform(0, 180)), 1.0)
    kernel = cv2.warpAffine(kernel, rot, (n, n))
    return kernel / max(float(kernel.sum()), 1e-6)


@dataclass(frozen=True)
class Finish:
    """What happens to a page after its text is drawn (every field off by default).

    ``shade``: shading field (see :func:`shading_field`); ``jitter``: per-channel gain (3,),
    contrast and bias of a colour cast; ``sigma``: Gaussian blur; ``motion``: motion-blur
    kernel; ``speckle``: dust density; ``noise``: grain sigma; ``quality``: JPEG quality;
    ``lowres``: the scale (0..1) the page is shrunk to and enlarged back from, after the blur.
    """

    shade: np.ndarray | None = None
    jitter: tuple[np.ndarray, float, float] | None = None
    sigma: float = 0.0
    motion: np.ndarray | None = None
    speckle: float = 0.0
    noise: float = 0.0
    quality: int = 0
    lowres: float = 0.0

    def fade(self, img: np.ndarray) -> np.ndarray:
        """``img`` (an alpha mask or an image) blurred (and resampled) as this finish blurs
        the page."""
        if self.sigma > 0:
            img = cv2.GaussianBlur(img, (0, 0), self.sigma)
        if self.motion is not None:
            img = cv2.filter2D(img, -1, self.motion)
        if 0 < self.lowres < 1:
            h, w = img.shape[:2]
            small = (max(1, round(w * self.lowres)), max(1, round(h * self.lowres)))
            img = cv2.resize(cv2.resize(img, small, interpolation=cv2.INTER_AREA), (w, h),
                             interpolation=cv2.INTER_LINEAR)
        return img

    def gain(self, box: tuple[int, int, int, int]) -> float:
        """The smallest factor luma differences inside ``box`` (x0, y0, x1, y1 in page px) are
        multiplied by: the shading field's minimum there times the colour cast's contrast."""
        out = 1.0
        if self.shade is not None:  # the field's cells over the box, one more on every side
            sh, sw = self.shade.shape
            x0, y0, x1, y1 = (int(v) // SHADE_CELL for v in box)
            ys = slice(min(max(y0 - 1, 0), sh - 1), max(min(y1 + 2, sh), 1))
            xs = slice(min(max(x0 - 1, 0), sw - 1), max(min(x1 + 2, sw), 1))
            out *= float(self.shade[ys, xs].min())
        if self.jitter is not None:
            gains, contrast, _ = self.jitter
            out *= contrast * float(np.min(gains))
        return out

    def apply(self, rng: np.random.Generator, img: np.ndarray) -> np.ndarray:
        """The finished page (a new array); ``rng`` draws the per-pixel randomness."""
        h, w = img.shape[:2]
        if self.shade is not None:
            field = cv2.resize(self.shade, (w, h), interpolation=cv2.INTER_LINEAR)
            img = cv2.multiply(img, cv2.merge([field, field, field]), dtype=cv2.CV_8U)
        if self.jitter is not None:
            gains, contrast, bias = self.jitter
            out = (img.astype(np.float32) * gains - 128.0) * contrast + 128.0 + bias
            img = np.clip(out, 0, 255).astype(np.uint8)
        if self.speckle > 0:
            img = _speckle(rng, img, self.speckle)
        img = self.fade(img)
        if self.noise > 0:
            grain = normal_bytes(rng, (h, w), self.noise)
            img = cv2.add(img, cv2.merge([grain, grain, grain]), dtype=cv2.CV_8U)
        if self.quality:
            ok, buf = cv2.imencode(".jpg", img[..., ::-1], [cv2.IMWRITE_JPEG_QUALITY, self.quality])
            assert ok
            img = np.ascontiguousarray(cv2.imdecode(buf, cv2.IMREAD_COLOR)[..., ::-1])
        return img


def _speckle(rng: np.random.Generator, img: np.ndarray, density: float) -> np.ndarray:
    """Sparse dark dust specks, as on scanned paper."""
    h, w = img.shape[:2]
    out = img.copy()
    n = int(h * w * density)
    ys, xs = rng.integers(0, h, n), rng.integers(0, w, n)
    tone = rng.integers(0, 90, n)
    for y, x, t in zip(ys.tolist(), xs.tolist(), tone.tolist()):
        cv2.circle(out, (x, y), 1 if t % 3 else 0, (t, t, t), -1)
    return out


def _jitter(rng: np.random.Generator, amount: float) -> tuple[np.ndarray, float, float]:
    gains = 1.0 + rng.uniform(-amount, amount, 3).astype(np.float32) * 0.5
    return gains, float(rng.uniform(1 - amount, 1 + amount)), float(rng.uniform(-20, 20) * amount)


def plan_photo(rng: np.random.Generator, h: int, w: int, realism: Realism = LEGACY) -> Finish:
    """A camera-like finish for an h x w scene: uneven light, colour cast, blur, grain, JPEG;
    the degradation families ``realism`` switches on, or the legacy finish (see the module
    docstring)."""
    if not realism.legacy:
        return _plan_camera(rng, h, w, realism)
    shade = shading_field(rng, h, w, 0.5) if rng.random() < 0.5 else None
    jitter = _jitter(rng, 0.2) if rng.random() < 0.4 else None
    blur = rng.random()
    sigma = float(rng.uniform(0.3, 1.3)) if blur < 0.4 else 0.0
    motion = motion_kernel(rng, 5) if 0.4 <= blur < 0.5 else None
    noise = float(rng.uniform(1.0, 7.0)) if rng.random() < 0.6 else 0.0
    quality = int(rng.integers(30, 91)) if rng.random() < 0.6 else 0
    return Finish(shade, jitter, sigma, motion, 0.0, noise, quality)


def _plan_camera(rng: np.random.Generator, h: int, w: int, realism: Realism) -> Finish:
    shade = None
    if realism.on("light") and rng.random() < 0.6:
        shade = shading_field(rng, h, w, float(rng.uniform(0.25, 0.6)))
        if rng.random() < 0.35:
            shade = shade * shadow_field(rng, *shade.shape)
    jitter = _jitter(rng, 0.2) if rng.random() < 0.4 else None
    sigma, motion = 0.0, None
    if realism.on("blur"):
        blur = rng.random()
        sigma = float(rng.uniform(0.4, 1.6)) if blur < 0.35 else 0.0  # defocus
        motion = motion_kernel(rng, 9) if 0.35 <= blur < 0.5 else None
    lowres = 0.0
    if realism.on("lowres") and rng.random() < 0.25:
        lowres = float(rng.uniform(0.5, 0.8))
    noise = float(rng.uniform(1.0, 7.0)) if rng.random() < 0.6 else 0.0
    quality = 0
    if realism.on("jpeg"):  # strong compression a third of the time, mild another third
        pick = rng.random()
        quality = int(rng.integers(15, 50)) if pick < 0.35 else int(rng.integers(50, 91))
        quality = quality if pick < 0.7 else 0
    return Finish(shade, jitter, sigma, motion, 0.0, noise, quality, lowres)


def plan_scan(rng: np.random.Generator, h: int, w: int) -> Finish:
    """A scanner-like finish for an h x w document: faint shading, dust, slight blur, grain, JPEG."""
    shade = shading_field(rng, h, w, 0.25) if rng.random() < 0.4 else None
    speckle = 2e-4 * float(rng.random()) if rng.random() < 0.4 else 0.0
    sigma = float(rng.uniform(0.3, 0.9)) if rng.random() < 0.5 else 0.0
    noise = float(rng.uniform(1.0, 5.0)) if rng.random() < 0.7 else 0.0
    quality = int(rng.integers(50, 93)) if rng.random() < 0.7 else 0
    return Finish(shade, None, sigma, None, speckle, noise, quality)
