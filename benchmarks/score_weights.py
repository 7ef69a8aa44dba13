"""Score weights files on a default synthetic eval set (or ``--data FOLDER``, e.g. the real
photos) as the experiment tables score a run
(``ppocr_bench.experiments.runner.score_model``: what training validation and ``ppocr-bench
eval`` compute), without a zoo entry: for probe runs and their checkpoints (BENCHMARKS.md, "The
paper's ablation tables").

    python benchmarks/score_weights.py work/prx/doc/final.safetensors --lang en
    python benchmarks/score_weights.py W.safetensors --data ../shared/real/ic15-train-300
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ppocr_bench.errors import PpocrError


def main() -> None:
    import torch

    from ppocr_bench.experiments.runner import score_model
    from ppocr_bench.experiments.table import EvalSet
    from ppocr_bench.models.checkpoint import load_model

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("weights", type=Path, nargs="+", help="safetensors weights files")
    ap.add_argument("--lang", default="en", help="the default eval set's language")
    ap.add_argument("--data", type=Path, help="an eval folder (synth layout) instead")
    args = ap.parse_args()
    ev = EvalSet(str(args.data or f"synthetic {args.lang}"), args.lang,
                 str(args.data.resolve()) if args.data else None)
    folder = ev.folder()
    for path in args.weights:
        model = load_model(path)
        with torch.inference_mode():
            scores = score_model(model, folder, ev)
        print(path, " ".join(f"{k} {v:.3f}" for k, v in scores.items()))


if __name__ == "__main__":
    try:
        main()
    except PpocrError as exc:  # bad input: one line naming the file, as the CLI does
        raise SystemExit(f"error: {exc}") from None
