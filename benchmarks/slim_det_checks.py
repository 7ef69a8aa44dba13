"""The detector checks behind zoo/mobile-slim's choices (BENCHMARKS.md, "zoo/mobile-slim"): det
hmean (default DB settings) on the slim det run's 30 validation pages of zoo/mobile's detector in
float, quantised with its PACT alphas fitted (no training), quantised with alphas left at 20
and calibrated on the tuning pages, and FPGM-pruned at 0.1 (every prunable layer, and single
layers) before any fine-tuning.

    bash zoo/mobile-slim/recipe.sh prune && bash zoo/mobile-slim/recipe.sh det   # the pages
    python benchmarks/slim_det_checks.py
"""

from __future__ import annotations

import copy
from pathlib import Path

import cv2
import torch

from ppocr_bench.data.transforms import det_preprocess
from ppocr_bench.inference.system import load_zoo_model
from ppocr_bench.slim.graph import prunable_groups
from ppocr_bench.slim.prune import prune_model
from ppocr_bench.slim.quant import calibrate, fit_alphas, quantize_model
from ppocr_bench.train.validate import validate_det
from ppocr_bench.zoo.card import read_card

ROOT = Path(__file__).resolve().parent.parent
VAL = ROOT / "work/mobile-slim/runs/det/val/det/label.txt"
TUNE = ROOT / "work/mobile-slim/tune"
LAYERS = ("backbone.stages.3.1.expand.0", "neck.smooth.0", "backbone.stem.0")


def hmean(model) -> float:
    return round(validate_det(model.eval(), VAL, torch.device("cpu"))["hmean"], 3)


def main() -> None:
    torch.set_num_threads(1)
    card = read_card(ROOT / "zoo/mobile")
    v1 = load_zoo_model(card, card.find("det")).eval()
    pages = [p for lang in ("en", "zh") for p in sorted((TUNE / lang / "det/images").glob("*.jpg"))]
    images = [torch.from_numpy(det_preprocess(cv2.imread(str(p)), 736, "min")[0])[None]
              for p in pages]
    print("float (v1)", hmean(v1), flush=True)
    fitted = quantize_model(copy.deepcopy(v1))
    fit_alphas(fitted, images[0])
    print("quantised, alphas fitted, no training", hmean(fitted), flush=True)
    clipped = calibrate(quantize_model(copy.deepcopy(v1)), images * 5)
    print("quantised, alphas at 20, calibrated", hmean(clipped), flush=True)
    everywhere = {group: 0.1 for group in prunable_groups(v1)}
    print("FPGM 0.1, every prunable layer", hmean(prune_model(v1, everywhere)), flush=True)
    for layer in LAYERS:
        print(f"FPGM 0.1, {layer} only", hmean(prune_model(v1, {layer: 0.1})), flush=True)


if __name__ == "__main__":
    main()
