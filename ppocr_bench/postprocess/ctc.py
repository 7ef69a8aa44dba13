"""Greedy CTC decoding (PaddleOCR ``CTCLabelDecode``).

Class layout: index 0 is the CTC blank, index i in 1..len(charset) is ``charset[i - 1]``, and
with ``use_space_char`` one more class (the last, len(charset) + 1) is ``" "``. So a model for a
charset of n characters has C = n + 1 (+ 1 with the space class) outputs.

Per sequence: argmax class per time step; a step is kept when its class differs from the
previous step's (repeats merged) and is not the blank. Text = the kept classes' characters;
confidence = mean of the kept steps' max probabilities, 0.0 when nothing is kept (empty text).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ppocr_bench.errors import PpocrError

BLANK = 0


def ctc_classes(charset: Sequence[str], use_space_char: bool = False) -> list[str]:
    """The class list: ``["<blank>", *charset]`` plus ``" "`` with ``use_space_char``."""
    return ["<blank>", *charset, *([" "] if use_space_char else [])]


def ctc_greedy_decode(
    probs: np.ndarray, charset: Sequence[str], *, use_space_char: bool = False
) -> list[tuple[str, float]]:
    """Decode N x T x C softmax probabilities into N (text, confidence) pairs.

    Raises :class:`PpocrError` when C does not match the charset (a model trained with another
    dictionary would otherwise decode garbage).
    """
    probs = np.asarray(probs)
    if probs.ndim != 3:
        raise ValueError(f"expected N x T x C probabilities, got shape {probs.shape}")
    classes = ctc_classes(charset, use_space_char)
    if probs.shape[2] != len(classes):
        raise PpocrError(
            f"CTC output has {probs.shape[2]} classes but the charset gives {len(classes)} "
            f"(blank + {len(charset)} chars{' + space' if use_space_char else ''})"
        )
    idx = probs.argmax(axis=2)  # N x T
    conf = probs.max(axis=2)  # N x T
    keep = np.ones_like(idx, dtype=bool)
    keep[:, 1:] = idx[:, 1:] != idx[:, :-1]
    keep &= idx != BLANK
    out = []
    for row_idx, row_conf, row_keep in zip(idx, conf, keep):
        chars = row_idx[row_keep]
        text = "".join(classes[i] for i in chars)
        score = float(row_conf[row_keep].mean()) if row_keep.any() else 0.0
        out.append((text, score))
    return out
