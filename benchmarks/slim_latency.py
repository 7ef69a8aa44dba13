"""fp32 ONNX against int8 ONNX latency of the zoo/mobile models, measured in one run.

For det, cls and the Latin rec of a zoo entry (default zoo/mobile): a QAT copy of the float
model (``quantize_model``, ``fit_alphas`` and a calibration pass of a few synthetic images, no
training: the weights are the float ones, enough for a latency figure), both exported (``export_onnx``, the
``export --onnx --int8`` path), then timed batch 1, one thread, after warm-up, in interleaved
rounds (so load on the machine hits every variant alike). Variants, each against ``fp32``:

- ``int8``: the int8 export as ``eval --backend onnx`` runs it (:class:`OnnxRunner`);
- ``int8-fused``: the same file with onnxruntime's QDQ fusion on;
- ``requant`` / ``requant-u8u8``: a copy requantised after every convolution
  (``slim_requant.py``: not the QAT model), which onnxruntime runs on QLinearConv; u8s8
  kernels (they saturate on x86 without VNNI), or u8u8 ones (``session.x64quantprecision``).

Prints each model's medians and ratios and writes them as JSON (default
benchmarks/slim_latency.json) with the machine, its load average and the max |difference| of
each variant's output from the torch QAT model on the timed input.

    python benchmarks/slim_latency.py [--zoo zoo/mobile] [--runs 10] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import machine
from slim_requant import requantise

from ppocr_bench.eval.bench import time_calls
from ppocr_bench.inference.backends import OnnxRunner, TorchRunner, session_options
from ppocr_bench.inference.export import export_onnx
from ppocr_bench.inference.system import load_zoo_model
from ppocr_bench.slim.int8 import onnx_weight_bytes
from ppocr_bench.slim.quant import calibrate, fit_alphas, quantize_model
from ppocr_bench.zoo.card import read_card

ROOT = Path(__file__).resolve().parent.parent
#: task, rec language, input (C, H, W) timed
MODELS = [("det", None, (3, 640, 640)), ("cls", None, (3, 48, 192)), ("rec", "en", (3, 32, 320))]
TARGET = 0.7  # issue 14: slim (int8 onnx) <= 0.7 x fp32 onnx


class _Session:
    """A numpy-in callable on an onnxruntime session with extra config entries."""

    def __init__(self, path: Path, config: dict[str, str]) -> None:
        options = session_options(1, fuse_qdq=True)
        for key, value in config.items():
            options.add_session_config_entry(key, value)
        self.session = ort.InferenceSession(str(path), options,
                                            providers=["CPUExecutionProvider"])

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.session.run(None, {self.session.get_inputs()[0].name: x})[0]


def synthetic_images(shape: tuple[int, int, int], count: int, seed: int) -> list[torch.Tensor]:
    """``count`` (1, C, H, W) images normalised to [-1, 1] as the predictors feed them: a
    smooth random background with dark strokes (text-like edges), deterministic per seed."""
    rng = np.random.default_rng(seed)
    c, h, w = shape
    images = []
    for _ in range(count):
        base = rng.uniform(0.4, 1.0, (c, 1, 1)) + 0.1 * rng.standard_normal((c, h, w))
        for _ in range(max(2, h * w // 4000)):
            y, x = rng.integers(0, h), rng.integers(0, w)
            base[:, y:y + max(2, h // 16), x:x + max(4, w // 8)] *= rng.uniform(0.0, 0.4)
        images.append(torch.from_numpy(np.clip(base, 0, 1) * 2 - 1).float()[None])
    return images


def exports(card, task: str, lang: str | None, shape, out: Path, calib: int):
    """(fp32 path, int8 path, the torch QAT model) of one card model."""
    entry = card.find(task, lang)
    fp32 = export_onnx(load_zoo_model(card, entry), out / f"{task}_fp32.onnx", input_size=shape)
    images = synthetic_images(shape, calib, seed=1)
    qat = quantize_model(load_zoo_model(card, entry))
    fit_alphas(qat, images[0])  # as a QAT run starts (alphas at least the float inputs' max)
    qat = calibrate(qat, images)
    return fp32, export_onnx(qat, out / f"{task}_int8.onnx", input_size=shape), qat


def variants(fp32: Path, int8: Path, sample: np.ndarray, out: Path) -> dict[str, object]:
    """Name -> numpy-in callable of every timed variant."""
    requant = out / f"{int8.stem}_requant.onnx"
    onnx.save(requantise(onnx.load(str(int8)), sample), str(requant))
    return {"fp32": OnnxRunner(fp32), "int8": OnnxRunner(int8),
            "int8-fused": _Session(int8, {}), "requant": _Session(requant, {}),
            "requant-u8u8": _Session(requant, {"session.x64quantprecision": "1"})}


def measure(runners: dict[str, object], x: np.ndarray, runs: int, rounds: int
            ) -> dict[str, list[float]]:
    """Name -> per-round median ms, the variants interleaved round by round."""
    medians: dict[str, list[float]] = {name: [] for name in runners}
    for _ in range(rounds):
        for name, runner in runners.items():
            medians[name].append(time_calls(lambda r=runner: r(x), warmup=2, runs=runs,
                                            max_seconds=60).p50)
    return medians


def bench_model(card, task: str, lang: str | None, shape, args, out: Path) -> dict:
    fp32, int8, qat = exports(card, task, lang, shape, out, args.calib)
    x = synthetic_images(shape, 1, seed=7)[0].numpy()
    runners = variants(fp32, int8, x, out)
    medians = measure(runners, x, args.runs, args.rounds)
    expected = TorchRunner(qat, threads=1)(x)
    p50 = {name: float(np.median(v)) for name, v in medians.items()}
    return {
        "task": task, "input": list(shape), "p50_ms": p50, "round_p50_ms": medians,
        "ratio_to_fp32": {n: p50[n] / p50["fp32"] for n in p50 if n != "fp32"},
        "max_abs_diff_to_qat": {n: float(np.abs(r(x) - expected).max())
                                for n, r in runners.items()},
        "bytes": {"fp32_file": fp32.stat().st_size, "int8_weights": onnx_weight_bytes(int8)},
    }


def report(result: dict) -> str:
    ratios = result["ratio_to_fp32"]
    cells = "  ".join(f"{n} {result['p50_ms'][n]:7.2f} ({ratios[n]:.2f}x)" for n in ratios)
    return f"{result['task']:4s} fp32 {result['p50_ms']['fp32']:7.2f} ms  {cells}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--zoo", type=Path, default=ROOT / "zoo" / "mobile")
    parser.add_argument("--runs", type=int, default=10, help="timed calls per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--calib", type=int, default=4, help="calibration images")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "slim_latency.json")
    args = parser.parse_args()
    torch.set_num_threads(1)
    card, load = read_card(args.zoo), os.getloadavg()[0]
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for task, lang, shape in MODELS:
            results.append(bench_model(card, task, lang, shape, args, Path(tmp)))
            print(report(results[-1]), flush=True)
    print(f"target: int8 <= {TARGET} x fp32; machine: {machine()}")
    args.out.write_text(json.dumps({
        "zoo": str(args.zoo), "machine": machine(), "load_avg_start": load,
        "load_avg_end": os.getloadavg()[0], "onnxruntime": ort.__version__, "threads": 1,
        "runs": args.runs, "rounds": args.rounds, "target_ratio": TARGET, "models": results,
    }, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
