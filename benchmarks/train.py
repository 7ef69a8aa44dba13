"""Training throughput: samples per second per task for the mobile presets at the paper's input
sizes (det also at a CPU-friendly 320 crop), batch 8, augmentation on. Writes BENCHMARKS.md.

    python benchmarks/train.py [--steps 12] [--images 16]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import machine, write_section  # noqa: E402

from ppocr_bench.synth.pipeline import SynthSpec, run_synth  # noqa: E402
from ppocr_bench.train import TrainConfig, train  # noqa: E402

CASES = [  # (task, preset, det crop, input)
    ("det", "det_mv3_db", 640, "3x640x640 crop"),
    ("det", "det_mv3_db", 320, "3x320x320 crop"),
    ("cls", "cls_mv3", 640, "3x48x192"),
    ("rec", "rec_mv3_crnn", 640, "3x32x320"),
]


def throughput(log: Path, skip: int) -> float:
    """Median samples/s over the logged steps after the first ``skip`` (warm-up)."""
    rates = [r["samples_per_s"] for r in map(json.loads, log.read_text().splitlines())
             if r.get("kind") == "train" and r["step"] > skip]
    return float(np.median(rates))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=12)
    parser.add_argument("--images", type=int, default=16)
    args = parser.parse_args()
    rows = ["| task | preset | input | samples/s |", "|---|---|---|---|"]
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        run_synth(SynthSpec("en", count=args.images, seed=5), data, workers=2)
        for task, preset, crop, shape in CASES:
            out = Path(tmp) / f"{task}-{crop}"
            train(TrainConfig(task=task, preset=preset, data=str(data), out=str(out),
                              steps=args.steps, batch_size=8, det_size=crop))
            rate = throughput(out / "log.jsonl", skip=2)
            rows.append(f"| {task} | {preset} | {shape} | {rate:.1f} |")
            print(rows[-1], flush=True)
    write_section("train", "\n".join([
        "## Training throughput", "",
        f"Command: `python benchmarks/train.py --steps {args.steps} --images {args.images}`  ",
        f"Machine: {machine()}", "",
        "Median samples/s over steps 3..N of `ppocr-bench train` (batch 8, augmentation on, "
        "default workers and threads: one DataLoader worker, one torch thread on 2 cores).",
        "", *rows]))


if __name__ == "__main__":
    main()
