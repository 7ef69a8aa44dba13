"""`ppocr-bench prune`."""

from __future__ import annotations

from pathlib import Path

import typer

from ppocr_bench.cli.common import app, console, progress_bar, rows_table


@app.command()
def prune(
    model: Path = typer.Argument(..., help="A weights file (.safetensors), or a zoo entry "
                                 "folder with --task."),
    out: Path = typer.Option(..., "--out", help="The pruned weights (.safetensors); a scan "
                             "writes OUT.sensitivity.json and .png beside it."),
    ratio: float = typer.Option(None, "--ratio", help="Prune every prunable layer (or each "
                                "--layer) by this share of its filters, in (0, 1)."),
    data: Path = typer.Option(None, "--data", help="Labelled folder for the sensitivity "
                              "scan (synth layout): per-layer ratios from the metric's loss."),
    max_loss: float = typer.Option(None, "--max-loss", help="With --data: per layer the "
                                   "largest ratio whose relative metric loss is at most this "
                                   "(PaddleOCR: 0.02)."),
    flops_target: float = typer.Option(None, "--flops-target", help="With --data: remove at "
                                       "least this share of the FLOPs (the loss threshold "
                                       "bisected, up to --max-loss when given)."),
    layer: list[str] = typer.Option(None, "--layer", help="Only this layer's group "
                                    "(repeatable; names as the table prints them)."),
    preset: str = typer.Option(None, "--preset", help="The weights file's preset, checked."),
    task: str = typer.Option(None, "--task", help="A zoo entry's model: det, cls or rec."),
    lang: str = typer.Option(None, "--lang", help="A zoo entry's rec model for this language."),
) -> None:
    """FPGM filter pruning: a smaller dense network (filters, BatchNorm channels and the next
    layers' inputs removed), its shape stored in the weights; fine-tune it with
    `ppocr-bench train ... --init OUT`."""
    from ppocr_bench.slim.run import load_source, run_prune, source_post

    loaded, sha = load_source(model, preset, task, lang)
    post = source_post(model, task, lang)
    with progress_bar() as bar:
        report = run_prune(loaded, out, ratio=ratio, layers=list(layer or []), data=data,
                           max_loss=max_loss, flops_target=flops_target, source=str(model),
                           source_sha256=sha, progress=bar, post=post)
    rows = [{"layer": name, "ratio": round(r, 4), "channels": f"{before} -> {after}"}
            for name, (r, before, after) in report.layers.items()]
    console.print(rows_table(rows, title=f"{model}: per-layer ratios"
                             + (f" (loss threshold {report.threshold:.4g})"
                                if report.threshold is not None else "")))
    for name, why in report.skipped.items():
        console.print(f"not pruned: {name}: {why}", highlight=False)
    for label, (before, after) in (("params", report.params), ("FLOPs", report.flops)):
        console.print(f"{label}: {before:,} -> {after:,} ({after / before - 1:+.1%})",
                      highlight=False)
    for path in report.written:
        console.print(f"wrote {path}")
