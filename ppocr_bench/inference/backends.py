"""Inference backends: one callable per network, numpy in, numpy out.

A :class:`Runner` takes an N x C x H x W float32 batch and returns the network's eval output
(det: N x 1 x H x W probability map; cls: N x 2 softmax; rec: N x T x C softmax). The
predictors in :mod:`ppocr_bench.inference.system` only see runners, so the PyTorch model and its ONNX
export (:mod:`ppocr_bench.inference.export`) are interchangeable.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np
import torch

from ppocr_bench.errors import PpocrError
from ppocr_bench.eval.bench import torch_threads
from ppocr_bench.models import OcrModel

if TYPE_CHECKING:
    import onnxruntime as ort

BACKENDS = ("torch", "onnx")


class Runner(Protocol):
    """N x C x H x W float32 -> the model's eval output as a numpy array."""

    def __call__(self, x: np.ndarray) -> np.ndarray: ...


def _as_batch(x: np.ndarray) -> np.ndarray:
    x = np.ascontiguousarray(x, dtype=np.float32)
    if x.ndim != 4:
        raise ValueError(f"expected an N x C x H x W batch, got shape {x.shape}")
    return x


class TorchRunner:
    """A :class:`~ppocr_bench.models.OcrModel` in eval mode under ``torch.inference_mode``.

    ``threads``: torch intra-op threads during each call (restored afterwards); None leaves the
    process setting alone. ``device``: where the batch goes (the model's device; default CPU).
    """

    def __init__(self, model: OcrModel, threads: int | None = None,
                 device: torch.device | str | None = None) -> None:
        self.model = model.eval()
        self.threads = threads
        self.device = device

    def __call__(self, x: np.ndarray) -> np.ndarray:
        batch = torch.from_numpy(_as_batch(x))
        if self.device is not None:
            batch = batch.to(self.device)
        with torch.inference_mode():
            if self.threads is None:
                out = self.model(batch)
            else:
                with torch_threads(self.threads):
                    out = self.model(batch)
        return out.cpu().numpy()


def session_options(threads: int = 1, *, fuse_qdq: bool = False) -> ort.SessionOptions:
    """onnxruntime session options of an :class:`OnnxRunner`: ``threads`` intra-op threads, one
    inter-op thread, sequential execution, warnings off; QuantizeLinear / DequantizeLinear
    fusion into integer kernels off unless ``fuse_qdq`` (see :class:`OnnxRunner`)."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.log_severity_level = 3
    if not fuse_qdq:
        options.add_session_config_entry("session.disable_quant_qdq", "1")
    return options


class OnnxRunner:
    """An ONNX file on onnxruntime's CPU provider under :func:`session_options` (the setting
    latency figures are measured with).

    QDQ graphs (``export --onnx --int8``) run as the arithmetic they define, float kernels on
    the int8 codes: onnxruntime's fusion of QuantizeLinear / DequantizeLinear groups is off
    (``session.disable_quant_qdq``), so it folds each int8 weight into a float initializer
    once, BN into its conv, and runs its NCHWc float convolutions. Fused, it keeps every
    weight's DequantizeLinear as a run-time node, which rules the NCHWc convolutions out
    (about 1.4x slower on the mobile models), and wherever a QuantizeLinear feeds a
    DequantizeLinear directly it may pick an integer kernel, u8s8, which saturates on x86
    CPUs without VNNI (AVX2). There is no DQ-Conv-Q group to make a QLinearConv of (PACT
    quantises layer inputs, not outputs); why a graph requantised after every convolution,
    which onnxruntime does run on QLinearConv, is no faster on an AVX2 CPU either:
    ``benchmarks/slim_latency.py``. Float graphs have nothing to fuse.
    """

    def __init__(self, path: Path, threads: int = 1) -> None:
        import onnxruntime as ort

        self.path = Path(path)
        if not self.path.is_file():
            raise PpocrError(f"{self.path}: no such ONNX file")
        try:
            self.session = ort.InferenceSession(
                str(self.path), session_options(threads), providers=["CPUExecutionProvider"]
            )
        except Exception as error:  # noqa: BLE001 (onnxruntime raises its own error types)
            reason = (str(error).strip().splitlines() or [type(error).__name__])[0]
            raise PpocrError(f"{self.path}: not a loadable ONNX model ({reason})") from None
        self.input_name = self.session.get_inputs()[0].name

    @property
    def metadata(self) -> dict[str, str]:
        """The model's custom metadata (``export_onnx`` writes preset, task, charset, ...)."""
        return dict(self.session.get_modelmeta().custom_metadata_map)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.session.run(None, {self.input_name: _as_batch(x)})[0]
