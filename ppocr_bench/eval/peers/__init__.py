"""Other OCR systems evaluated beside the zoo entries (``ppocr-bench eval --system NAME``).

A peer is an OCR system we do not build: it runs its own pipeline and models, and
:func:`ppocr_bench.eval.evaluate.evaluate_peer` scores it with the same metric code as a zoo entry,
into a result with the same keys (a task the peer has no model for is left out). Peers:

- ``tesseract``: Tesseract 5 (:mod:`.tesseract`): line boxes of its page layout, LSTM lines;
  no 0/180 classifier.
- ``rapidocr``: RapidOCR 1.4.4 (:mod:`.rapidocr`), onnxruntime pipeline of the official PP-OCR
  models it ships; ``rapidocr:ZOO_ENTRY`` (``rapidocr:ppocrv3-en``) runs RapidOCR's pipeline on
  the official ONNX files a zoo entry was imported from (same weights, its pre/post-processing).

Interface (:class:`Peer`): images are H x W x 3 uint8 BGR, boxes N x 4 x 2 float32 (TL, TR,
BR, BL) in image pixels.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np

from ppocr_bench.errors import PpocrError
from ppocr_bench.inference.system import OcrLine

SYSTEMS = ("tesseract", "rapidocr")


@dataclass
class PeerPage:
    """One image through a peer's whole pipeline: ``boxes`` N x 4 x 2 everything its detector
    found (the det metric's input), ``lines`` what its full system returns (the end-to-end
    metric's input), ``stage_ms`` its own per-stage timings where it reports them."""

    boxes: np.ndarray
    lines: list[OcrLine]
    stage_ms: dict[str, float] = field(default_factory=dict)


class Peer(Protocol):
    """What :func:`ppocr_bench.eval.evaluate.evaluate_peer` needs from another OCR system."""

    name: str  #: row name in reports, e.g. "tesseract"
    lang: str
    tasks: tuple[str, ...]  #: of "det", "cls", "rec": the models it has

    def page(self, image: np.ndarray) -> PeerPage:
        """The whole pipeline on one image."""

    def recognize(self, crops: list[np.ndarray]) -> list[tuple[str, float]]:
        """Recognition only, one (text, score) per H x W x 3 crop."""

    def classify(self, crops: list[np.ndarray]) -> list[tuple[int, float]]:
        """Direction only, one (0 | 180, score) per crop (peers with "cls" in tasks)."""

    def files(self, task: str) -> list[Path]:
        """The model files ``task`` uses (sizes are summed over them)."""

    def params(self, task: str) -> int | None:
        """Parameter count of ``task``'s model, None where it has no such notion."""

    def latency_call(self, task: str, sample: np.ndarray):
        """A no-argument callable timing one batch-1 call of ``task``'s model, given one
        sample image (det: a full image; cls/rec: a crop) from the eval set."""

    def meta(self) -> dict:
        """Versions, weights and settings, for report.json."""


def parse_system(spec: str) -> tuple[str, str | None]:
    """``"rapidocr"`` -> ("rapidocr", None); ``"rapidocr:ppocrv3-en"`` -> ("rapidocr",
    "ppocrv3-en"). PpocrError naming the choices for anything else."""
    name, _, weights = spec.partition(":")
    if name not in SYSTEMS:
        raise PpocrError(f"--system must be one of {', '.join(SYSTEMS)} (rapidocr:ZOO_ENTRY "
                         f"for RapidOCR on a zoo entry's official ONNX files), not {spec!r}")
    if weights and name != "rapidocr":
        raise PpocrError(f"--system {spec}: only rapidocr takes :ZOO_ENTRY weights")
    return name, weights or None


def load_peer(spec: str, lang: str, *, threads: int = 1) -> Peer:
    """The peer named by ``spec`` (see :func:`parse_system`) for ``lang``; PpocrError when it
    is not installed (the message names the package to install)."""
    name, weights = parse_system(spec)
    if name == "tesseract":
        from ppocr_bench.eval.peers.tesseract import TesseractSystem

        return TesseractSystem(lang, threads=threads)
    from ppocr_bench.eval.peers.rapidocr import RapidOcrSystem

    return RapidOcrSystem(lang, zoo_entry=weights, threads=threads)


def quad(left: float, top: float, width: float, height: float) -> np.ndarray:
    """4 x 2 float32 corners (TL, TR, BR, BL) of an axis-aligned box."""
    r, b = left + width, top + height
    return np.array([[left, top], [r, top], [r, b], [left, b]], dtype=np.float32)
