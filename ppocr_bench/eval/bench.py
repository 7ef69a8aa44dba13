"""Model size and latency measurement (batch 1, fixed thread count, after warm-up)."""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn


def size_mb(path: Path | None = None, model: nn.Module | None = None) -> float:
    """MB (10^6 bytes) of a weights file, or of the model's fp32 tensors when no file. A
    float model's file counts its size; a quantisation-aware trained one (QAT safetensors, or
    its int8 ONNX export) the bytes of its int8 weights and the float values left
    (:func:`ppocr_bench.slim.int8.deployed_bytes`), whichever backend runs it."""
    if path is not None:
        from ppocr_bench.slim.int8 import deployed_bytes

        int8 = deployed_bytes(Path(path))
        return (Path(path).stat().st_size if int8 is None else int8) / 1e6
    assert model is not None
    return sum(t.numel() * 4 for t in model.state_dict().values()
               if t.is_floating_point()) / 1e6


@dataclass(frozen=True)
class Latency:
    """Milliseconds per call: median, 90th percentile, and the number of timed calls."""

    p50: float
    p90: float
    runs: int


@contextmanager
def torch_threads(threads: int):
    previous = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


def time_calls(fn: Callable[[], object], *, warmup: int = 3, runs: int = 20,
               max_seconds: float = 20.0) -> Latency:
    """Call ``fn`` ``warmup`` times untimed, then up to ``runs`` times (stopping early once
    ``max_seconds`` are spent, after at least 3 runs) and report per-call percentiles."""
    for _ in range(warmup):
        fn()
    times: list[float] = []
    budget_end = time.perf_counter() + max_seconds
    while len(times) < runs and (len(times) < 3 or time.perf_counter() < budget_end):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1e3)
    arr = np.asarray(times)
    return Latency(float(np.percentile(arr, 50)), float(np.percentile(arr, 90)), len(times))


def model_latency(model: nn.Module, input_size: tuple[int, ...], *, threads: int = 1,
                  runs: int = 20) -> Latency:
    """Latency of ``model`` in eval mode on one random input of ``input_size`` (C, H, W)."""
    model.eval()
    x = torch.randn(1, *input_size, generator=torch.Generator().manual_seed(0))
    with torch_threads(threads), torch.inference_mode():
        return time_calls(lambda: model(x), runs=runs)


def onnx_latency(path: Path, input_size: tuple[int, ...], *, threads: int = 1,
                 runs: int = 20) -> Latency:
    """Latency of an ONNX model under onnxruntime (CPU, ``threads`` intra-op threads, one
    inter-op thread) on one random float32 input of ``input_size`` (C, H, W) at batch 1."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    x = np.random.default_rng(0).standard_normal((1, *input_size)).astype(np.float32)
    return time_calls(lambda: session.run(None, {name: x}), runs=runs)


def cpu_model() -> str:
    """The CPU's model name (``/proc/cpuinfo`` on Linux, ``platform`` elsewhere)."""
    import platform

    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def machine_info() -> dict[str, object]:
    """Where figures were measured: CPU model, logical cores usable here, OS, Python, torch."""
    import os
    import platform

    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 0
    return {"cpu": cpu_model(), "cores": cores, "os": platform.platform(),
            "python": platform.python_version(), "torch": torch.__version__}


def runner_latency(runner: Callable[[np.ndarray], object], input_size: tuple[int, ...], *,
                   runs: int = 20) -> Latency:
    """Latency of a numpy-in callable (e.g. a :class:`ppocr_bench.inference.backends.OnnxRunner`, which
    carries its own thread setting) on one random float32 input of ``input_size`` at batch 1."""
    x = np.random.default_rng(0).standard_normal((1, *input_size)).astype(np.float32)
    return time_calls(lambda: runner(x), runs=runs)
