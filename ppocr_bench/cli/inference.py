"""`ppocr-bench ocr` and `export`."""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.table import Table

from ppocr_bench.cli.common import app, console
from ppocr_bench.errors import PpocrError


@app.command()
def ocr(
    images: list[Path] = typer.Argument(..., help="Image files."),
    zoo: Path = typer.Option(None, "--zoo", help="Zoo entry folder (zoo/NAME); default: the "
                             "entry of zoo/ whose card records the best end-to-end hmean for "
                             "--lang (the choice is printed)."),
    zoo_dir: Path = typer.Option(None, "--zoo-dir", help="Where the entry is chosen from "
                                 "without --zoo (default: the repo's zoo/)."),
    lang: str = typer.Option("en", "--lang", help="Picks the entry's recognizer."),
    backend: str = typer.Option("torch", "--backend", help="torch or onnx."),
    threads: int = typer.Option(1, "--threads"),
    draw: Path = typer.Option(None, "--draw", help="Write boxes and texts to this PNG."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON document."),
    drop_score: float = typer.Option(0.5, "--drop-score", help="Drop lines below this score."),
    profile: str = typer.Option("paddleocr", "--profile", help="Pre/post-processing: "
                                "paddleocr or rapidocr (RapidOCR 1.4.4's settings)."),
) -> None:
    """Run the whole system (det -> crop -> cls -> rec) on images. Every image is checked
    first: a missing or undecodable one stops the command before any work; a damaged one that
    still decodes is read with a warning."""
    import json

    from ppocr_bench.text.langs import get_lang
    from ppocr_bench.inference.ocr import check_ocr_inputs, run_ocr
    from ppocr_bench.inference.profiles import get_profile
    from ppocr_bench.inference.system import load_predictors
    from ppocr_bench.zoo.card import ZOO_DIR, read_card
    from ppocr_bench.zoo.choose import choose_entry

    get_lang(lang)
    get_profile(profile)
    check_ocr_inputs(images, draw)
    if zoo is None:
        choice = choose_entry(lang, zoo_dir or ZOO_DIR)
        card = choice.card
        # on stderr with --json, so that stdout stays one JSON document
        print(f"entry: {choice.describe(lang)}", file=sys.stderr if as_json else sys.stdout)
    else:
        card = read_card(zoo)
    system = load_predictors(card, lang, backend=backend, threads=threads,
                             profile=profile).system(drop_score)
    records = run_ocr(images, system, draw)
    if as_json:
        print(json.dumps(records, ensure_ascii=False, indent=1))
        return
    for record in records:
        table = Table(title=record["path"], show_lines=False)
        for column in ("text", "score", "box"):
            table.add_column(column)
        for line in record["lines"]:
            box = " ".join(f"{x:.0f},{y:.0f}" for x, y in line["points"])
            table.add_row(line["text"], f"{line['score']:.3f}", box)
        console.print(table)
        if "drawing" in record:
            console.print(f"drawing: {record['drawing']}")


@app.command()
def export(zoo: Path = typer.Argument(..., help="Zoo entry folder (zoo/NAME)."),
           onnx: bool = typer.Option(False, "--onnx", help="Export every model to ONNX."),
           int8: bool = typer.Option(False, "--int8", help="With --onnx: int8 QDQ graphs "
                                     "from the QAT scales (models trained with --quant "
                                     "pact).")
           ) -> None:
    """Export a zoo entry's models (ONNX files next to their weights)."""
    from ppocr_bench.inference.export import export_zoo
    from ppocr_bench.zoo.card import read_card

    if not onnx:
        raise PpocrError("--int8 is a kind of ONNX export: give --onnx --int8" if int8
                         else "choose an export format: --onnx")
    for path in export_zoo(read_card(zoo), int8=int8):
        console.print(f"wrote {path}")
