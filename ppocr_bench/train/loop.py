"""``train(config) -> RunResult``: the PP-OCR training loop for det, cls and rec.

Adam (lr 1e-3), linear warm-up then cosine decay or, with ``schedule`` "constant", a constant
rate (:mod:`.schedules`), coupled L2 weight decay (PaddleOCR's ``L2Decay``: added to the
gradient, Adam's ``weight_decay``), optional global gradient-norm clipping. Losses: DB (det,
:func:`ppocr_bench.losses.db_loss.db_loss`), cross entropy (cls), CTC with blank 0 summed per
line and averaged over the batch (rec, as PaddleOCR's ``CTCLoss``). ``quant`` "pact":
quantisation-aware training of the model quantised after its initialisation
(:mod:`ppocr_bench.slim.quant`; the PACT alphas with their own L2 of 2e-5, fitted to the first
batch of a fresh run of a float model by :func:`~ppocr_bench.slim.quant.fit_alphas`), resumable like any run
(alphas and moving-average scales are in the checkpoint).

Run folder: ``config.json`` (with where the data lies, :mod:`.run_folder`), ``charset.txt``
(rec), ``log.jsonl``, ``ckpt/`` (see :mod:`.checkpoints`), ``best.safetensors`` (best validation
score so far, with ``val``), ``final.safetensors`` and ``result.json`` at the end. Before step 1
(and before anything is written) the run folder must be writable, every listed image must exist
and no training image may come from a synth folder with an eval seed (:mod:`.checks`).

Resuming (``resume=True``) continues the run in ``config.out``, wherever that folder lies now
(``load_run_config`` finds its data), from its newest checkpoint: weights, optimizer state,
step, best score and RNG states; the schedule is a pure function of the step and the data order
a pure function of (seed, step), so the run continues exactly where the checkpoint was taken
(with ``workers=0`` or any worker count alike: samples are keyed by (epoch, index)). Only the
operational options (device, workers, threads, logging, checkpoint and eval cadence) may differ
from the run's config.json.

Multi-GPU: launched by ``torchrun`` (RANK and WORLD_SIZE in the environment, any world size) the
loop joins the process group (NCCL on CUDA, gloo otherwise), wraps the model in
DistributedDataParallel and deals each epoch's order out ``rank::world_size`` (the
DistributedSampler rule, in :class:`.datasets.ResumableBatchSampler` so it can resume); rank 0
alone validates and writes files. ``batch_size`` is per process.
"""

from __future__ import annotations

import json
import math
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import torch
import torch.distributed as dist
from torch.utils.data import DataLoader

from ppocr_bench.errors import PpocrError
from ppocr_bench.files import ensure_writable_dir
from ppocr_bench.models import load_weights, read_weights_info
from ppocr_bench.slim.quant import fit_alphas, param_groups
from ppocr_bench.text.charset import charset_text
from ppocr_bench.train import checkpoints as ck
from ppocr_bench.train import tasks
from ppocr_bench.train.config import METRIC, TrainConfig
from ppocr_bench.train.datasets import ResumableBatchSampler, worker_init
from ppocr_bench.train.progress import NullProgress, TrainProgress
from ppocr_bench.train.result import RunResult
from ppocr_bench.train.run_folder import check_resumable, check_same_stream, save_run_config
from ppocr_bench.train.schedules import SCHEDULES, set_lr

@dataclass(frozen=True)
class _Dist:
    rank: int = 0
    world: int = 1
    local: int = 0
    active: bool = False
    owned: bool = False


def _setup_distributed() -> _Dist:
    if "RANK" not in os.environ or "WORLD_SIZE" not in os.environ:
        return _Dist()
    rank, world = int(os.environ["RANK"]), int(os.environ["WORLD_SIZE"])
    local = int(os.environ.get("LOCAL_RANK", "0"))
    owned = not dist.is_initialized()
    if torch.cuda.is_available():
        torch.cuda.set_device(local)
    if owned:
        dist.init_process_group("nccl" if torch.cuda.is_available() else "gloo",
                                rank=rank, world_size=world)
    return _Dist(rank, world, local, True, owned)


def _device(name: str, d: _Dist) -> torch.device:
    if name == "auto":
        name = "cuda" if torch.cuda.is_available() else "cpu"
    if name == "cuda" and d.active:
        name = f"cuda:{d.local}"
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise PpocrError(f"device {name} asked for but CUDA is not available")
    return torch.device(name)


class _Log:
    """log.jsonl: one JSON object a line; on resume, lines after the checkpoint are dropped."""

    def __init__(self, path: Path, keep_until: int | None) -> None:
        self.path = path
        lines = []
        if keep_until is not None and path.exists():
            lines = [ln for ln in path.read_text(encoding="utf-8").splitlines()
                     if ln.strip() and json.loads(ln).get("step", 0) <= keep_until]
        ck.atomic_write_text(path, "".join(f"{ln}\n" for ln in lines))

    def write(self, record: dict[str, Any]) -> None:
        with self.path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")


def train(config: TrainConfig, progress: TrainProgress | None = None, *, resume: bool = False,
          stop_after: int | None = None, stop_at: int | None = None) -> RunResult:
    """Train as ``config`` says; ``resume`` continues the run in ``config.out`` from its newest
    checkpoint. ``stop_after``: return after that global step as if killed there (no
    checkpoint; for tests). ``stop_at``: checkpoint at that global step and return, the
    schedule still that of the whole run (``--stop-at``: a time-boxed stage that ``--resume``
    continues). See the module docstring for the run folder. The torch and OpenCV thread
    counts are set for the run and restored afterwards."""
    threads, cv2_threads = torch.get_num_threads(), cv2.getNumThreads()
    try:
        return _train(config, progress or NullProgress(), resume, stop_after, stop_at)
    finally:
        torch.set_num_threads(threads)
        cv2.setNumThreads(cv2_threads)


def _train(config: TrainConfig, progress: TrainProgress, resume: bool,
           stop_after: int | None, stop_at: int | None = None) -> RunResult:
    config = tasks.with_init_shape(config, resume)  # a pruned --init: its shape
    run_dir = Path(config.out)
    d = _setup_distributed()
    device = _device(config.device, d)
    torch.set_num_threads(config.num_threads())
    state: dict[str, Any] | None = None
    notes: list[str] = []
    if resume:
        check_resumable(config, run_dir)
        if ck.list_checkpoints(run_dir):
            state = ck.load_state(run_dir)
        else:  # killed before its first checkpoint: nothing to keep, so the run starts again
            (run_dir / "log.jsonl").unlink(missing_ok=True)
            resume = False
            notes.append(f"{run_dir}: no checkpoint yet, so the run starts again at step 0")
    elif ck.list_checkpoints(run_dir) or (run_dir / "log.jsonl").exists():
        raise PpocrError(f"{run_dir} already holds a training run: resume it (--resume) or "
                         "choose a new --out folder")
    ensure_writable_dir(run_dir, create=False)
    torch.manual_seed(config.seed)
    model = tasks.build_model(config, run_dir, resume, notes)
    if state is not None:
        load_weights(model, ck.weights_path(run_dir, state["step"]))
    tasks.to_device(model, device)
    if d.rank == 0 and config.val and config.val.startswith("synth"):
        progress.message(f"validation set: {config.val_count} samples rendered once into "
                         f"{run_dir / 'val'}")
    train_set, val = tasks.datasets(config, model, with_val=d.rank == 0)
    stream = getattr(train_set, "record", None)
    if resume and stream is not None:
        check_same_stream(run_dir, stream)
    stats = getattr(train_set, "stats", None)  # a folder's rec lines left out; none for a stream
    skipped = stats.to_dict() if config.task == "rec" and stats is not None else {}
    if skipped.get("skipped_unknown_chars") or skipped.get("skipped_too_long"):
        notes.append(f"rec: skipped {stats.skipped} training lines: "
                     f"{stats.unknown} with characters outside the charset "
                     f"({skipped['unknown_chars']!r}), {stats.too_long} longer than "
                     f"{config.max_text_length}")
    probe = ResumableBatchSampler(len(train_set), config.batch_size, config.seed, 1,
                                  world_size=d.world)
    per_epoch = probe.batches_per_epoch
    total = config.steps or config.epochs * per_epoch  # type: ignore[operator]
    warmup = (config.warmup_steps if config.warmup_steps is not None
              else min(2 * per_epoch, total // 10))
    schedule = SCHEDULES[config.schedule]
    optimizer = torch.optim.Adam(param_groups(model, config.l2), lr=config.lr,
                                 weight_decay=config.l2)
    if config.amp and device.type != "cuda":
        raise PpocrError(f"--amp (float16 autocast) is for CUDA devices, not {device}")
    # float16 autocast of the forward pass with dynamic loss scaling (a no-op without --amp)
    scaler = torch.amp.GradScaler("cuda", enabled=config.amp)
    step, best, best_step, val_metrics, best_metrics, seconds = 0, None, None, {}, {}, 0.0
    if state is not None:
        optimizer.load_state_dict(state["optimizer"])
        if state.get("scaler"):
            scaler.load_state_dict(state["scaler"])
        ck.set_rng_state(state["rng"])
        step, best, best_step = state["step"], state["best"], state["best_step"]
        val_metrics, best_metrics = state["val"], state["best_metrics"]
        seconds = state["train_seconds"]
        notes.append(f"resumed {run_dir} at step {step}")
    rank0 = d.rank == 0
    if rank0 and not resume:
        run_dir.mkdir(parents=True, exist_ok=True)
        save_run_config(config, run_dir, {"stream": stream} if stream is not None else None)
        if model.charset is not None:
            ck.atomic_write_text(run_dir / "charset.txt", charset_text(model.charset))
    log = _Log(run_dir / "log.jsonl", step if resume else None) if rank0 else None
    for note in notes:
        progress.message(note)
    net: torch.nn.Module = model
    if d.active:
        net = torch.nn.parallel.DistributedDataParallel(
            model, device_ids=[device.index] if device.type == "cuda" else None)
    lengths, collate = tasks.loader_parts(config, train_set, model)
    sampler = ResumableBatchSampler(len(train_set), config.batch_size, config.seed, total,
                                    start_step=step, rank=d.rank, world_size=d.world,
                                    shuffle=stream is None, lengths=lengths)
    workers = config.num_workers()
    if workers:
        # a worker forked while OpenCV's thread pool is up deadlocks in its first cv2 call;
        # one OpenCV thread in this process shuts the pool down before the fork
        cv2.setNumThreads(1)
    loader = DataLoader(train_set, batch_sampler=sampler, num_workers=workers,
                        worker_init_fn=worker_init if workers else None, collate_fn=collate,
                        pin_memory=device.type == "cuda")
    progress.start(total, step)
    start_step, resumed_from = step, (step if resume else None)
    started = tick = waited = time.perf_counter()
    window, data_s = 0, 0.0
    # the quantisers of a model quantised here (not of QAT init weights) fit the first batch
    fit_quant = bool(config.quant) and not (config.init and read_weights_info(config.init).quant)
    model.train()
    for batch in loader:
        data_s += time.perf_counter() - waited  # the step waited this long for its batch
        lr = schedule(step, base_lr=config.lr, total_steps=total, warmup_steps=warmup,
                      end_lr=config.end_lr)
        set_lr(optimizer, lr)
        if fit_quant and step == 0:  # a model quantised by this run: alphas fit the first batch
            raised = fit_alphas(model, batch["image"].to(device).contiguous(
                memory_format=torch.channels_last))
            if d.active:  # every rank starts from rank 0's alphas and scales
                for name, tensor in model.state_dict().items():
                    if ".input_quant." in name:
                        dist.broadcast(tensor, 0)
            if raised and rank0:
                progress.message(f"PACT alphas raised to their inputs' abs-max: {len(raised)} "
                                 f"layers, up to {max(raised.values()):.1f}")
        losses = tasks.loss(net, config.task, batch, device, amp=config.amp)
        optimizer.zero_grad(set_to_none=True)
        scaler.scale(losses["loss"]).backward()
        if config.grad_clip:
            scaler.unscale_(optimizer)
        grad_norm = (float(torch.nn.utils.clip_grad_norm_(model.parameters(), config.grad_clip))
                     if config.grad_clip else None)
        scaler.step(optimizer)
        scaler.update()
        step += 1
        window += len(batch["image"]) * d.world
        if not math.isfinite(float(losses["loss"].detach())):
            raise PpocrError(f"training diverged at step {step} (loss not finite)")
        if rank0 and (step % config.log_every == 0 or step == total):
            now = time.perf_counter()
            rate = window / max(now - tick, 1e-9)
            done = step - start_step
            record = {"kind": "train", "step": step, "epoch": (step - 1) // per_epoch,
                      "lr": lr, **{k: float(v.detach()) for k, v in losses.items()},
                      "samples_per_s": rate, "data_share": data_s / max(now - tick, 1e-9)}
            if grad_norm is not None:
                record["grad_norm"] = grad_norm
            log.write(record)  # type: ignore[union-attr]
            eta = (now - started) / done * (total - step)
            progress.step({**record, "eta_s": eta})
            tick, window, data_s = now, 0, 0.0
        if val is not None and ((config.eval_every and step % config.eval_every == 0)
                                or step == total):
            if rank0:
                val_metrics = tasks.validate(config, model, val, device)
                log.write({"kind": "val", "step": step, **val_metrics})  # type: ignore[union-attr]
                progress.evaluated(step, val_metrics)
                score = val_metrics[METRIC[config.task]]
                if best is None or score > best:
                    best, best_step, best_metrics = score, step, dict(val_metrics)
                    ck.atomic_save_weights(model, run_dir / "best.safetensors")
            if d.active:
                dist.barrier()
        if rank0 and ((config.ckpt_every and step % config.ckpt_every == 0) or step == total
                      or step == stop_at):
            elapsed = seconds + time.perf_counter() - started
            ck.save_checkpoint(run_dir, model, step, {
                "optimizer": optimizer.state_dict(), "scaler": scaler.state_dict(),
                "best": best, "best_step": best_step,
                "val": val_metrics, "best_metrics": best_metrics, "train_seconds": elapsed,
                "total_steps": total, "epoch": step // per_epoch,
                "batch_in_epoch": step % per_epoch})
        if (stop_after is not None and step >= stop_after) or step == stop_at:
            break
        waited = time.perf_counter()
    elapsed = time.perf_counter() - started
    seconds += elapsed
    rate = (step - start_step) * config.batch_size * d.world / max(elapsed, 1e-9)
    final = None
    if rank0 and step == total:
        final = run_dir / "final.safetensors"
        ck.atomic_save_weights(model, final)
    best_path = run_dir / "best.safetensors"
    result = RunResult(run_dir, step, total, final, best_path if best_path.exists() else None,
                       best, best_step, val_metrics, best_metrics, seconds, rate, skipped,
                       resumed_from, task=config.task, metric=METRIC[config.task],
                       device=str(device))
    if rank0 and step == total:
        ck.atomic_write_text(run_dir / "result.json",
                             json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n")
    if d.owned:
        dist.destroy_process_group()
    return result
