"""Reports of ``ppocr-bench eval``: report.json, report.md, paper-style plots, screen tables.

``report.json`` holds the result of :func:`ppocr_bench.eval.loop.evaluate_system` as it is for
one zoo entry, and ``{"entries": [result, ...]}`` for several (one per entry, in the order
given).
:func:`read_report` reads either back as a list.

Plots (matplotlib, Agg): ``accuracy_vs_size.png`` and ``accuracy_vs_latency.png``, one panel per
task (det hmean, cls acc, rec acc, system end-to-end hmean), one labelled point per zoo entry;
x = weights MB, resp. latency ms (p50 of one network call; ms per image for the system).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from rich import box
from rich.table import Table

#: (task, metric, panel title) in display order.
PANELS = (("det", "hmean", "det hmean"), ("cls", "acc", "cls acc"), ("rec", "acc", "rec acc"),
          ("system", "hmean", "system e2e hmean"))
#: (column title, task, key, format) of the summary tables.
COLUMNS = (
    ("det hmean", "det", "hmean", ".3f"), ("det H doc", "det", "hmean_document", ".3f"),
    ("det H scene", "det", "hmean_scene", ".3f"), ("cls acc", "cls", "acc", ".3f"),
    ("rec acc", "rec", "acc", ".3f"), ("rec ned", "rec", "norm_edit_dis", ".3f"),
    ("e2e hmean", "system", "hmean", ".3f"),
    ("det MB", "det", "size_mb", ".2f"), ("cls MB", "cls", "size_mb", ".2f"),
    ("rec MB", "rec", "size_mb", ".2f"), ("total MB", "system", "size_mb", ".2f"),
    ("det ms p50/p90", "det", "latency", ""), ("cls ms p50/p90", "cls", "latency", ""),
    ("rec ms p50/p90", "rec", "latency", ""), ("system ms/img", "system", "ms_per_image", ".1f"),
)


def entry_name(result: dict) -> str:
    meta = result.get("meta", {})
    name = f"{meta.get('zoo', '?')}/{meta.get('backend', '?')}"
    profile = meta.get("profile", "paddleocr")
    return name if profile == "paddleocr" else f"{name}/{profile}"


def lang_of(result: dict) -> str:
    return str(result.get("meta", {}).get("lang", "?"))


def cell(result: dict, task: str, key: str, fmt: str) -> str:
    """One table cell; "-" where the task was not evaluated."""
    part = result.get(task)
    if part is None or (key != "latency" and key not in part):
        return "-"
    if key == "latency":
        return f"{part['latency_ms_p50']:.1f} / {part['latency_ms_p90']:.1f}"
    return format(part[key], fmt)


def markdown(results: list[dict]) -> str:
    """report.md: the summary table, then each entry's meta."""
    lines = ["# ppocr-bench evaluation", ""]
    header = ["entry", "lang", *(c[0] for c in COLUMNS)]
    lines += ["| " + " | ".join(header) + " |", "|---|---|" + "---:|" * len(COLUMNS)]
    for r in results:
        row = [entry_name(r), lang_of(r), *(cell(r, t, k, f) for _, t, k, f in COLUMNS)]
        lines.append("| " + " | ".join(row) + " |")
    lines += ["", "Accuracy: det = PaddleOCR IoU hmean on full images; cls/rec on the crops "
              "(rec ignores spaces; ned = 1 - normalised edit distance); e2e = det matches that "
              "also read the exact text. Sizes: fp32 weights files, MB = 10^6 bytes. Latency: "
              "one network call at batch 1 after warm-up; system: mean ms per image.", ""]
    if any("peer" in r.get("meta", {}) for r in results):
        lines += ["Other systems (`--system`) run their own pipelines and model files, scored "
                  "by the same metric code; det and system come from one call of the whole "
                  "pipeline per image; a task a system has no model for shows `-`; their "
                  "settings are under `peer` below.", ""]
    for r in results:
        meta = r.get("meta", {})
        lines += [f"## {entry_name(r)} ({lang_of(r)})", ""]
        for key, value in meta.items():
            if isinstance(value, dict):
                value = ", ".join(f"{k}={v}" for k, v in value.items())
            elif isinstance(value, list):
                value = "; ".join(str(v) for v in value) or "none"
            lines.append(f"- {key}: {value}")
        lines.append("")
    return "\n".join(lines)


#: (header, task, key, format) of the two screen tables: accuracy, then size and speed.
#: Headers are two short lines and figures at most 6 characters, so both tables keep every
#: figure whole in an 80-column terminal (long entry names wrap instead).
SCREEN_ACCURACY = (
    ("det\nH", "det", "hmean", ".3f"), ("det H\ndoc", "det", "hmean_document", ".3f"),
    ("det H\nscene", "det", "hmean_scene", ".3f"), ("cls\nacc", "cls", "acc", ".3f"),
    ("rec\nacc", "rec", "acc", ".3f"), ("rec\nned", "rec", "norm_edit_dis", ".3f"),
    ("e2e\nH", "system", "hmean", ".3f"),
)
SCREEN_COST = (
    ("det\nMB", "det", "size_mb", ".2f"), ("cls\nMB", "cls", "size_mb", ".2f"),
    ("rec\nMB", "rec", "size_mb", ".2f"), ("all\nMB", "system", "size_mb", ".2f"),
    ("det\nms", "det", "latency_ms_p50", ".1f"), ("cls\nms", "cls", "latency_ms_p50", ".1f"),
    ("rec\nms", "rec", "latency_ms_p50", ".1f"), ("ms/\nimg", "system", "ms_per_image", ".0f"),
)


def _screen_table(results: list[dict], title: str, columns: tuple) -> Table:
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, padding=(0, 1),
                  pad_edge=False, collapse_padding=True)
    table.add_column("entry", overflow="fold")
    table.add_column("lang", no_wrap=True)
    for header, *_ in columns:
        table.add_column(header, justify="right", no_wrap=True)
    for r in results:
        table.add_row(entry_name(r), lang_of(r), *(cell(r, t, k, f) for _, t, k, f in columns))
    return table


def rich_tables(results: list[dict]) -> list[Table]:
    """The summary for the screen, one row per result: accuracies (det hmean on all, the
    document and the scene images; cls and rec accuracy, rec ned; end-to-end hmean), then
    sizes and p50 latencies per model with the system's total MB and ms per image."""
    return [_screen_table(results, "ppocr-bench eval: accuracy", SCREEN_ACCURACY),
            _screen_table(results, "size (MB) and latency (ms: p50 of one batch-1 call; "
                                   "ms/img: the whole system)", SCREEN_COST)]


def _points(results: list[dict], task: str, metric: str, x_key: str) -> list[tuple]:
    """(x, y, label, entry index) of every entry that has ``task``."""
    out = []
    several = len({lang_of(r) for r in results}) > 1
    for n, r in enumerate(results):
        part = r.get(task)
        if part is not None and all(math.isfinite(part[k]) for k in (metric, x_key)):
            label = f"{entry_name(r)} {lang_of(r)}" if several else entry_name(r)
            out.append((part[x_key], part[metric], label, n))
    return out


LABELLED = 4  # results beyond this get a legend rather than labels beside the points
MARKERS = ("o", "s", "^", "D")


def plot(results: list[dict], path: Path, *, latency: bool) -> Path:
    """One figure, a panel per task, metric against size MB (or latency ms)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = [p for p in PANELS if any(p[0] in r for r in results)] or list(PANELS[:1])
    fig, axes = plt.subplots(1, len(panels), figsize=(3.6 * len(panels), 3.4), squeeze=False)
    for ax, (task, metric, title) in zip(axes[0], panels):
        if latency:
            x_key = "ms_per_image" if task == "system" else "latency_ms_p50"
            xlabel = "ms per image" if task == "system" else "latency ms (p50, batch 1)"
        else:
            x_key, xlabel = "size_mb", "weights MB" if task != "system" else "total weights MB"
        points = _points(results, task, metric, x_key)
        for i, (x, y, label, n) in enumerate(points):
            # one colour and marker per result; a legend instead of labels when there are many
            ax.scatter([x], [y], s=36, zorder=3, color=f"C{n % 10}", marker=MARKERS[n // 10 % 4],
                       label=label)
            if len(results) <= LABELLED:
                # Staggered labels so entries of similar size / latency stay readable, in the
                # point's colour and tied to it by a line (a staggered label can sit closer to
                # a neighbour's point than to its own).
                ax.annotate(label, (x, y), textcoords="offset points", fontsize=8,
                            color=f"C{n % 10}",
                            xytext=(8, (8 + 12 * (i // 2)) * (1 if i % 2 == 0 else -1) - 3),
                            arrowprops={"arrowstyle": "-", "color": f"C{n % 10}", "lw": 0.6,
                                        "shrinkA": 0, "shrinkB": 3})
        ax.set_title(title, fontsize=10)
        ax.set_xlabel(xlabel, fontsize=9)
        ax.set_ylabel(metric, fontsize=9)
        ax.set_ylim(-0.1, 1.1)
        if points:
            xs = [p[0] for p in points]
            pad = max(0.15 * (max(xs) - min(xs)), 0.1 * max(xs), 1e-3)
            ax.set_xlim(min(xs) - pad, max(xs) + 2.5 * pad)
        ax.grid(True, alpha=0.3)
        ax.tick_params(labelsize=8)
    meta = results[0].get("meta", {}) if results else {}
    langs = ", ".join(dict.fromkeys(lang_of(r) for r in results)) or "?"
    fig.suptitle(f"accuracy vs {'latency' if latency else 'size'} "
                 f"({langs}, {meta.get('threads', '?')} thread(s), "
                 f"{meta.get('machine', {}).get('cpu', '')})", fontsize=10)
    fig.tight_layout()
    if len(results) > LABELLED:
        handles: dict[str, Any] = {}
        for ax in axes[0]:
            for handle, label in zip(*ax.get_legend_handles_labels()):
                handles.setdefault(label, handle)
        fig.legend(handles.values(), handles.keys(), loc="center right", fontsize=8)
        fig.subplots_adjust(right=0.85)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def write_report(results: list[dict], out: Path) -> list[Path]:
    """Write OUT/report.json, OUT/report.md, OUT/accuracy_vs_size.png and
    OUT/accuracy_vs_latency.png; returns their paths."""
    if not results:
        raise ValueError("no results to report")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    data = results[0] if len(results) == 1 else {"entries": results}
    json_path = out / "report.json"
    json_path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    md_path = out / "report.md"
    md_path.write_text(markdown(results), encoding="utf-8")
    return [json_path, md_path, plot(results, out / "accuracy_vs_size.png", latency=False),
            plot(results, out / "accuracy_vs_latency.png", latency=True)]


def read_report(path: Path) -> list[dict]:
    """The results of a report.json (a list in both the one- and several-entry layouts)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return data["entries"] if "entries" in data else [data]
