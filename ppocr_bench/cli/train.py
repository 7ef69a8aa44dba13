"""`ppocr-bench train` and `plot`."""

from __future__ import annotations

import dataclasses

from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from ppocr_bench.cli.common import app, console


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
    from ppocr_bench.train import (RichTrainProgress, TrainConfig, load_run_config,
                                   parse_overrides)
    from ppocr_bench.train import train as run_training

    if resume:
        config = load_run_config(out)
        changes = dict(workers=workers, threads=threads, eval_every=eval_every or None,
                       ckpt_every=ckpt_every or None)
        config = dataclasses.replace(config, **{k: v for k, v in changes.items() if v})
    else:
        config = TrainConfig(
            task=task, data=str(data), out=str(out), preset=preset,
            overrides=parse_overrides(arg or []),
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
    console.print(result.summary(), highlight=False, markup=False, soft_wrap=True)


@app.command()
def plot(run_dir: Path = typer.Argument(..., help="A training run folder.")) -> None:
    """Turn a run's log.jsonl into loss and metric curves (PNG)."""
    from ppocr_bench.train import plot_run

    for path in plot_run(run_dir):
        console.print(f"wrote {path}")
