"""`ppocr-bench backgrounds` and `backgrounds install`: the photographs scenes are drawn on."""

from __future__ import annotations

from pathlib import Path

import typer

from ppocr_bench.cli.common import App, app, console, rows_table

backgrounds_app = App(help="List the photographs found for scene backgrounds per source; "
                           "`install` installs Debian's.",
                      invoke_without_command=True)
app.add_typer(backgrounds_app, name="backgrounds")


@backgrounds_app.callback()
def backgrounds(ctx: typer.Context,
                background_dir: list[Path] = typer.Option(None, "--background-dir",
                                                          help="Also list these folders.")
                ) -> None:
    """List the photographs found for scene backgrounds, per source (count, folder, license)."""
    if ctx.invoked_subcommand is not None:
        return
    from ppocr_bench.synth.photo_sources import (
        MIN_SIZE,
        find_photos,
        source_rows,
        system_root,
    )

    dirs = tuple(str(d) for d in background_dir or ())
    photos = find_photos(dirs, system_root())
    console.print(rows_table(source_rows(photos, dirs), wrap_first=("folder", "license"),
                             title=f"{len(photos)} photographs for scene backgrounds "
                                   f"(at least {MIN_SIZE[0]} x {MIN_SIZE[1]} px)"))
    if not photos:
        console.print("none found: scene backgrounds are procedural; install some with "
                      "`ppocr-bench backgrounds install` or name a folder with --background-dir")


@backgrounds_app.command("install")
def backgrounds_install(dry_run: bool = typer.Option(False, "--dry-run",
                                                     help="Print the command, install nothing.")
                        ) -> None:
    """Install the Debian wallpaper packages that hold photographs (apt-get, as root)."""
    from ppocr_bench.synth.photos import install_packages

    command, ran = install_packages(dry_run)
    if ran:
        console.print("installed: see `ppocr-bench backgrounds`")
        return
    typer.echo(command)
    if not dry_run:
        raise typer.Exit(1)
