"""`ppocr-bench synth`, `merge` and `preview`."""

from __future__ import annotations

import time

from pathlib import Path

import typer

from ppocr_bench.cli.common import app, console, enum_option, progress_bar
from ppocr_bench.text.langs import LANGS


@app.command()
def synth(
    lang: str = typer.Option("ja", "--lang", help=", ".join(LANGS) + "."),
    kind: str = typer.Option("both", "--kind", help="scene, document or both."),
    count: int = typer.Option(100, "--count", help="Number of full images."),
    out: Path = typer.Option(None, "--out", help="Output folder (default synth-LANG)."),
    seed: int = typer.Option(0, "--seed"),
    workers: int = typer.Option(1, "--workers", help="Processes; outputs do not depend on it."),
    shard: str = typer.Option(None, "--shard", help="K/N: render only samples i with i % N == K."),
    engine: str = typer.Option("ours", "--engine", help="Rec line engine: ours or trdg."),
    vertical: bool = typer.Option(False, "--vertical", help="Vertical document lines (ja, zh)."),
    font_dir: list[Path] = typer.Option(None, "--font-dir", help="Use only these font folders."),
    realism: str = typer.Option("base", "--realism", help="base (every realism option on), "
                                "legacy (the synthesis before them), or base with options off "
                                "or changed: e.g. -photos,-blur or fonts=pinned. Options: "
                                "photos, crops, vocab, blend, blur, lowres, jpeg, light; fonts="
                                "balanced|uniform|pinned; +words labels scene text word by "
                                "word (off in base)."),
    background_dir: list[Path] = typer.Option(None, "--background-dir", help="Photographs to "
                                              "use as scene backgrounds (repeatable), beside "
                                              "those installed (`ppocr-bench backgrounds`)."),
    preview: bool = typer.Option(False, "--preview", help="Write OUT/preview.png."),
) -> None:
    """Synthesize scene and document text images with det, cls and rec ground truth."""
    from ppocr_bench.synth.pipeline import Engine, Kind, SynthSpec, parse_shard, run_synth
    from ppocr_bench.synth.preview import write_preview
    from ppocr_bench.synth.photos import photos_summary
    from ppocr_bench.synth.realism import parse_realism

    spec = SynthSpec(lang=lang, kind=enum_option(Kind, kind, "--kind"), count=count, seed=seed,
                     engine=enum_option(Engine, engine, "--engine"), vertical=vertical,
                     realism=parse_realism(realism, tuple(str(d) for d in background_dir or ())))
    out = out or Path(f"synth-{lang}")
    started = time.perf_counter()
    with progress_bar() as bar:
        task = bar.add_task(f"synth {lang}", total=None, unit="img")
        result = run_synth(spec, out, workers=workers, shard=parse_shard(shard),
                           font_dirs=font_dir or None,
                           on_start=lambda n: bar.update(task, total=n),
                           on_sample=lambda i: bar.advance(task))
    seconds = time.perf_counter() - started
    console.print(f"{out}: rendered {result.rendered} images in {seconds:.1f} s"
                  f" ({result.skipped} already there)")
    if not result.complete:
        console.print("shard done; label files are written once every sample is there "
                      "(run the other shards, then `ppocr-bench merge`)")
        return
    console.print(result.manifest["counts"])
    console.print(photos_summary(result.manifest.get("photos_available")))
    if preview:
        console.print(f"preview: {write_preview(out)}")


@app.command()
def merge(out: Path = typer.Argument(..., help="Merged output folder."),
          shards: list[Path] = typer.Argument(..., help="Shard output folders of one run.")
          ) -> None:
    """Merge the shard folders of one synth run and write its label files."""
    from ppocr_bench.synth.merge import merge_shards

    result = merge_shards(out, shards)
    console.print(f"{out}: merged {result.rendered} samples; {result.manifest['counts']}")


@app.command()
def preview(data: Path = typer.Argument(..., help="A synth output folder."),
            out: Path = typer.Option(None, "--out", help="PNG path (default DATA/preview.png).")
            ) -> None:
    """Write a contact sheet PNG of a synth output folder."""
    from ppocr_bench.synth.preview import write_preview

    console.print(f"preview: {write_preview(data, out)}")
