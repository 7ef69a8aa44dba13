"""Direction-classifier post-processing (PaddleOCR ``ClsPostProcess`` + ``TextClassifier``).

Class 0 is 0 degrees, class 1 is 180 degrees. A crop is flipped (rotated by 180 degrees) when
the predicted label is 180 and its score is strictly above ``thresh`` (0.9).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

CLS_LABELS = (0, 180)
FLIP_THRESH = 0.9


def cls_decode(probs: np.ndarray) -> list[tuple[int, float]]:
    """N x 2 softmax probabilities -> N (angle 0|180, score of that class)."""
    probs = np.asarray(probs)
    if probs.ndim != 2 or probs.shape[1] != len(CLS_LABELS):
        raise ValueError(f"expected N x 2 probabilities, got shape {probs.shape}")
    idx = probs.argmax(axis=1)
    return [(CLS_LABELS[i], float(probs[n, i])) for n, i in enumerate(idx)]


def should_flip(label: int, score: float, thresh: float = FLIP_THRESH) -> bool:
    """True when the crop should be rotated by 180 degrees."""
    return label == 180 and score > thresh


def apply_flips(
    crops: Sequence[np.ndarray], results: Sequence[tuple[int, float]], thresh: float = FLIP_THRESH
) -> list[np.ndarray]:
    """Rotate by 180 degrees each crop (H x W [x C]) whose (label, score) says so."""
    if len(crops) != len(results):
        raise ValueError(f"{len(crops)} crops but {len(results)} classifier results")
    return [np.ascontiguousarray(np.rot90(c, 2)) if should_flip(lab, s, thresh) else c
            for c, (lab, s) in zip(crops, results)]
