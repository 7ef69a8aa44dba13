"""Other OCR systems evaluated beside the zoo entries (``ppocr-bench eval --system NAME``).

A peer is an OCR system we do not build: it runs its own pipeline and models. Each peer is an
:class:`ppocr_bench.eval.loop.EvalSystem` (the same protocol a zoo entry implements), so the one
scoring loop, :func:`ppocr_bench.eval.loop.evaluate_system`, scores it with the same metric code
into a result with the same keys (a task the peer has no model for is left out). Peers:

- ``tesseract``: Tesseract 5 (:mod:`.tesseract`): line boxes of its page layout, LSTM lines;
  no 0/180 classifier.
- ``rapidocr``: RapidOCR 1.4.4 (:mod:`.rapidocr`), onnxruntime pipeline of the official PP-OCR
  models it ships; ``rapidocr:ZOO_ENTRY`` (``rapidocr:ppocrv3-en``) runs RapidOCR's pipeline on
  the official ONNX files a zoo entry was imported from (same weights, its pre/post-processing).

What differs from a zoo entry by nature: det and system come from one call of the peer's whole
pipeline per image (det = every box its detector kept, system = the lines it returns), so
ms_per_image is that call's wall time; model latencies are timed through the peer's own engine
(:meth:`PeerSystem.latency_call`); sizes are its model files. Images are H x W x 3 uint8 BGR,
boxes N x 4 x 2 float32 (TL, TR, BR, BL) in image pixels.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from pathlib import Path

import numpy as np

from ppocr_bench.errors import PpocrError
from ppocr_bench.eval.bench import Latency, time_calls
from ppocr_bench.eval.loop import EvalSystem, Page

SYSTEMS = ("tesseract", "rapidocr")


class PeerSystem(ABC):
    """The part of :class:`~ppocr_bench.eval.loop.EvalSystem` all peers share: a whole
    pipeline (``end_to_end``), no known charset, latency timed on the callable of
    :meth:`latency_call`, report meta built from :meth:`details`. Subclasses set ``name``,
    ``lang`` and ``tasks`` and implement the abstract methods."""

    name: str
    lang: str
    tasks: tuple[str, ...]
    end_to_end = True

    @abstractmethod
    def page(self, image: np.ndarray) -> Page:
        """The whole pipeline on one image."""

    @abstractmethod
    def recognize(self, crops: list[np.ndarray]) -> list[tuple[str, float]]:
        """Recognition only, one (text, score) per H x W x 3 crop."""

    @abstractmethod
    def classify(self, crops: list[np.ndarray]) -> list[tuple[int, float]]:
        """Direction only, one (0 | 180, score) per crop (peers with "cls" in tasks)."""

    @abstractmethod
    def files(self, task: str) -> list[Path]:
        """The model files ``task`` uses."""

    @abstractmethod
    def params(self, task: str) -> int | None:
        """Parameter count of ``task``'s model, None where it has no such notion."""

    @abstractmethod
    def latency_call(self, task: str, sample: np.ndarray) -> Callable[[], object]:
        """A no-argument callable timing one batch-1 call of ``task``'s model, given one
        sample image (det: a full image; cls/rec: a crop) from the eval set."""

    @abstractmethod
    def details(self) -> dict:
        """Engine, version, weights and settings (report meta's ``peer``), with ``engine``
        and ``threads`` keys."""

    def charset(self) -> set[str] | None:
        return None

    def latency(self, task: str, sample: np.ndarray, runs: int) -> Latency:
        return time_calls(self.latency_call(task, sample), runs=runs)

    def meta(self) -> dict:
        details = self.details()
        return {"zoo_path": None, "backend": details.get("engine", "?"),
                "threads": details.get("threads"),
                "models": {t: str(f) for t in self.tasks for f in self.files(t)},
                "peer": details}


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


def load_peer(spec: str, lang: str, *, threads: int = 1) -> EvalSystem:
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
