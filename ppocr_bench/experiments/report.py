"""A table's results: JSON, Markdown (mean and spread over seeds, the change against the part's
reference row) and a PNG (one bar panel per part and eval set).

Spread is the sample standard deviation over seeds (0 with one seed). A row's change against
the reference is "beyond the spread" when ``|delta| > sqrt(sd_row^2 + sd_ref^2)``. Beside the
scores: the size of our trained model (fp32 MB, and int8 MB for a quantisation-aware trained
one, as the runner measured it), its CPU ms where a timing pass ran (``reproduce --time``) and,
in columns of their own, the paper's figures for the row.
"""

from __future__ import annotations

import json
import math
import textwrap
from pathlib import Path
from typing import Any

from ppocr_bench.experiments.runner import DET_TIMING_INPUT, LATENCY, SCORES, PlannedRun
from ppocr_bench.experiments.runner import read_scores, status
from ppocr_bench.experiments.table import METRIC_NAMES, METRICS, Table


#: The metrics drawn, a panel each (per part and eval set).
PLOTTED = {"det": ("hmean",), "cls": ("acc",), "rec": ("acc", "norm_edit_dis")}
#: Our model sizes (``scores.json`` "size") and their column titles.
SIZES = {"fp32_mb": "size MB (fp32)", "int8_mb": "int8 MB", "cpu_ms": "CPU ms (ours)"}


def _stats(values: list[float]) -> dict[str, float]:
    n = len(values)
    mean = sum(values) / n
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1)) if n > 1 else 0.0
    return {"mean": mean, "sd": sd, "n": n, "values": values}


def collect(table: Table, runs: list[PlannedRun]) -> dict[str, Any]:
    """Per part, row, eval set and metric: mean, sd and the seeds' values of the done runs;
    per row the delta against the reference row and whether it exceeds the spread."""
    parts: dict[str, Any] = {}
    timing: dict[str, Any] = {}
    for run in runs:
        if status(run) != "done":
            continue
        record = read_scores(run.folder / SCORES)
        part = parts.setdefault(run.part.name, {"task": run.part.task, "rows": {},
                                                "reference": run.part.reference,
                                                "evals": [e.name for e in run.part.evals]})
        row = part["rows"].setdefault(run.row.name, {"note": run.row.note, "paper": run.row.paper,
                                                     "seeds": [], "scores": {}, "train_s": [],
                                                     "size": {}})
        row["seeds"].append(run.seed)
        for key, value in (record.get("size") or {}).items():
            row["size"].setdefault(key, []).append(value)
        if (run.folder / LATENCY).exists():
            lat = read_scores(run.folder / LATENCY)
            row["size"].setdefault("cpu_ms", []).append(lat["cpu_ms"])
            timing.setdefault("cpu", lat.get("cpu"))
            timing.setdefault("threads", lat.get("threads"))
            timing.setdefault("rounds", len(lat["round_medians_ms"]))
            timing.setdefault("load_avg_1min", []).append(lat.get("load_avg_1min", 0.0))
            timing.setdefault("measured", []).append(lat.get("measured", ""))
        row["train_s"].append(record.get("train_seconds") or 0.0)
        row["samples_seen"] = record.get("samples_seen")
        for ev, scores in record["scores"].items():
            if not isinstance(scores, dict):
                continue
            for metric in METRICS[run.part.task]:
                if metric in scores:
                    row["scores"].setdefault(ev, {}).setdefault(metric, []).append(scores[metric])
    for part in parts.values():
        for row in part["rows"].values():
            row["scores"] = {ev: {m: _stats(v) for m, v in ms.items()}
                             for ev, ms in row["scores"].items()}
            row["size"] = {k: sum(v) / len(v) for k, v in row["size"].items()}
        ref = part["rows"].get(part["reference"])
        for name, row in part["rows"].items():
            if ref is None or name == part["reference"]:
                continue
            row["delta"] = {ev: {m: _delta(s, ref["scores"].get(ev, {}).get(m))
                                 for m, s in ms.items()} for ev, ms in row["scores"].items()}
    return {"table": table.name, "title": table.title, "description": table.description,
            "runs_done": sum(len(r["seeds"]) for p in parts.values() for r in p["rows"].values()),
            "runs_planned": len(runs), "parts": parts, "timing": _timing(timing)}


def _timing(timing: dict[str, Any]) -> dict[str, Any] | None:
    """Where and under what load the CPU ms were measured (None: no timing pass yet)."""
    if not timing:
        return None
    loads, dates = timing["load_avg_1min"], sorted(d for d in timing["measured"] if d)
    return {"cpu": timing["cpu"], "threads": timing["threads"], "rounds": timing["rounds"],
            "load_avg_1min": [min(loads), max(loads)],
            "measured": [dates[0], dates[-1]] if dates else []}


def _delta(stats: dict[str, float], ref: dict[str, float] | None) -> dict[str, Any] | None:
    if ref is None:
        return None
    delta = stats["mean"] - ref["mean"]
    spread = math.sqrt(stats["sd"] ** 2 + ref["sd"] ** 2)
    return {"delta": delta, "spread": spread,
            "beyond_spread": bool(stats["n"] > 1 and ref["n"] > 1 and abs(delta) > spread)}


def _cell(stats: dict[str, float] | None) -> str:
    if stats is None:
        return "-"
    return f"{stats['mean']:.3f} ± {stats['sd']:.3f}" if stats["n"] > 1 else f"{stats['mean']:.3f}"


def _delta_cell(delta: dict[str, Any] | None) -> str:
    if not delta:
        return ""
    mark = " *" if delta["beyond_spread"] else ""
    return f" ({delta['delta']:+.3f}{mark})"


def markdown(result: dict[str, Any], command: str = "") -> str:
    """One Markdown table per part: a column per (eval set, metric) as ``mean ± sd (delta)``."""
    lines = [f"### {result['title']}", ""]
    if result["description"]:
        lines += [result["description"], ""]
    if command:
        lines += [f"Command: `{command}`", ""]
    rows = [r for part in result["parts"].values() for r in part["rows"].values()]
    legend = (f"Runs scored: {result['runs_done']} of {result['runs_planned']}. Cells: mean ± "
              "sample sd over seeds; in brackets the change against the part's reference row, "
              "`*` where it exceeds the combined spread sqrt(sd² + sd_ref²).")
    if any(r.get("size") for r in rows):
        legend += (" Size: MB (10^6 bytes) of our trained model's float tensors (int8: its int8 "
                   "deployment, for quantisation-aware training).")
    if result.get("timing"):
        t = result["timing"]
        legend += (f" CPU ms (ours): a batch-1 torch forward of the run's final model, the lowest "
                   f"of {t['rounds']} interleaved rounds' medians, {t['threads']} thread, det on "
                   f"{' x '.join(map(str, DET_TIMING_INPUT))}, cls and rec at their input size, "
                   f"every run timed in one pass "
                   f"(`reproduce ... --time`) on {t['cpu']}, 1-minute load "
                   f"average {t['load_avg_1min'][0]:.1f}-{t['load_avg_1min'][1]:.1f}; "
                   "compare rows with each other, not with the paper's ms (another CPU); "
                   "quantisation-aware rows are not timed (their torch forward is not their "
                   "int8 deployment).")
    if any(r["paper"] for r in rows):
        legend += " `paper:` columns: the paper's figures for the row, as reported, not ours."
    lines += [legend, ""]
    for name, part in result["parts"].items():
        metrics = METRICS[part["task"]]
        cols = [(ev, m) for ev in part["evals"] for m in metrics
                if any(m in r["scores"].get(ev, {}) for r in part["rows"].values())]
        sizes = [k for k in SIZES if any(k in r.get("size", {}) for r in part["rows"].values())]
        paper_cols = list(dict.fromkeys(k for r in part["rows"].values() for k in r["paper"]))
        head = ["row", "seeds"] + [f"{ev}: {METRIC_NAMES[m]}" for ev, m in cols]
        head += [SIZES[k] for k in sizes] + [f"paper: {c}" for c in paper_cols]
        head += ["train min/run"]
        lines += [f"**{name}** ({part['task']}; reference row: {part['reference'] or '-'})", "",
                  "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        for row_name, row in part["rows"].items():
            cells = [row_name + (f" ({row['note']})" if row["note"] else ""),
                     str(len(row["seeds"]))]
            for ev, m in cols:
                delta = row.get("delta", {}).get(ev, {}).get(m)
                cells.append(_cell(row["scores"].get(ev, {}).get(m)) + _delta_cell(delta))
            cells += [f"{row['size'][k]:.2f}" if k in row.get("size", {}) else "-" for k in sizes]
            cells += [f"{row['paper'][c]}" if c in row["paper"] else "" for c in paper_cols]
            cells.append(f"{sum(row['train_s']) / max(len(row['train_s']), 1) / 60:.1f}")
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines)


def plot(result: dict[str, Any], path: Path) -> Path:
    """A panel per (part, eval set, metric of :data:`PLOTTED`): each row's mean with sd error
    bars, the reference row in orange."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    grid = [[(name, part, ev, metric) for ev in part["evals"] for metric in PLOTTED[part["task"]]]
            for name, part in result["parts"].items()]
    if not grid:
        grid = [[("(no runs scored yet)", {"rows": {}, "task": "rec"}, "", "acc")]]
    cols = max(len(line) for line in grid)
    height = max(2.0, 0.3 * max(len(p[1]["rows"]) for line in grid for p in line) + 1.1)
    fig, axes = plt.subplots(len(grid), cols, figsize=(3.4 * cols, height * len(grid) + 0.4),
                             squeeze=False)
    for r, line in enumerate(grid):
        for c in range(cols):
            if c >= len(line):
                axes[r][c].axis("off")
                continue
            _bars(axes[r][c], *line[c])
    # wrapped to the figure's width (about 7 characters an inch at this size), never clipped
    fig.suptitle(textwrap.fill(result["title"], max(30, int(3.4 * cols * 7))), fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _bars(ax: Any, name: str, part: dict[str, Any], ev: str, metric: str) -> None:
    rows = list(part["rows"].items())
    means = [r["scores"].get(ev, {}).get(metric, {}).get("mean", math.nan) for _, r in rows]
    sds = [r["scores"].get(ev, {}).get(metric, {}).get("sd", 0.0) for _, r in rows]
    colours = ["C1" if n == part.get("reference") else "C0" for n, _ in rows]
    ax.barh(range(len(rows)), means, xerr=sds, color=colours, capsize=3)
    ax.set_yticks(range(len(rows)), [n for n, _ in rows], fontsize=8)
    ax.invert_yaxis()
    ax.set_title(f"{name}: {ev}", fontsize=9)
    ax.set_xlabel(METRIC_NAMES[metric], fontsize=8)
    ax.set_xlim(left=0)
    ax.grid(True, axis="x", alpha=0.3)
    ax.tick_params(axis="x", labelsize=8)


def write_report(table: Table, runs: list[PlannedRun], out: Path, command: str = ""
                 ) -> list[Path]:
    """OUT/TABLE.json, OUT/TABLE.md and OUT/TABLE.png; returns their paths."""
    from ppocr_bench.train.checkpoints import atomic_write_text

    result = collect(table, runs)
    result["command"] = command
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / f"{table.name}.{ext}" for ext in ("json", "md", "png")]
    atomic_write_text(paths[0], json.dumps(result, indent=2, sort_keys=True) + "\n")
    atomic_write_text(paths[1], markdown(result, command) + "\n")
    plot(result, paths[2])
    return paths
