"""Inference-time image transforms of PP-OCR: det resize + normalize, crop rectification,
cls / rec resize + normalize. All numpy / OpenCV; images are H x W x 3 uint8 in **BGR** order
(as ``cv2.imread`` gives them and as PaddleOCR feeds its networks).

Channel order (PaddleOCR's quirk, kept on purpose so official weights see what they were trained
on): :func:`normalize_image` applies the ImageNet mean/std lists in *list order to the BGR
channels*, i.e. the R statistics (0.485, 0.229) to the B channel and the B statistics (0.406,
0.225) to the R channel.
"""

from __future__ import annotations

import math
from typing import Literal

import cv2
import numpy as np

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
CLS_SHAPE = (3, 48, 192)
REC_SHAPE = (3, 48, 320)
REC_SHAPE_V2 = (3, 32, 320)  # ch_ppocr_mobile_v2.0 CRNN input


# ---------------------------------------------------------------- detection
def det_resize_for_test(
    img: np.ndarray, limit_side_len: int, limit_type: Literal["min", "max"]
) -> tuple[np.ndarray, tuple[float, float]]:
    """PaddleOCR ``DetResizeForTest`` (resize type 0); the inference profiles
    (:mod:`ppocr_bench.inference.profiles`) hold the values the system uses.

    ``limit_type="min"``: upscale so the short side is at least ``limit_side_len``;
    ``"max"``: downscale so the long side is at most ``limit_side_len``; otherwise keep the size.
    Each side is then truncated to int and rounded to the nearest multiple of 32 (at least 32).
    ``img``: H x W x C. Returns (resized H' x W' x C, (ratio_h, ratio_w) = (H'/H, W'/W)).
    """
    h, w = img.shape[:2]
    if limit_type == "min":
        ratio = limit_side_len / min(h, w) if min(h, w) < limit_side_len else 1.0
    elif limit_type == "max":
        ratio = limit_side_len / max(h, w) if max(h, w) > limit_side_len else 1.0
    else:
        raise ValueError(f"limit_type must be 'min' or 'max', not {limit_type!r}")
    resize_h = max(int(round(int(h * ratio) / 32) * 32), 32)
    resize_w = max(int(round(int(w * ratio) / 32) * 32), 32)
    resized = cv2.resize(img, (resize_w, resize_h))
    return resized, (resize_h / h, resize_w / w)


def normalize_image(
    img: np.ndarray,
    mean: tuple[float, float, float] = IMAGENET_MEAN,
    std: tuple[float, float, float] = IMAGENET_STD,
) -> np.ndarray:
    """H x W x 3 uint8 (BGR) -> 3 x H x W float32, ``(x / 255 - mean[c]) / std[c]`` per channel c
    in the image's own order (see the module docstring)."""
    x = img.astype(np.float32) * np.float32(1.0 / 255.0)
    x = (x - np.asarray(mean, dtype=np.float32)) / np.asarray(std, dtype=np.float32)
    return np.ascontiguousarray(x.transpose(2, 0, 1))


def det_preprocess(
    img: np.ndarray, limit_side_len: int, limit_type: Literal["min", "max"],
    mean: tuple[float, float, float] = IMAGENET_MEAN,
    std: tuple[float, float, float] = IMAGENET_STD,
) -> tuple[np.ndarray, tuple[int, int, float, float]]:
    """Resize + normalize (``mean``/``std``, ImageNet's by default) for the detector.

    Returns (3 x H' x W' float32, (src_h, src_w, ratio_h, ratio_w)).
    """
    resized, (rh, rw) = det_resize_for_test(img, limit_side_len, limit_type)
    return normalize_image(resized, mean, std), (img.shape[0], img.shape[1], rh, rw)


# ---------------------------------------------------------------- crops
def get_rotate_crop_image(img: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Rectify the quadrilateral ``points`` (4 x 2, TL, TR, BR, BL) of ``img`` (H x W [x C]).

    Width = int(max(|TL-TR|, |BR-BL|)), height = int(max(|TL-BL|, |TR-BR|)) (each at least 1),
    perspective warp with INTER_CUBIC and BORDER_REPLICATE; a result with h / w >= 1.5 is
    rotated 90 degrees counter-clockwise (``np.rot90``), so a top-to-bottom column reads left to
    right. Returns h x w [x C] (or w x h after the rotation), the dtype of ``img``.
    """
    pts = np.asarray(points, dtype=np.float32).reshape(-1, 2)
    if pts.shape != (4, 2):
        raise ValueError(f"expected 4 x 2 points, got {pts.shape}")
    width = max(int(max(np.linalg.norm(pts[0] - pts[1]), np.linalg.norm(pts[2] - pts[3]))), 1)
    height = max(int(max(np.linalg.norm(pts[0] - pts[3]), np.linalg.norm(pts[1] - pts[2]))), 1)
    dst = _warp_quad(img, pts, width, height)
    return _maybe_rotate(dst)


def _warp_quad(img: np.ndarray, quad: np.ndarray, width: int, height: int) -> np.ndarray:
    target = np.float32([[0, 0], [width, 0], [width, height], [0, height]])
    m = cv2.getPerspectiveTransform(quad.astype(np.float32), target)
    return cv2.warpPerspective(
        img, m, (width, height), borderMode=cv2.BORDER_REPLICATE, flags=cv2.INTER_CUBIC
    )


def _maybe_rotate(crop: np.ndarray) -> np.ndarray:
    if crop.shape[0] / crop.shape[1] >= 1.5:
        return np.ascontiguousarray(np.rot90(crop))
    return crop


def get_poly_crop_image(img: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Rectify a curved 2k-point polygon (2k x 2: top edge left to right, then bottom edge right
    to left, k >= 2) piecewise.

    Quad i (i < k - 1) is (top[i], top[i+1], bottom[i+1], bottom[i]); all quads are warped to one
    common height, int(max_i |top[i] - bottom[i]|), each to its own width
    int(max(|top[i+1] - top[i]|, |bottom[i+1] - bottom[i]|)), and concatenated left to right.
    The h / w >= 1.5 rotation of :func:`get_rotate_crop_image` applies to the result. For
    k = 2 this equals :func:`get_rotate_crop_image`.
    """
    pts = np.asarray(points, dtype=np.float32).reshape(-1, 2)
    n = len(pts)
    if n < 4 or n % 2:
        raise ValueError(f"a curved polygon needs an even number >= 4 of points, got {n}")
    k = n // 2
    top, bottom = pts[:k], pts[k:][::-1]
    height = max(int(np.linalg.norm(top - bottom, axis=1).max()), 1)
    pieces = []
    for i in range(k - 1):
        quad = np.stack([top[i], top[i + 1], bottom[i + 1], bottom[i]])
        w = int(max(np.linalg.norm(top[i + 1] - top[i]), np.linalg.norm(bottom[i + 1] - bottom[i])))
        pieces.append(_warp_quad(img, quad, max(w, 1), height))
    return _maybe_rotate(np.concatenate(pieces, axis=1))


def crop_polygon(img: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Rectified crop of a text polygon: 4 points -> :func:`get_rotate_crop_image`, 2k > 4 points
    -> :func:`get_poly_crop_image`. ``img``: H x W [x C]; ``points``: K x 2 (x, y)."""
    pts = np.asarray(points, dtype=np.float32).reshape(-1, 2)
    if len(pts) == 4:
        return get_rotate_crop_image(img, pts)
    return get_poly_crop_image(img, pts)


# ---------------------------------------------------------------- cls / rec
def resize_norm_keep_ratio(img: np.ndarray, shape: tuple[int, int, int],
                           pad: bool = True) -> np.ndarray:
    """PaddleOCR ``resize_norm_img``: H x W x C uint8 -> C x imgH x imgW float32.

    Resized to height imgH keeping the aspect ratio (width min(ceil(imgH * W / H), imgW)),
    scaled to (x / 255 - 0.5) / 0.5 in [-1, 1], then zero-padded on the right to imgW
    (``pad=False``: not padded, C x imgH x the resized width).
    """
    c, img_h, img_w = shape
    if img.ndim == 2:
        img = img[:, :, None]
    if img.shape[2] != c:
        if img.shape[2] == 1:
            img = np.repeat(img, c, axis=2)
        else:
            raise ValueError(f"image has {img.shape[2]} channels, expected {c}")
    h, w = img.shape[:2]
    resized_w = min(int(math.ceil(img_h * w / h)), img_w)
    resized = cv2.resize(img, (max(resized_w, 1), img_h))
    if resized.ndim == 2:
        resized = resized[:, :, None]
    x = resized.astype(np.float32).transpose(2, 0, 1) / 255.0
    x = (x - 0.5) / 0.5
    if not pad:
        return np.ascontiguousarray(x)
    out = np.zeros((c, img_h, img_w), dtype=np.float32)
    out[:, :, : x.shape[2]] = x
    return out


def cls_resize_norm(img: np.ndarray, shape: tuple[int, int, int] = CLS_SHAPE) -> np.ndarray:
    """Classifier input: 3 x 48 x 192 float32 (see :func:`resize_norm_keep_ratio`)."""
    return resize_norm_keep_ratio(img, shape)


def rec_resize_norm(
    img: np.ndarray, shape: tuple[int, int, int] = REC_SHAPE, max_wh_ratio: float | None = None,
    pad: bool = True,
) -> np.ndarray:
    """Recognizer input: 3 x 48 x 320 (or 3 x 32 x 320) float32.

    With ``max_wh_ratio`` (PaddleOCR's batched inference) the target width becomes
    int(imgH * max_wh_ratio) instead of imgW, so a batch of wide crops is not squeezed.
    """
    c, img_h, img_w = shape
    if max_wh_ratio is not None:
        img_w = int(img_h * max_wh_ratio)
    return resize_norm_keep_ratio(img, (c, img_h, img_w), pad)
