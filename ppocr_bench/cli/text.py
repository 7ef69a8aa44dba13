"""`ppocr-bench langs`, `fonts` and `corpus build`: languages, fonts and their coverage."""

from __future__ import annotations

from pathlib import Path

import typer
from ppocr_bench.cli.common import app, console, corpus_app, rows_table
from ppocr_bench.errors import PpocrError


@app.command()
def langs() -> None:
    """List the supported languages with charset size, usable fonts and coverage."""
    from ppocr_bench.text.fonts import language_rows

    rows = language_rows()
    families = [{"code": row["code"], "usable font families": row.pop("families")}
                for row in rows]
    console.print(rows_table(rows, title="Languages: charset size, usable fonts, their coverage"))
    console.print(rows_table(families))


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
    console.print("Font coverage of each language's charset, by source and license")
    groups: dict[tuple, list[dict]] = {}
    for row in rows:
        groups.setdefault((row.pop("source"), row.pop("license")), []).append(row)
    for (source, license_), faces in groups.items():
        faces = [{"font": f"{face.pop('family')} {face.pop('style')}", **face} for face in faces]
        console.print(rows_table(faces, title=f"{source} ({license_})"))


@corpus_app.command("build")
def corpus_build(lang: str = typer.Option(..., "--lang", help="Language code."),
                 out: Path = typer.Option(None, "--out", help="Folder (default corpora/LANG).")
                 ) -> None:
    """Rebuild a language's charset and word list from their sources (needs wordfreq)."""
    from ppocr_bench.text.corpus import build_corpus

    summary = build_corpus(lang, out)
    console.print(summary)
