"""What limits a training step of the mobile models on CPU: model-only samples/s (forward + CTC
or DB loss + backward + Adam step on one batch in memory) with each of ppocr-bench's speed-ups
switched off in turn, measured in rounds in one run. Writes the ``train-limits`` section of
BENCHMARKS.md.

    python benchmarks/train_limits.py [--steps 8] [--rounds 3] [--threads 2]

Variants: PyTorch's own depthwise weight gradient (oneDNN's backward-weights path) or
ppocr-bench's ``DepthwiseConv2d`` (the gradient as a forward convolution); contiguous (NCHW) or
channels-last memory layout; rec lines 320 or 160 px wide (what length-bucketed batches save).
"""

from __future__ import annotations

import argparse
import sys
from functools import partial
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import machine, write_section  # noqa: E402

from ppocr_bench.losses.db_loss import db_loss  # noqa: E402
from ppocr_bench.models import create_model  # noqa: E402
from ppocr_bench.models.depthwise import DepthwiseConv2d, depthwise_conv  # noqa: E402
from ppocr_bench.text.corpus import load_charset  # noqa: E402

VARIANTS = [  # name, our depthwise gradient, channels-last
    ("PyTorch depthwise gradient, NCHW", False, False),
    ("ours, NCHW", True, False),
    ("ours, channels-last", True, True),
    ("PyTorch depthwise gradient, channels-last (train's default)", False, True),
]
CASES = [  # name, preset, input (C, H, W), charset language, batch
    ("rec en 3x32x320", "rec_mv3_crnn", (3, 32, 320), "en", 8),
    ("rec en 3x32x160", "rec_mv3_crnn", (3, 32, 160), "en", 8),
    ("rec zh 3x32x320", "rec_mv3_crnn", (3, 32, 320), "zh", 8),
    ("cls 3x48x192", "cls_mv3", (3, 48, 192), None, 8),
    ("det 3x640x640", "det_mv3_db", (3, 640, 640), None, 8),
]


def _ours(module: DepthwiseConv2d, x: torch.Tensor) -> torch.Tensor:
    return depthwise_conv(x, module.weight, module.stride, module.padding)


def rate(case, ours: bool, channels_last: bool, steps: int) -> float:
    name, preset, shape, lang, batch = case
    torch.manual_seed(0)
    kw = {"charset": load_charset(lang), "input_size": shape} if lang else {}
    model = create_model(preset, **kw).train()
    for module in model.modules():  # the depthwise layers' backward as the variant says
        if isinstance(module, DepthwiseConv2d):
            module.forward = (partial(_ours, module) if ours
                              else nn.Conv2d.forward.__get__(module))
    fmt = torch.channels_last if channels_last else torch.contiguous_format
    model = model.to(memory_format=fmt)
    x = torch.randn(batch, *shape).contiguous(memory_format=fmt)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-4)
    h, w = shape[1:]
    targets = {"shrink_map": (torch.rand(batch, h, w) > 0.9).float(),
               "shrink_mask": torch.ones(batch, h, w), "threshold_map": torch.rand(batch, h, w),
               "threshold_mask": torch.ones(batch, h, w)}

    def step() -> None:
        out = model(x)
        if preset.startswith("rec"):
            lp = out.log_softmax(2).transpose(0, 1)
            labels = torch.randint(1, len(kw["charset"]), (batch, 12))
            loss = F.ctc_loss(lp, labels, torch.full((batch,), lp.shape[0]),
                              torch.full((batch,), 12), zero_infinity=True)
        elif preset.startswith("cls"):
            loss = F.cross_entropy(out, torch.zeros(batch, dtype=torch.long))
        else:
            loss = db_loss(out._asdict(), targets)["loss"]
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()

    step()
    n = max(2, steps // 4) if preset.startswith("det") else steps
    started = time.perf_counter()
    for _ in range(n):
        step()
    return n * batch / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    started = time.time()
    rates: dict[tuple[str, str], list[float]] = {}
    for _ in range(args.rounds):
        for case in CASES:
            for variant, ours, cl in VARIANTS:
                rates.setdefault((case[0], variant), []).append(rate(case, ours, cl, args.steps))
            print(case[0], {v: f"{rates[(case[0], v)][-1]:.1f}" for v, *_ in VARIANTS}, flush=True)
    head = "| case | " + " | ".join(v for v, *_ in VARIANTS) + " | default / first |"
    rows = [head, "|---" * (len(VARIANTS) + 2) + "|"]
    for case in CASES:
        med = [float(np.median(rates[(case[0], v)])) for v, *_ in VARIANTS]
        rows.append(f"| {case[0]} | " + " | ".join(f"{m:.1f}" for m in med)
                    + f" | {med[-1] / med[0]:.2f}x |")
    command = (f"python benchmarks/train_limits.py --steps {args.steps} --rounds {args.rounds} "
               f"--threads {args.threads}")
    write_section("train-limits", "\n".join([
        "## What limits a training step on CPU", "",
        f"Command: `{command}`  ",
        f"Machine: {machine()}; {time.strftime('%Y-%m-%d')}; whole run "
        f"{(time.time() - started) / 60:.1f} min", "",
        f"Model-only samples/s ({args.threads} torch threads, batch 8, median of "
        f"{args.rounds} rounds): forward + loss + backward + Adam step on one batch in memory, "
        "with PyTorch's own depthwise weight gradient or ppocr-bench's `DepthwiseConv2d` (the "
        "gradient as a forward convolution), in NCHW or channels-last layout.", "", *rows]))


if __name__ == "__main__":
    main()
