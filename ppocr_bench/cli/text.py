"""`ppocr-bench langs`, `fonts`, `fonts install` and `corpus build`: languages, fonts, their
coverage and their installation."""

from __future__ import annotations

from pathlib import Path

import typer
from ppocr_bench.cli.common import App, app, console, corpus_app, rows_table
from ppocr_bench.errors import PpocrError


fonts_app = App(help="Print the font x language coverage table (share of each charset in the "
                     "font's cmap); `fonts install` installs the curated font packages.",
                invoke_without_command=True)
app.add_typer(fonts_app, name="fonts")


@app.command()
def langs() -> None:
    """List the supported languages with charset size, usable fonts (faces and families) and
    coverage."""
    from ppocr_bench.text.fonts import language_rows

    rows = language_rows()
    families = [{"code": row["code"], "usable font families": row.pop("families")}
                for row in rows]
    shown = [{"families" if key == "family count" else "faces" if key == "fonts" else key: value
              for key, value in row.items()} for row in rows]
    console.print(rows_table(shown, title="Languages: charset size, usable fonts, their coverage"))
    console.print(rows_table(families, wrap_first=("usable font families",)))


@fonts_app.callback()
def fonts(ctx: typer.Context,
          font_dir: list[Path] = typer.Option(None, "--font-dir",
                                              help="Use only fonts from these folders.")) -> None:
    """Print the font x language coverage table (share of each charset in the font's cmap)."""
    if ctx.invoked_subcommand is not None:
        return
    from ppocr_bench.text.font_dirs import check_font_dir
    from ppocr_bench.text.fonts import coverage_rows

    for path in font_dir or []:
        check_font_dir(path)
    rows = coverage_rows(font_dir or None)
    if not rows:
        raise PpocrError("no fonts found: install some (ppocr-bench fonts install, see "
                         "fonts/README.md)")
    console.print("Font coverage of each language's charset, by source and license")
    groups: dict[tuple, list[dict]] = {}
    for row in rows:
        groups.setdefault((row.pop("source"), row.pop("license")), []).append(row)
    for (source, license_), faces in groups.items():
        faces = [{"font": f"{face.pop('family')} {face.pop('style')}", **face} for face in faces]
        console.print(rows_table(faces, title=f"{source} ({license_})"))


@fonts_app.command("install")
def fonts_install(script: list[str] = typer.Option(
                      None, "--script",
                      help="latin, han, japanese, hangul or all (default), or a language code; "
                           "repeatable."),
                  dry_run: bool = typer.Option(False, "--dry-run",
                                               help="Print the command, install nothing.")
                  ) -> None:
    """Install the curated font packages of fonts/manifest.toml for some scripts (apt-get, as
    root); without root or apt-get, print the command to run and exit with status 2."""
    from ppocr_bench.text.font_install import install_fonts, parse_scripts

    result = install_fonts(parse_scripts(script), dry_run)
    if result.ran:
        console.print(f"installed {len(result.packages)} font packages: see `ppocr-bench langs`")
        return
    typer.echo(result.command)
    if result.problem:
        raise PpocrError(result.problem)


@corpus_app.command("build")
def corpus_build(lang: str = typer.Option(..., "--lang", help="Language code."),
                 out: Path = typer.Option(None, "--out", help="Folder (default corpora/LANG).")
                 ) -> None:
    """Rebuild a language's charset and word list from their sources (needs wordfreq)."""
    from ppocr_bench.text.corpus import build_corpus

    summary = build_corpus(lang, out)
    console.print(summary)
