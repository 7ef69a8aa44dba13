"""`ppocr-bench train` and `plot`."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from ppocr_bench.cli.common import app, console
from ppocr_bench.errors import PpocrError


#: CLI parameter -> TrainConfig field, where the names differ.
FIELD = {"no_aug": "augment_off", "arg": "overrides"}
NOT_CONFIG = ("ctx", "resume", "stop_at")


@app.command()
def train(
    ctx: typer.Context,
    task: str = typer.Argument(..., help="det, cls or rec."),
    data: Path = typer.Option(None, "--data", help="synth:LANG[+LANG...] to render every "
                              "sample on the fly (streaming), or a folder in the synth layout "
                              "(or a label file); not needed with --resume."),
    out: Path = typer.Option(..., "--out", help="Run folder (checkpoints, log, plots)."),
    preset: str = typer.Option(None, "--preset", help="Model preset (default per task)."),
    val: Path = typer.Option(None, "--val", help="Validation data (a folder, or synth / "
                             "synth:LANG to render --val-count samples once into the run); "
                             "keeps best.safetensors."),
    steps: int = typer.Option(None, "--steps"),
    epochs: int = typer.Option(None, "--epochs"),
    batch_size: int = typer.Option(8, "--batch-size"),
    lr: float = typer.Option(1e-3, "--lr"),
    end_lr: float = typer.Option(0.0, "--end-lr"),
    warmup_steps: int = typer.Option(None, "--warmup-steps"),
    schedule: str = typer.Option("cosine", "--schedule", help="The lr after the warm-up: "
                                 "cosine (decaying to --end-lr) or constant."),
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
    device: str = typer.Option("auto", "--device", help="auto, cpu, cuda or cuda:N."),
    eval_every: int = typer.Option(0, "--eval-every"),
    ckpt_every: int = typer.Option(0, "--ckpt-every"),
    log_every: int = typer.Option(1, "--log-every"),
    init: Path = typer.Option(None, "--init", help="Start from these weights."),
    init_charset: str = typer.Option("extend", "--init-charset", help="extend or remap."),
    init_new_rows: str = typer.Option("fresh", "--init-new-rows", help="How the CTC rows of "
                                      "characters --init lacks start: fresh, or mean (the "
                                      "mean of the copied rows plus noise)."),
    charset: str = typer.Option(None, "--charset", help="Rec charset: FILE or lang:XX."),
    arg: list[str] = typer.Option(None, "--arg", help="Preset override KEY=JSON."),
    synth_kind: str = typer.Option("both", "--synth-kind", help="Streaming: scene, document "
                                   "or both."),
    synth_engine: str = typer.Option("ours", "--synth-engine", help="Streaming lines: ours "
                                     "or trdg."),
    font_dir: list[Path] = typer.Option(None, "--font-dir", help="Streaming: draw fonts from "
                                        "this folder (repeatable) instead of those found."),
    vertical: bool = typer.Option(False, "--vertical", help="Streaming det: vertical ja/zh "
                                  "document lines."),
    epoch_size: int = typer.Option(100_000, "--epoch-size", help="Streaming: samples per "
                                   "epoch."),
    mix: Path = typer.Option(None, "--mix", help="Streaming: a dataset folder giving "
                             "--mix-ratio of the samples."),
    mix_ratio: float = typer.Option(0.0, "--mix-ratio", help="Share of samples from --mix."),
    val_count: int = typer.Option(200, "--val-count", help="Samples of --val synth."),
    realism: str = typer.Option("base", "--realism", help="Streaming: base, legacy, or base "
                                "with options off, e.g. -photos,-blur (see `ppocr-bench synth "
                                "--help`)."),
    line_source: str = typer.Option("pages", "--line-source", help="Streaming rec/cls: "
                                    "drawn (lines drawn on their own) or pages (cut from "
                                    "rendered scene/document pages, as synth folders are)."),
    scene_pages: int = typer.Option(1, "--scene-pages", help="Streaming rec/cls, --synth-kind "
                                    "both, --line-source pages: scene pages per document page "
                                    "(8 lines each against its 24: 1 gives a quarter scene "
                                    "crops, 3 half)."),
    background_dir: list[Path] = typer.Option(None, "--background-dir", help="Streaming: "
                                              "photographs to use as backgrounds "
                                              "(repeatable), beside those installed."),
    amp: bool = typer.Option(False, "--amp", help="CUDA: float16 autocast of the forward "
                             "pass, loss scaling."),
    quant: str = typer.Option(None, "--quant", help="Quantisation-aware training: pact "
                              "(PACT, int8 Conv2d and Linear; `export --onnx --int8` "
                              "deploys it) or none."),
    rec_width: str = typer.Option("bucket", "--rec-width", help="rec batches: bucket (lines "
                                  "of similar length, padded to the batch's width) or fixed "
                                  "(all padded to the input width)."),
    resume: bool = typer.Option(False, "--resume", help="Continue the run in --out (wherever "
                                "it lies); only --device, --workers, --threads, --log-every, "
                                "--ckpt-every, --eval-every may change."),
    stop_at: int = typer.Option(None, "--stop-at", help="Checkpoint at this step and stop "
                                "(the schedule stays that of --steps); --resume continues."),
) -> None:
    """Train a det, cls or rec model (Adam, warm-up then cosine decay or --schedule constant,
    the paper's augmentations)."""
    values = {name: value for name, value in locals().items() if name not in NOT_CONFIG}
    # the options typed, as opposed to defaults: --resume refuses those that change the run
    from ppocr_bench.train import RichTrainProgress, TrainConfig, parse_overrides, resume_config
    from ppocr_bench.train import train as run_training

    given = {name for name in values
             if getattr(ctx.get_parameter_source(name), "name", "") == "COMMANDLINE"}
    options = {FIELD.get(name, name): value for name, value in values.items()}
    for name in ("data", "out", "val", "init", "mix"):
        options[name] = None if options[name] is None else str(options[name])
    options["font_dir"] = tuple(str(d) for d in font_dir or ())
    options["background_dir"] = tuple(str(d) for d in background_dir or ())
    options["augment_off"] = tuple(no_aug or ())
    options["overrides"] = parse_overrides(arg or [])
    if resume:
        config = resume_config(out, {FIELD.get(n, n): options[FIELD.get(n, n)]
                                     for n in given | {"task"}})
    elif data is None:
        raise PpocrError("--data: missing (the training data; only --resume may leave it out)")
    else:
        config = TrainConfig(**options)
    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn(), TextColumn("eta"), TimeRemainingColumn(),
                   console=console)
    with bar:
        result = run_training(config, RichTrainProgress(bar, label=task), resume=resume,
                              stop_at=stop_at)
    console.print(result.summary(), highlight=False, markup=False, soft_wrap=True)


@app.command()
def plot(run_dir: Path = typer.Argument(..., help="A training run folder.")) -> None:
    """Turn a run's log.jsonl into loss and metric curves (PNG)."""
    from ppocr_bench.train import plot_run

    for path in plot_run(run_dir):
        console.print(f"wrote {path}")
