"""Detection recall by text height: what text a detector finds and misses, and how tall the text
of a data set is as the network sees it (after the default profile's det resize), so that the
heights of synthetic training text can be set beside a real set's.

    python benchmarks/det_by_height.py --data ../shared/real/ic15-train-300 \\
        --data-synth en --weights zoo/mobile/v2/det_s5.safetensors --thresh 0.002 \\
        --box-thresh 0.4 --unclip 1.5

``--data FOLDER`` (synth layout, det/label.txt) and ``--data-synth LANG`` (the default synthetic
eval set of LANG) may repeat. Without ``--weights`` only the height distribution is printed.
A text's height is the short side of its box's minimum-area rectangle times the det resize
scale; don't-care boxes (``###``) are left out. Matching is ``ppocr-bench eval``'s (IoU > 0.5,
one to one), so the overall figures are the eval's det figures at the same settings.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from ppocr_bench.errors import PpocrError

#: Upper edges (network pixels) of the height buckets; the last bucket is open.
EDGES = (8, 12, 16, 24, 32, 48, 64)


def bucket_names() -> list[str]:
    lows = (0, *EDGES)
    return [f"{lo}-{hi}" for lo, hi in zip(lows, EDGES, strict=False)] + [f">={EDGES[-1]}"]


def height(points: np.ndarray, scale: float) -> float:
    import cv2

    (_, _), (w, h), _ = cv2.minAreaRect(np.asarray(points, np.float32).reshape(-1, 2))
    return min(w, h) * scale


def _granularity(polys: list, kept: list[int], boxes: list, pairs: tuple) -> tuple[int, int]:
    """Unmatched predicted boxes that hold 2+ unfound care words (at least half of each word's
    area inside), and how many words they hold: a detector that boxes lines where the ground
    truth marks words."""
    from shapely.geometry import Polygon

    found = {gi for gi, _ in pairs}
    used = {dj for _, dj in pairs}
    words = [Polygon(np.asarray(polys[k], float).reshape(-1, 2)).buffer(0) for k in kept
             if k not in found]
    lines = inside = 0
    for j, box in enumerate(boxes):
        if j in used:
            continue
        pred = Polygon(np.asarray(box, float).reshape(-1, 2)).buffer(0)
        held = sum(1 for w in words if w.area > 0 and w.intersection(pred).area >= 0.5 * w.area)
        if held >= 2:
            lines, inside = lines + 1, inside + held
    return lines, inside


def main() -> None:
    from ppocr_bench.data.labels import label_file, read_det_labels
    from ppocr_bench.data.transforms import det_resize_for_test
    from ppocr_bench.data.images import read_image
    from ppocr_bench.data.labels import DONT_CARE
    from ppocr_bench.metrics.det_iou import det_scores, evaluate_image

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, action="append", default=[], help="eval folder")
    ap.add_argument("--data-synth", action="append", default=[], help="default eval set LANG")
    ap.add_argument("--weights", type=Path, help="det weights (safetensors)")
    ap.add_argument("--thresh", type=float, default=0.3)
    ap.add_argument("--box-thresh", type=float, default=0.6)
    ap.add_argument("--unclip", type=float, default=1.5)
    ap.add_argument("--side", type=int, default=None, help="det resize limit (profile's if not)")
    ap.add_argument("--limit", type=int, default=None, help="first N images of each set")
    args = ap.parse_args()

    from dataclasses import replace

    from ppocr_bench.eval.sets import default_eval_set
    from ppocr_bench.inference.profiles import DEFAULT_PROFILE, get_profile

    profile = get_profile(DEFAULT_PROFILE)
    profile = replace(profile, thresh=args.thresh, box_thresh=args.box_thresh,
                      unclip_ratio=args.unclip, **({"limit_side_len": args.side}
                                                   if args.side else {}))
    det = None
    if args.weights:
        import torch

        from ppocr_bench.inference.backends import TorchRunner
        from ppocr_bench.inference.system import DetPredictor
        from ppocr_bench.models.checkpoint import load_model

        torch.set_num_threads(1)
        model = load_model(args.weights).eval()
        if model.task != "det":
            raise PpocrError(f"{args.weights}: a {model.task} model, not det")
        det = DetPredictor(TorchRunner(model, device=torch.device("cpu")), profile=profile)

    sets = [(str(f), f) for f in args.data] + [(f"synthetic {lang}", default_eval_set(lang))
                                               for lang in args.data_synth]
    names = bucket_names()
    print(f"heights in network pixels (det resize: {profile.limit_type} side "
          f"{profile.limit_side_len}); buckets {', '.join(names)}")
    for name, folder in sets:
        labels = label_file(folder, "det")
        counts, found = np.zeros(len(names), int), np.zeros(len(names), int)
        gt_care = det_care = matched = line_boxes = words_in_lines = 0
        for path, instances in list(read_det_labels(labels).items())[:args.limit]:
            image = read_image(labels.parent / path)
            resized, (ratio_h, _) = det_resize_for_test(image, profile.limit_side_len,
                                                        profile.limit_type)
            polys = [i["points"] for i in instances]
            texts = [i["transcription"] for i in instances]
            kept = [k for k, t in enumerate(texts) if t not in DONT_CARE]
            index = {k: int(np.searchsorted(EDGES, height(polys[k], ratio_h), side="right"))
                     for k in kept}
            for b in index.values():
                counts[b] += 1
            if det is not None:
                boxes, _ = det(image)
                result = evaluate_image(polys, texts, list(boxes))
                gt_care, det_care = gt_care + result.gt_care, det_care + result.det_care
                matched += result.matched
                for gi, _ in result.pairs:
                    found[index[gi]] += 1
                lines, inside = _granularity(polys, kept, list(boxes), result.pairs)
                line_boxes, words_in_lines = line_boxes + lines, words_in_lines + inside
        share = counts / max(1, counts.sum())
        print(f"\n{name}: {counts.sum()} boxes; share by height: "
              + ", ".join(f"{n} {s:.2f}" for n, s in zip(names, share, strict=True)))
        if det is not None:
            scores = det_scores(gt_care, det_care, matched)
            print(f"  precision {scores['precision']:.3f} recall {scores['recall']:.3f} "
                  f"hmean {scores['hmean']:.3f} ({matched} of {gt_care} found, {det_care} "
                  "boxes)")
            print(f"  unmatched boxes holding 2+ words (a line where the set marks words): "
                  f"{line_boxes}, holding {words_in_lines} unfound words")
            print("  recall by height: " + ", ".join(
                f"{n} {f / c:.2f} ({c})" if c else f"{n} -" for n, f, c in
                zip(names, found, counts, strict=True)))


if __name__ == "__main__":
    try:
        main()
    except PpocrError as exc:
        raise SystemExit(f"error: {exc}") from None
