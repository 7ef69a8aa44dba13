"""CTC head and the charset -> class index convention (PaddleOCR's).

Class 0 is the CTC blank, classes 1..len(charset) are the charset in order, and with
``use_space`` one more class for " " comes last: 6,623 Chinese characters -> 6,625 classes.
"""

from __future__ import annotations

import torch
from torch import nn

from ppocr_bench.errors import PpocrError

BLANK = 0
SPACE = " "


def check_charset(charset: list[str], use_space: bool) -> None:
    """PpocrError unless ``charset`` is a non-empty list of distinct, non-empty strings without
    newlines. With ``use_space`` (which adds its own space class) a " " may only be the last
    entry: PaddleOCR's en_dict.txt ends in one, so its models have two classes that decode to
    a space."""
    if not charset:
        raise PpocrError("the charset is empty")
    seen: set[str] = set()
    for index, char in enumerate(charset):
        if not isinstance(char, str) or not char or "\n" in char:
            raise PpocrError(f"charset entry {index} ({char!r}) is not a non-empty one-line string")
        if char in seen:
            raise PpocrError(f"charset entry {index} ({char!r}) is a duplicate")
        seen.add(char)
    if use_space and SPACE in seen and charset[-1] != SPACE:
        raise PpocrError("the charset holds ' ' before its end and use_space adds it again")


def ctc_vocabulary(charset: list[str], use_space: bool) -> list[str]:
    """The string of every class index: ``["", *charset]`` plus ``" "`` when ``use_space``."""
    return ["", *charset, *([SPACE] if use_space else [])]


def num_ctc_classes(charset: list[str], use_space: bool) -> int:
    """len(charset) + 1 blank (+ 1 space when ``use_space``)."""
    return len(charset) + 1 + int(use_space)


class CTCHead(nn.Module):
    """Linear classifier per time step: (B, T, in_channels) -> (B, T, num_classes); logits in
    training (feed log_softmax to CTC loss, blank 0), softmax probabilities in eval.

    ``mid_channels``: a first linear to that width, no activation between (PaddleOCR's
    CTCHead ``mid_channels``; PP-OCRv2 rec: 96).
    """

    def __init__(self, in_channels: int, num_classes: int,
                 mid_channels: int | None = None) -> None:
        super().__init__()
        self.mid = nn.Identity() if mid_channels is None else nn.Linear(in_channels,
                                                                        mid_channels)
        self.fc = nn.Linear(in_channels if mid_channels is None else mid_channels, num_classes)
        self.out_channels = num_classes

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        logits = self.fc(self.mid(x))
        return logits if self.training else logits.softmax(2)
