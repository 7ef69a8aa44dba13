"""Sensitivity analysis (PaddleSlim's ``FilterPruner.sensitive``, PaddleOCR's
``sensitivity_anal.py``): how much the metric drops when one group is pruned alone.

Each prunable group is pruned at ratios 0.1 .. 0.9 on its own and the model scored; the loss
is ``(baseline - metric) / (baseline + 1e-3)``. Pruning works on a copy, so the model is the
same after every try. A loss threshold then picks, per layer, the largest ratio whose loss is
at most the threshold, interpolated linearly towards the next ratio tried (a layer whose 0.1
already costs more is not pruned); a FLOPs target is met by bisecting the threshold.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ppocr_bench.errors import PpocrError
from ppocr_bench.models.model import OcrModel
from ppocr_bench.slim.flops import count_flops
from ppocr_bench.slim.fpgm import prune_count
from ppocr_bench.slim.graph import prunable_groups
from ppocr_bench.slim.prune import prune_model

RATIOS = tuple(round(0.1 * i, 1) for i in range(1, 10))
EPS = 1e-3
TOLERANCE = 1e-6  # of the loss threshold the bisection stops at


def relative_loss(baseline: float, metric: float) -> float:
    """(baseline - metric) / (baseline + 1e-3): the relative drop (negative for a gain)."""
    return (baseline - metric) / (baseline + EPS)


@dataclass
class Sensitivity:
    """A scan's result: the unpruned model's metric and layer -> ratio -> loss."""

    baseline: float
    losses: dict[str, dict[float, float]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"baseline": self.baseline,
                "losses": {k: {str(r): v for r, v in d.items()} for k, d in self.losses.items()}}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Sensitivity:
        return cls(float(data["baseline"]), {k: {float(r): float(v) for r, v in d.items()}
                                             for k, d in data["losses"].items()})


def scan_sensitivity(model: OcrModel, evaluate: Callable[[OcrModel], float], *,
                     layers: list[str] | None = None, ratios: tuple[float, ...] = RATIOS,
                     previous: Sensitivity | None = None,
                     on_try: Callable[[str, float, float], None] | None = None) -> Sensitivity:
    """Score ``model`` and each of ``layers`` (default: every prunable group's leader) pruned
    alone at each ratio with ``evaluate`` (model -> metric, higher is better). ``previous``:
    losses already measured (same weights and data) that are not measured again. ``on_try``:
    called with (layer, ratio, loss) after each try."""
    result = Sensitivity(previous.baseline if previous else evaluate(model))
    for layer in layers if layers is not None else list(prunable_groups(model)):
        done = previous.losses.get(layer, {}) if previous else {}
        result.losses[layer] = {}
        for ratio in ratios:
            if ratio in done:
                loss = done[ratio]
            else:
                loss = relative_loss(result.baseline, evaluate(prune_model(model, {layer: ratio})))
            result.losses[layer][ratio] = loss
            if on_try is not None:
                on_try(layer, ratio, loss)
    return result


def ratios_for_loss(sensitivity: Sensitivity, threshold: float) -> dict[str, float]:
    """Per layer, the largest ratio tried whose loss is at most ``threshold``, moved linearly
    towards the next ratio's loss (r0 + (t - l0) (r1 - r0) / (l1 - l0)); layers whose every
    ratio loses more are left out."""
    chosen = {}
    for layer, losses in sensitivity.losses.items():
        points = sorted(losses.items())
        fits = [i for i, (_, loss) in enumerate(points) if loss <= threshold]
        if not fits:
            continue
        i = fits[-1]
        r0, l0 = points[i]
        if i + 1 < len(points):
            r1, l1 = points[i + 1]
            r0 += (threshold - l0) * (r1 - r0) / (l1 - l0)
        chosen[layer] = r0
    return chosen


@dataclass(frozen=True)
class FlopsChoice:
    """The loss threshold a FLOPs target needed, its ratios and the FLOPs share removed."""

    threshold: float
    ratios: dict[str, float]
    removed: float


def ratios_for_flops(model: OcrModel, sensitivity: Sensitivity, target: float,
                     max_loss: float | None = None) -> FlopsChoice:
    """The smallest loss threshold (bisected, up to ``max_loss``) whose ratios remove at least
    ``target`` (in (0, 1)) of ``model``'s FLOPs; a PpocrError when no threshold does."""
    if not 0.0 < target < 1.0:
        raise PpocrError(f"--flops-target must lie in (0, 1) (the share of FLOPs to remove), "
                         f"got {target}")
    base = count_flops(model)
    sizes = {name: group.size for name, group in prunable_groups(model).items()}
    removed: dict[tuple, float] = {}  # channels removed per layer -> FLOPs share removed

    def choice(threshold: float) -> FlopsChoice:
        ratios = ratios_for_loss(sensitivity, threshold)
        key = tuple(sorted((n, prune_count(sizes[n], r)) for n, r in ratios.items()))
        if key not in removed:
            flops = count_flops(prune_model(model, ratios)) if ratios else base
            removed[key] = (base - flops) / base
        return FlopsChoice(threshold, ratios, removed[key])

    losses = [v for d in sensitivity.losses.values() for v in d.values()]
    high = choice(max_loss if max_loss is not None else max(losses, default=0.0))
    if high.removed < target:
        raise PpocrError(f"FLOPs target {target:g} out of reach: a loss threshold of "
                         f"{high.threshold:.4g} removes {high.removed:.1%} of the FLOPs")
    low = min(losses, default=0.0) - TOLERANCE  # below every loss: nothing pruned
    while high.threshold - low > TOLERANCE:
        middle = choice((low + high.threshold) / 2)
        if middle.removed >= target:
            high = middle
        else:
            low = middle.threshold
    return high


def write_sensitivity(sensitivity: Sensitivity, path: Path, **extra: Any) -> Path:
    """The scan as JSON (``extra``: what was chosen, the metric, the weights scanned)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({**sensitivity.to_json(), **extra}, indent=1) + "\n",
                    encoding="utf-8")
    return path


def plot_sensitivity(sensitivity: Sensitivity, path: Path, threshold: float | None = None,
                     title: str = "") -> Path:
    """Loss against ratio, one line per layer, the threshold dashed (PNG, matplotlib Agg)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(10, 6))
    for layer, losses in sensitivity.losses.items():
        points = sorted(losses.items())
        ax.plot([r for r, _ in points], [v for _, v in points], marker=".", lw=0.8, label=layer)
    if threshold is not None:
        ax.axhline(threshold, color="black", ls="--", lw=1, label=f"threshold {threshold:g}")
    ax.set_xlabel("pruning ratio")
    ax.set_ylabel("loss = (baseline - metric) / (baseline + 1e-3)")
    ax.set_title(title or f"sensitivity (baseline {sensitivity.baseline:.4f})")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=6, ncol=2, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
