"""`ppocr-bench reproduce`: run a named experiment table (ppocr_bench.experiments)."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.progress import TimeRemainingColumn

from ppocr_bench.cli.common import app, console, rows_table


def _names(value: str | None) -> list[str] | None:
    return [v.strip() for v in value.split(",") if v.strip()] if value else None


@app.command()
def reproduce(
    table: str = typer.Argument(..., help="A table name (`ppocr-bench reproduce list` lists "
                                "them)."),
    out: Path = typer.Option(None, "--out", help="Runs and results (default runs/TABLE)."),
    budget: int = typer.Option(None, "--budget", help="Training steps per run (default: the "
                               "table's; parts may scale it)."),
    seeds: int = typer.Option(None, "--seeds", help="Seeds per row (default: the table's)."),
    parts: str = typer.Option(None, "--parts", help="Only these parts (comma list)."),
    rows: str = typer.Option(None, "--rows", help="Only these rows (comma list)."),
    report_only: bool = typer.Option(False, "--report-only", help="Write the table from the "
                                     "runs done so far; train nothing."),
    time_models: bool = typer.Option(False, "--time", help="Time every done run's model (CPU "
                                     "ms, one thread) in one pass before the report; run it on "
                                     "a quiet machine."),
) -> None:
    """Train and score every row of a table for each seed (resumable: finished runs are
    skipped, killed ones resumed), then write OUT/TABLE.json, .md and .png."""
    from ppocr_bench.experiments import TABLES, get_table, plan, status, write_report
    from ppocr_bench.experiments.runner import execute, time_runs
    from ppocr_bench.train import RichTrainProgress

    if table == "list":
        console.print(rows_table([{"table": t.name, "parts": ", ".join(p.name for p in t.parts),
                                   "rows": sum(len(p.rows) for p in t.parts), "budget": t.budget,
                                   "seeds": t.seeds, "title": t.title} for t in TABLES.values()],
                                 wrap_first=("title",)))
        return
    spec = get_table(table)
    out = out or Path("runs") / spec.name
    runs = plan(spec, out, budget=budget, seeds=seeds, parts=_names(parts), rows=_names(rows))
    # the command that runs the table (what the report names), not a --report-only call
    args = [a for a in sys.argv[2:] if a not in ("--report-only", "--time")] or [table]
    command = "ppocr-bench reproduce " + shlex.join(args)
    if not report_only:
        todo = [r for r in runs if status(r) != "done"]
        console.print(f"{spec.name}: {len(runs)} runs, {len(runs) - len(todo)} done already")
        bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                       TimeElapsedColumn(), TextColumn("eta"), TimeRemainingColumn(),
                       console=console)
        with bar:
            overall = bar.add_task(f"{spec.name}", total=len(runs), completed=len(runs) - len(todo))
            for run in todo:
                def phase(name: str, run=run) -> None:
                    bar.update(overall, description=f"{spec.name}: {run.label} ({name})")

                execute(run, RichTrainProgress(bar, label=run.label), on_phase=phase)
                bar.advance(overall)
    if time_models:
        done = [r for r in runs if status(r) == "done"]
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), console=console) as bar:
            timing = bar.add_task(f"{spec.name}: loading models", total=None)

            def timed(label: str, done_calls: int, total: int) -> None:
                bar.update(timing, description=f"{spec.name}: timed {label}",
                           completed=done_calls, total=total)

            timed_runs = time_runs(done, on_step=timed)
        console.print(f"timed {len(timed_runs)} of {len(done)} done runs (quantisation-aware "
                      "ones, and runs whose weights are not here, are not timed)")
    for path in write_report(spec, runs, out, command):
        console.print(f"wrote {path}")
