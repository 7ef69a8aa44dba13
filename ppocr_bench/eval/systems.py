"""A zoo entry as a system under evaluation (:class:`ppocr_bench.eval.loop.EvalSystem`).

:class:`ZooSystem` wraps the predictors :func:`ppocr_bench.inference.system.load_predictors`
gives for one language:

- page: the det predictor on the image, then (with det and rec) the OCR system's stages after
  detection on those boxes (``OcrSystem.read``: crop -> cls flip -> rec, drop_score 0.5), so each
  image is detected once and the system's time is the det call plus the rest;
- classify / recognize: the cls / rec predictors on the GT crops;
- latency: one batch-1 network call after warm-up, ``threads`` threads (torch: the model under
  ``torch.inference_mode``; onnx: the predictor's own onnxruntime session), on a random input of
  the size the predictor feeds the network: det its profile's resize of the sample image, cls /
  rec their input size (the card's, else the preset's);
- params: the torch model's, whatever the backend; files: the file the backend runs
  (safetensors for torch, .onnx for onnx).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import torch

from ppocr_bench.data.labels import TASKS
from ppocr_bench.eval.bench import Latency, model_latency, runner_latency
from ppocr_bench.eval.loop import Page
from ppocr_bench.models import count_parameters
from ppocr_bench.zoo.card import POST_KEYS, ZooCard


class ZooSystem:
    """The models of zoo entry ``card`` for one language (``preds``, from ``load_predictors``
    with ``backend``, ``threads`` and ``profile``) as an :class:`~ppocr_bench.eval.loop.
    EvalSystem`."""

    def __init__(self, card: ZooCard, preds: Any, *, backend: str = "torch", threads: int = 1,
                 profile: str = "paddleocr") -> None:
        self.card, self.preds = card, preds
        self.backend, self.threads, self.profile = backend, threads, profile
        self.name = card.name
        self.tasks = tuple(t for t in TASKS if getattr(preds, t) is not None)
        self.end_to_end = preds.det is not None and preds.rec is not None
        self.ocr = preds.system() if self.end_to_end else None

    def page(self, image: np.ndarray) -> Page:
        boxes, scores = self.preds.det(image)
        return Page(boxes, None if self.ocr is None else self.ocr.read(image, boxes, scores))

    def classify(self, crops: list[np.ndarray]) -> list[tuple[int, float]]:
        return self.preds.cls(crops)

    def recognize(self, crops: list[np.ndarray]) -> list[tuple[str, float]]:
        return self.preds.rec(crops)

    def charset(self) -> set[str] | None:
        return set(self.preds.models["rec"].charset or ())

    def files(self, task: str) -> list[Path]:
        return [self.preds.files[task]]

    def params(self, task: str) -> int | None:
        return count_parameters(self.preds.models[task])

    def input_size(self, task: str, sample: np.ndarray) -> tuple[int, int, int]:
        """(C, H, W) the predictor of ``task`` feeds its network for ``sample``."""
        predictor = getattr(self.preds, task)
        if task == "det":
            return predictor.input_size(*sample.shape[:2])
        return tuple(getattr(predictor, "input_size", None) or self.preds.models[task].input_size)

    def latency(self, task: str, sample: np.ndarray, runs: int) -> Latency:
        size = self.input_size(task, sample)
        if self.backend == "torch":
            return model_latency(self.preds.models[task], size, threads=self.threads, runs=runs)
        return runner_latency(getattr(self.preds, task).runner, size, runs=runs)

    def meta(self) -> dict:
        versions = {}
        if self.backend == "onnx":
            import onnxruntime

            versions["onnxruntime"] = onnxruntime.__version__
        det = self.preds.det
        return {"zoo_path": str(self.card.root), "backend": self.backend,
                "profile": self.profile, "threads": self.threads,
                "det_post": ({k: getattr(det.profile, k) for k in POST_KEYS}
                             if hasattr(det, "profile") else {}),
                "models": {t: self.preds.models[t].preset for t in TASKS
                           if t in self.preds.models},
                "versions": versions, "torch": torch.__version__}
