"""Direction classifier accuracy on real text: every rec crop of an eval folder as labelled
(upright, 0 degrees) and turned by 180 degrees, so half of the crops are turned, as in the
default synthetic sets' cls labels. The real photos (``../shared/real/ic15-train-300``) have no
cls labels of their own; their word crops are upright, so this is what a classifier does on
real crops (BENCHMARKS.md, "zoo/mobile v2 stages").

    python benchmarks/cls_real.py zoo/mobile/cls_cls_stage2.safetensors --data ../shared/real/ic15-train-300

Prints, per weights file, the accuracy over all crops, on the upright and on the turned ones,
and the share of upright crops the system would turn (``turns upright``: predicted 180 with a
score of at least ``--thresh``, the pipeline's cls_thresh 0.9), which the recognizer then reads
upside down. Crops are read and resized as training validation and ``ppocr-bench eval`` read
cls crops.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ppocr_bench.errors import PpocrError


def main() -> None:
    import numpy as np
    import torch

    from ppocr_bench.data.images import read_image
    from ppocr_bench.data.labels import label_file, read_rec_labels
    from ppocr_bench.data.transforms import cls_resize_norm
    from ppocr_bench.models.checkpoint import load_model

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("weights", type=Path, nargs="+", help="cls weights files (.safetensors)")
    ap.add_argument("--data", type=Path, required=True, help="an eval folder with rec crops")
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--thresh", type=float, default=0.9, help="the system's cls_thresh")
    args = ap.parse_args()
    labels = label_file(args.data, "rec")
    paths = [labels.parent / p for p in read_rec_labels(labels)]
    images = [read_image(p) for p in paths]
    for path in args.weights:
        model = load_model(path).eval()
        if model.task != "cls":
            raise PpocrError(f"{path}: a {model.task} model, not a direction classifier")
        right, turns = {0: 0, 180: 0}, 0
        for angle in (0, 180):
            for i in range(0, len(images), args.batch):
                crops = images[i:i + args.batch]
                if angle:
                    crops = [np.ascontiguousarray(c[::-1, ::-1]) for c in crops]
                batch = torch.from_numpy(np.stack([cls_resize_norm(c, model.input_size)
                                                   for c in crops]))
                with torch.inference_mode():
                    probs = model(batch).numpy()
                pred = probs.argmax(1)
                right[angle] += int((pred == (1 if angle else 0)).sum())
                if not angle:
                    turns += int(((pred == 1) & (probs[:, 1] >= args.thresh)).sum())
        n = len(images)
        print(f"{path} acc {(right[0] + right[180]) / (2 * n):.3f} upright "
              f"{right[0] / n:.3f} turned {right[180] / n:.3f} turns upright {turns / n:.3f} "
              f"crops {n} x 2")


if __name__ == "__main__":
    try:
        main()
    except PpocrError as exc:  # bad input: one line naming the file, as the CLI does
        raise SystemExit(f"error: {exc}") from None
