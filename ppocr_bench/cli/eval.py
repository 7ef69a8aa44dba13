"""`ppocr-bench eval` and `metrics`."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from ppocr_bench.cli.common import app, console, err_console, progress_bar
from ppocr_bench.errors import PpocrError


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
                                "language into its card.toml ([eval.LANG])."),
) -> None:
    """Detection hmean, cls accuracy, rec accuracy and the whole system against size and
    latency, for zoo entries and other systems (--system) in one table, per language; writes
    report.json, report.md and PNG plots."""
    import sys

    from ppocr_bench.eval import sets as evalsets
    from ppocr_bench.eval.evaluate import evaluate_entries, evaluate_peers, served_langs
    from ppocr_bench.text.langs import get_lang
    from ppocr_bench.eval.peers import load_peer
    from ppocr_bench.inference.profiles import get_profile
    from ppocr_bench.eval.report import rich_table, write_report
    from ppocr_bench.zoo.card import cards_at

    get_profile(profile)
    if record and (data is not None or backend != "torch" or profile != "paddleocr"):
        raise PpocrError("--record keeps figures of the default eval sets with the torch backend "
                         "and the paddleocr profile: drop --data, --backend and --profile")
    if not zoo_dirs and not system:
        raise PpocrError("nothing to evaluate: give zoo entry folders and/or --system NAME")
    cards = [card for path in zoo_dirs or [] for card in cards_at(path)]
    langs = list(dict.fromkeys(lang)) if lang else served_langs(cards)
    for code in langs:
        get_lang(code)
    if data is not None and len(langs) > 1:
        raise PpocrError(f"--data is one eval set: give one --lang with it, not {len(langs)}")
    peers = {code: [load_peer(spec, code, threads=threads) for spec in system or []]
             for code in langs}  # fail early
    command = "ppocr-bench " + " ".join(sys.argv[1:])
    results: list[dict] = []
    with progress_bar() as bar:
        for code in langs:
            eval_set = data
            if eval_set is None:
                task = bar.add_task(f"eval set {code}", total=None, unit="img")
                eval_set = evalsets.default_eval_set(
                    code, on_start=lambda n, t=task: bar.update(t, total=n),
                    on_sample=lambda i, t=task: bar.advance(t))
                if next(t for t in bar.tasks if t.id == task).total is None:
                    bar.update(task, visible=False)  # cached: nothing was synthesized
            entries = cards if lang else [c for c in cards if code in served_langs([c])]
            for warning in filter(None, [evalsets.recorded_set_warning(c, code, eval_set)
                                         for c in entries]):
                err_console.print(warning, markup=False, style="yellow")
            results += evaluate_entries(entries, eval_set, code, backend=backend,
                                        threads=threads, latency_runs=latency_runs,
                                        progress=bar, command=command,
                                        profile=profile) if entries else []
            results += evaluate_peers(peers[code], eval_set, code, threads=threads,
                                      latency_runs=latency_runs, progress=bar, command=command)
    console.print(rich_table(results))
    for path in write_report(results, out):
        console.print(f"wrote {path}")
    if record:
        _record_eval(cards, results)


def _record_eval(cards, results: list[dict]) -> None:
    """``eval --record``: each entry's figures into its card (what `ppocr-bench eval zoo/NAME`
    reproduces: default eval sets, torch backend, paddleocr profile)."""
    from ppocr_bench.zoo.card import eval_figures, write_card

    for card in cards:
        for result in results:
            meta = result.get("meta", {})
            if "peer" not in meta and meta.get("zoo_path") == str(card.root):
                card.eval[meta["lang"]] = eval_figures(result)
        console.print(f"recorded {', '.join(sorted(card.eval))} in {write_card(card)}")


@app.command()
def metrics(task: str = typer.Argument(..., help="det, rec or cls."),
            gt: Path = typer.Option(..., "--gt", help="Ground-truth label file."),
            pred: Path = typer.Option(..., "--pred", help="Prediction label file."),
            as_json: bool = typer.Option(False, "--json", help="Print one JSON object.")
            ) -> None:
    """Score any system's predictions against ground truth, matched by image path."""
    import json

    from ppocr_bench.eval.evaluate import score_files

    scores = score_files(task, gt, pred)
    if as_json:
        print(json.dumps(scores))
        return
    table = Table(title=f"{task}: {pred} against {gt}")
    for key in scores:
        table.add_column(key, justify="right")
    table.add_row(*(f"{v:.4f}" for v in scores.values()))
    console.print(table)
