"""`ppocr-bench eval` and `metrics`."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from ppocr_bench.cli.common import app, console, print_warning, progress_bar


@app.command("eval")
def evaluate(
    zoo_dirs: list[Path] = typer.Argument(None, help="Zoo entry folders (or a folder of them); "
                                          "optional with --system."),
    system: list[str] = typer.Option(None, "--system", help="Also evaluate another OCR system: "
                                     "tesseract, rapidocr or rapidocr:ZOO_ENTRY (RapidOCR on "
                                     "that entry's official ONNX files). Repeatable."),
    data: Path = typer.Option(None, "--data", help="Eval set in the synth layout (one --lang; "
                              "default: each language's fixed-seed eval set, cached)."),
    lang: list[str] = typer.Option(None, "--lang", help="Language to evaluate, repeatable "
                                   "(default: every language the entries' recognizers serve; "
                                   "en with --system only)."),
    out: Path = typer.Option(Path("out/eval"), "--out", help="Report folder."),
    threads: int = typer.Option(1, "--threads", help="Threads for inference and latency."),
    backend: str = typer.Option("torch", "--backend", help="torch or onnx."),
    latency_runs: int = typer.Option(20, "--latency-runs", help="Timed calls per model."),
    profile: str = typer.Option("paddleocr", "--profile", help="Pre/post-processing: "
                                "paddleocr or rapidocr (RapidOCR 1.4.4's settings)."),
    record: bool = typer.Option(False, "--record", help="Write each entry's accuracies per "
                                "language into its card.toml ([eval.LANG]; with --data, "
                                "[eval_data.SET.LANG])."),
) -> None:
    """Detection hmean, cls accuracy, rec accuracy and the whole system against size and
    latency, for zoo entries and other systems (--system) in one table, per language; writes
    report.json, report.md and PNG plots."""
    import sys

    from ppocr_bench.eval.report import rich_tables
    from ppocr_bench.eval.run import prepare_eval, run_eval

    plan = prepare_eval(list(zoo_dirs or []), list(system or []), data, list(lang or []), out,
                        threads=threads, backend=backend, latency_runs=latency_runs,
                        profile=profile, record=record,
                        command="ppocr-bench " + " ".join(sys.argv[1:]))
    _warn(plan.warnings)
    with progress_bar() as bar:
        run = run_eval(plan, progress=bar)
    _warn(run.warnings)
    for table in rich_tables(run.results):
        console.print(table)
    for path in run.written:
        console.print(f"wrote {path}")
    for path, langs in run.recorded:
        console.print(f"recorded {', '.join(langs)} in {path}")


def _warn(warnings: list[str]) -> None:
    for line in warnings:
        print_warning(line)


@app.command()
def metrics(task: str = typer.Argument(..., help="det, rec or cls."),
            gt: Path = typer.Option(..., "--gt", help="Ground-truth label file."),
            pred: Path = typer.Option(..., "--pred", help="Prediction label file."),
            as_json: bool = typer.Option(False, "--json", help="Print one JSON object.")
            ) -> None:
    """Score any system's predictions against ground truth, matched by image path."""
    import json

    from ppocr_bench.eval.files import score_files

    scored = score_files(task, gt, pred)
    _warn([scored.warning] if scored.warning else [])
    if as_json:
        print(json.dumps(scored.scores))
        return
    table = Table(title=f"{task}: {pred} against {gt}")
    for key in scored.scores:
        table.add_column(key, justify="right")
    table.add_row(*(f"{v:.4f}" for v in scored.scores.values()))
    console.print(table)
