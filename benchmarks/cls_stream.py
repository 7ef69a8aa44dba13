"""Direction classifier accuracy on the training stream's own lines: ``count`` samples of the
six-language stream (lines cut from scene and document pages, half turned by 180 degrees, no
augmentation) at each ``--realism``, split by upright and turned (zoo/mobile/v2/STAGES.md, "cls").

    python benchmarks/cls_stream.py zoo/mobile/cls_cls_stage2.safetensors --realism base legacy

The samples are the stream's (seed ``--seed``, epoch 0, indices 0..count-1), so every weights
file is scored on the same lines.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from ppocr_bench.errors import PpocrError


def main() -> None:
    import torch

    from ppocr_bench.models.checkpoint import load_model
    from ppocr_bench.train import tasks
    from ppocr_bench.train.config import TrainConfig

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("weights", type=Path, nargs="+", help="cls weights files (.safetensors)")
    ap.add_argument("--realism", nargs="+", default=["base"], help="stream realism settings")
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--seed", type=int, default=999)
    ap.add_argument("--langs", default="en+fr+de+zh+ja+ko")
    args = ap.parse_args()
    torch.set_num_threads(1)
    for path in args.weights:
        model = load_model(path).eval()
        if model.task != "cls":
            raise PpocrError(f"{path}: a {model.task} model, not a direction classifier")
        for realism in args.realism:
            with tempfile.TemporaryDirectory() as out:
                config = TrainConfig(task="cls", data=f"synth:{args.langs}", out=out,
                                     augment=False, seed=args.seed, realism=realism, steps=1,
                                     line_source="pages", synth_kind="both", workers=0,
                                     threads=1, device="cpu")
                stream, _ = tasks.datasets(config, model, with_val=False)
                right, seen = [0, 0], [0, 0]
                with torch.inference_mode():
                    for i in range(args.count):
                        sample = stream[(0, i)]
                        label = int(sample["label"])
                        pred = int(model(torch.as_tensor(sample["image"])[None]).argmax(1))
                        right[label] += pred == label
                        seen[label] += 1
            print(f"{path} realism {realism} acc {sum(right) / sum(seen):.3f} upright "
                  f"{right[0] / max(seen[0], 1):.3f} turned {right[1] / max(seen[1], 1):.3f} "
                  f"lines {sum(seen)}")


if __name__ == "__main__":
    try:
        main()
    except PpocrError as exc:  # bad input: one line naming the file, as the CLI does
        raise SystemExit(f"error: {exc}") from None
