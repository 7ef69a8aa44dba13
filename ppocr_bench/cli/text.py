"""`ppocr-bench langs`, `fonts` and `corpus build`: languages, fonts and their coverage."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from ppocr_bench.cli.common import app, console, corpus_app
from ppocr_bench.errors import PpocrError


@app.command()
def langs() -> None:
    """List the supported languages with charset size, usable fonts and coverage."""
    from ppocr_bench.text.fonts import language_rows

    rows = language_rows()
    table = Table(title="Languages")
    for column in rows[0]:
        table.add_column(column)
    for row in rows:
        table.add_row(*(str(v) for v in row.values()))
    console.print(table)


@app.command()
def fonts(font_dir: list[Path] = typer.Option(None, "--font-dir",
                                              help="Use only fonts from these folders.")) -> None:
    """Print the font x language coverage table (share of each charset in the font's cmap)."""
    from ppocr_bench.text.font_dirs import check_font_dir
    from ppocr_bench.text.fonts import coverage_rows

    for path in font_dir or []:
        check_font_dir(path)
    rows = coverage_rows(font_dir or None)
    if not rows:
        raise PpocrError("no fonts found: install some (see fonts/README.md)")
    table = Table(title="Font coverage of each language's charset")
    for column in rows[0]:
        table.add_column(column, justify="right" if len(column) == 2 else "left")
    for row in rows:
        table.add_row(*(f"{v:.3f}" if isinstance(v, float) else str(v) for v in row.values()))
    console.print(table)


@corpus_app.command("build")
def corpus_build(lang: str = typer.Option(..., "--lang", help="Language code."),
                 out: Path = typer.Option(None, "--out", help="Folder (default corpora/LANG).")
                 ) -> None:
    """Rebuild a language's charset and word list from their sources (needs wordfreq)."""
    from ppocr_bench.text.corpus import build_corpus

    summary = build_corpus(lang, out)
    console.print(summary)
