"""What a synthesized image is: pixels plus one polygon and transcription per text instance."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class TextInstance:
    """One text instance (a word or a line, as PP-OCR labels lines).

    ``points``: polygon in image pixels, float (x, y). Four points for straight text, clockwise
    from the top-left corner in reading direction (TL, TR, BR, BL); curved text uses 2k points,
    the top edge left to right then the bottom edge right to left. Tight around the ink.
    ``font``: the font file that drew it and ``face``: its face index (TTC/OTC).
    ``vertical``: a top-to-bottom line (ja/zh documents).
    """

    text: str
    points: list[tuple[float, float]]
    font: str
    face: int = 0
    vertical: bool = False


@dataclass
class Page:
    """A rendered image: ``image`` is H x W x 3 uint8 RGB."""

    image: np.ndarray
    instances: list[TextInstance] = field(default_factory=list)
    kind: str = "scene"
