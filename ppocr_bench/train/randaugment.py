"""RandAugment (Cubuk et al. 2019) for the direction classifier, as PaddleOCR ``RawRandAugment``:
``num_layers`` (2) ops drawn uniformly from the list below, each applied with probability
``prob`` (0.5) at magnitude ``magnitude`` out of 10 (5), with a random sign for signed ops.

Ops (numpy / OpenCV on H x W x 3 uint8 BGR; geometric ones fill with grey 128): shear_x,
shear_y (up to 0.3), translate_x, translate_y (up to 150/331 of the size), rotate (up to 30
deg), color (saturation factor 0.1-1.9), posterize (8 - 4 bits at most), solarize (threshold
256 down to 0), contrast, sharpness, brightness (factors 0.1-1.9), autocontrast, equalize,
invert. There is no horizontal/vertical flip or 180 rotation: those would change the 0/180 label.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

FILL = (128, 128, 128)


@dataclass(frozen=True)
class RandAugment:
    num_layers: int = 2
    magnitude: int = 5
    prob: float = 0.5


def _affine(image: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    h, w = image.shape[:2]
    return cv2.warpAffine(image, matrix.astype(np.float32), (w, h), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=FILL)


def _blend(a: np.ndarray, b: np.ndarray, factor: float) -> np.ndarray:
    """PIL ImageEnhance: b + factor * (a - b), clipped; factor 1 leaves ``a``."""
    out = b.astype(np.float32) + factor * (a.astype(np.float32) - b.astype(np.float32))
    return np.clip(out, 0, 255).astype(np.uint8)


def _grey(image: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR)


def _op(name: str, image: np.ndarray, level: float, sign: float) -> np.ndarray:
    h, w = image.shape[:2]
    if name == "shear_x":
        return _affine(image, np.array([[1, sign * 0.3 * level, 0], [0, 1, 0]]))
    if name == "shear_y":
        return _affine(image, np.array([[1, 0, 0], [sign * 0.3 * level, 1, 0]]))
    if name == "translate_x":
        return _affine(image, np.array([[1, 0, sign * level * 150 / 331 * w], [0, 1, 0]]))
    if name == "translate_y":
        return _affine(image, np.array([[1, 0, 0], [0, 1, sign * level * 150 / 331 * h]]))
    if name == "rotate":
        return _affine(image, cv2.getRotationMatrix2D(((w - 1) / 2, (h - 1) / 2),
                                                      sign * 30 * level, 1.0))
    if name == "color":
        return _blend(image, _grey(image), 1 + sign * 0.9 * level)
    if name == "posterize":
        bits = max(8 - round(4 * level), 1)
        return (image & np.uint8((0xFF << (8 - bits)) & 0xFF)).astype(np.uint8)
    if name == "solarize":
        threshold = 256 - 256 * level
        return np.where(image >= threshold, 255 - image, image).astype(np.uint8)
    if name == "contrast":
        mean = np.full_like(image, int(_grey(image)[..., 0].mean() + 0.5))
        return _blend(image, mean, 1 + sign * 0.9 * level)
    if name == "sharpness":
        smooth = cv2.filter2D(image, -1, np.array([[1, 1, 1], [1, 5, 1], [1, 1, 1]]) / 13)
        return _blend(image, smooth, 1 + sign * 0.9 * level)
    if name == "brightness":
        return _blend(image, np.zeros_like(image), 1 + sign * 0.9 * level)
    if name == "autocontrast":
        lo = image.reshape(-1, 3).min(0).astype(np.float32)
        hi = image.reshape(-1, 3).max(0).astype(np.float32)
        scale = np.where(hi > lo, 255 / np.maximum(hi - lo, 1), 1.0)
        return np.clip((image - lo) * scale, 0, 255).astype(np.uint8)
    if name == "equalize":
        return np.stack([cv2.equalizeHist(np.ascontiguousarray(image[..., c]))
                         for c in range(3)], axis=2)
    if name == "invert":
        return 255 - image
    raise ValueError(f"unknown RandAugment op {name!r}")


OPS = ("shear_x", "shear_y", "translate_x", "translate_y", "rotate", "color", "posterize",
       "solarize", "contrast", "sharpness", "brightness", "autocontrast", "equalize", "invert")


def rand_augment(image: np.ndarray, aug: RandAugment, rng: np.random.Generator) -> np.ndarray:
    """Apply ``aug.num_layers`` random ops (see the module docstring) to a BGR uint8 image."""
    level = aug.magnitude / 10
    for _ in range(aug.num_layers):
        name = OPS[int(rng.integers(len(OPS)))]
        apply, sign = rng.random() < aug.prob, (1.0 if rng.random() < 0.5 else -1.0)
        if apply:
            image = _op(name, image, level, sign)
    return np.ascontiguousarray(image)
