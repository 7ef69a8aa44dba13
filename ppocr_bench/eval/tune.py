"""Choose a det model's DB post-processing on validation data (``ppocr-bench zoo tune-det``).

A DB model's boxes depend on three settings around the network: the binarisation ``thresh``,
the ``box_thresh`` a box's mean probability must reach, and the ``unclip_ratio`` that grows the
shrunk text kernel back to the text. PaddleOCR's defaults (0.3, 0.6, 1.5) suit its fully
trained models; a model whose probability maps are less sharp loses whole lines to
``box_thresh`` (mean probability over thin document lines near 0.5). PaddleOCR users set
``det_db_box_thresh`` / ``det_db_unclip_ratio`` per model; this module picks them:

1. one network pass per validation image (the paddleocr profile's pre-processing);
2. every setting of the grid post-processes the stored maps, scored as ``eval`` scores det
   (IoU 0.5 one-to-one matches, "###" don't care, hmean over the set);
3. the best hmean wins; ties go to the setting nearest PaddleOCR's defaults.

``--record`` writes the winner into the card's ``[model.post]`` (which ``load_predictors``
applies under the paddleocr profile) and the sweep's provenance into ``[model.post_tuning]``.
Tune on validation data, never on the eval sets: the default eval sets are refused.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from ppocr_bench.inference.backends import TorchRunner
from ppocr_bench.data.labels import label_file, read_det_labels
from ppocr_bench.errors import PpocrError
from ppocr_bench.eval.loop import advancer
from ppocr_bench.metrics.det_iou import DetAccumulator, evaluate_image
from ppocr_bench.inference.profiles import DEFAULT_PROFILE, get_profile
from ppocr_bench.data.images import read_image
from ppocr_bench.files import sha256_file
from ppocr_bench.inference.system import DetPredictor, load_zoo_model
from ppocr_bench.zoo.card import ZooCard, write_card

GRID: dict[str, tuple[float, ...]] = {
    "thresh": (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3),
    "box_thresh": (0.2, 0.3, 0.4, 0.5, 0.6, 0.7),
    "unclip_ratio": (1.2, 1.5, 1.8, 2.1),
}


def det_label_file(data: Path) -> Path:
    """A det label file, or a synth folder's ``det/label.txt``; eval sets are refused."""
    from ppocr_bench.eval.sets import eval_sets_root

    label = label_file(data, "det")
    if eval_sets_root().resolve() in label.resolve().parents:
        raise PpocrError(f"{label}: a default eval set: tune on validation data, not on the "
                         "set the figures are measured on")
    return label


def sweep(card: ZooCard, data: Path, *, threads: int = 1, progress: Any = None,
          grid: dict[str, tuple[float, ...]] = GRID) -> dict:
    """Det hmean of ``card``'s det model for every setting of ``grid`` on the det labels at
    ``data``. Returns {"rows": [{setting..., precision, recall, hmean}], "best": row,
    "default": the paddleocr profile's row, "label_file", "label_sha256", "images"}."""
    entry = card.find("det")
    if entry is None:
        raise PpocrError(f"{card.path}: no det model to tune")
    label = det_label_file(data)
    gt = read_det_labels(label)
    if not gt:
        raise PpocrError(f"{label}: no images")
    base = get_profile(DEFAULT_PROFILE)
    det = DetPredictor(TorchRunner(load_zoo_model(card, entry), threads), profile=base)
    advance = advancer(progress, "det maps", len(gt))
    maps = []
    for rel, insts in gt.items():
        prob, size = det.prob_map(read_image(label.parent / rel))
        maps.append((prob, size, [g["points"] for g in insts],
                     [g["transcription"] for g in insts]))
        advance(1)
    settings = [dict(zip(grid, values)) for values in itertools.product(*grid.values())]
    defaults = {key: getattr(base, key) for key in grid}
    if defaults not in settings:
        settings.append(defaults)
    advance = advancer(progress, "settings", len(settings), unit="setting")
    rows = []
    for setting in settings:
        profile, acc = replace(base, **setting), DetAccumulator()
        for prob, size, polys, texts in maps:
            acc.update(evaluate_image(polys, texts, list(det.boxes(prob, size, profile)[0])))
        result = acc.result()
        rows.append({**setting, **{k: float(result[k]) for k in ("precision", "recall",
                                                                 "hmean")}})
        advance(1)

    def distance(row: dict) -> float:
        return sum(abs(row[k] - defaults[k]) for k in grid)

    best = max(rows, key=lambda r: (round(r["hmean"], 6), -distance(r)))
    default = next(r for r in rows if all(r[k] == defaults[k] for k in grid))
    return {"rows": rows, "best": best, "default": default, "label_file": str(label),
            "label_sha256": sha256_file(label),
            "images": len(gt), "grid": {k: list(v) for k, v in grid.items()}}


def leaders(result: dict, n: int = 5) -> list[dict]:
    """The ``n`` best rows of a :func:`sweep` result by hmean, then the PaddleOCR defaults'
    row when it is not among them (what ``zoo tune-det`` shows)."""
    top = sorted(result["rows"], key=lambda r: -r["hmean"])[:n]
    return top + ([result["default"]] if result["default"] not in top else [])


def record(card: ZooCard, result: dict, command: str) -> Path:
    """The sweep's winner into the det model's ``[model.post]``, its provenance into
    ``[model.post_tuning]``; returns the card path."""
    entry = card.find("det")
    best, default = result["best"], result["default"]
    entry.post = {key: best[key] for key in result["grid"]}
    entry.post_tuning = {
        "command": command, "data": result["label_file"], "data_sha256": result["label_sha256"],
        "images": result["images"], "hmean": round(best["hmean"], 4),
        "hmean_paddleocr_defaults": round(default["hmean"], 4),
    }
    return write_card(card)


def write_sweep(result: dict, out: Path) -> list[Path]:
    """sweep.json and sweep.png (hmean against thresh, a line per box_thresh, each point the
    best unclip_ratio) in ``out``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    json_path = out / "sweep.json"
    json_path.write_text(json.dumps(result, indent=2), encoding="utf-8")
    grid = result["grid"]
    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    for n, box_thresh in enumerate(grid["box_thresh"]):
        points = []  # per thresh: the best unclip_ratio's hmean
        for thresh in grid["thresh"]:
            rows = [r["hmean"] for r in result["rows"]
                    if r["thresh"] == thresh and r["box_thresh"] == box_thresh]
            if rows:
                points.append((thresh, max(rows)))
        ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", markersize=3,
                color=f"C{n % 10}", label=f"box_thresh {box_thresh:g}")
    best, default = result["best"], result["default"]
    ax.scatter([best["thresh"]], [best["hmean"]], s=120, facecolors="none",
               edgecolors="black", zorder=4,
               label=f"chosen (unclip {best['unclip_ratio']:g}): {best['hmean']:.3f}")
    ax.scatter([default["thresh"]], [default["hmean"]], s=60, marker="x", color="black",
               zorder=4, label=f"PaddleOCR defaults: {default['hmean']:.3f}")
    ax.set_xscale("log")
    ax.set_xlabel("thresh (binarisation of the probability map)", fontsize=9)
    ax.set_ylabel("det hmean", fontsize=9)
    ax.set_title(f"DB post-processing sweep on {result['images']} images "
                 f"({Path(result['label_file']).name})", fontsize=10)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.0, 0.5))
    fig.tight_layout()
    png_path = out / "sweep.png"
    fig.savefig(png_path, dpi=120)
    plt.close(fig)
    return [json_path, png_path]
