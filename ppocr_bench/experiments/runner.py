"""Runs a :class:`~.table.Table`: every row of every part, trained ``budget`` steps per seed,
then scored on the part's eval sets.

Layout of ``OUT`` (``ppocr-bench reproduce TABLE --out OUT``)::

    OUT/PART/ROW/seed-S/         a training run folder (ppocr_bench.train)
    OUT/PART/ROW/seed-S/scores.json   the run's scores (and its model's size), once scored
    OUT/PART/ROW/seed-S/latency.json  its model's CPU ms, from the last timing pass (:func:`time_runs`)
    OUT/PART/ROW/seed-S/init_pruned.safetensors   a pruned row's start (``Row.prune``)
    OUT/TABLE.json, TABLE.md, TABLE.png   the table (:mod:`.report`)

Each run is resumable and skipped when done: a run with ``scores.json`` is done (its recorded
options must be the planned ones, or the runner refuses to mix them); a run with a checkpoint
is resumed (``ckpt_every`` is a fifth of the budget, so a kill loses at most that); a trained
run without scores is only scored. Seeds are 1..N (training seeds; the eval sets' are refused).

A row with ``init_from`` starts from that row's final weights of the same seed (FPGM-pruned
first with ``prune``): :func:`plan` lists that row's runs too, before it, and :func:`execute`
trains it first when it is not done.
"""

from __future__ import annotations

import json
import re
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ppocr_bench.errors import PpocrError
from ppocr_bench.experiments.table import METRICS, EvalSet, Part, Row, Table
from ppocr_bench.train.checkpoints import atomic_write_text, list_checkpoints

SCORES = "scores.json"
FIRST_SEED = 1
#: ``data = "synth-folder:en+fr"``: the row trains on ``ppocr-bench synth`` folders rendered
#: first (with the row's ``realism``), as zoo/mobile v1 was trained, instead of a stream.
FOLDER_PREFIX = "synth-folder:"
#: The combined label file of a ``synth-folder:`` row's data, per task.
DATA_LABELS = {"det": "det_label.txt", "cls": "cls_label.txt", "rec": "rec_gt.txt"}
#: Seeds of the rendered folders: DATA_SEED + the language's index in the row.
DATA_SEED = 5000
#: Rec lines a synth page yields, about (scenes 3-12, documents 20-40): sizes the folders.
LINES_PER_PAGE = 12
FINAL = "final.safetensors"
LATENCY = "latency.json"
#: The input a det model is timed on (C, H, W); cls and rec models at their own input size.
DET_TIMING_INPUT = (3, 640, 640)
#: A pruned row's start: its source row's final weights, FPGM-pruned, in the row's run folder.
PRUNED_INIT = "init_pruned.safetensors"


@dataclass(frozen=True)
class PlannedRun:
    """One (part, row, seed) of a table and where it lives."""

    part: Part
    row: Row
    seed: int
    budget: int
    folder: Path

    @property
    def label(self) -> str:
        return f"{self.part.name}/{self.row.name}/seed-{self.seed}"

    def options(self) -> dict[str, Any]:
        """The training options that define the run (what ``scores.json`` records)."""
        options = {**self.part.base, **self.row.options}
        overrides = {**self.part.base.get("overrides", {}), **self.row.options.get("overrides", {})}
        if overrides:
            options["overrides"] = overrides
        if self.row.init_from:
            options["init_from"] = {"row": self.row.init_from, "prune": self.row.prune}
        return {**options, "task": self.part.task, "steps": self.steps, "seed": self.seed}

    @property
    def steps(self) -> int:
        return self.part.steps(self.budget)

    @property
    def data_dir(self) -> Path:
        """Where a ``synth-folder:`` row's rendered data lies: one folder per data, realism and
        size, shared by every row and seed of the table that renders the same folders."""
        options = self.options()
        key = "-".join((str(options["data"])[len(FOLDER_PREFIX):],
                        str(options.get("realism") or "base"), f"{self.folder_pages()}p"))
        return self.folder.parents[2] / "_data" / re.sub(r"[^A-Za-z0-9+._-]", "_", key)

    def folder_pages(self) -> int:
        """Pages per language of a ``synth-folder:`` row: its ``folder_pages`` option (a fixed
        set seen for several epochs, as zoo/mobile v1 was trained), else enough for one pass
        of the run's samples."""
        options = self.options()
        if options.get("folder_pages"):
            return int(options["folder_pages"])
        from ppocr_bench.train.stream import stream_langs

        langs = stream_langs("synth:" + str(options["data"])[len(FOLDER_PREFIX):])
        samples = self.steps * int(options.get("batch_size", 1))
        per_page = LINES_PER_PAGE if self.part.task != "det" else 1
        return max(2, -(-samples // per_page // len(langs)))

    def source(self) -> PlannedRun | None:
        """The run of the row this one starts from (``Row.init_from``), same seed; or None."""
        if not self.row.init_from:
            return None
        row = self.part.row(self.row.init_from)
        return PlannedRun(self.part, row, self.seed, self.budget,
                          self.folder.parents[1] / row.name / self.folder.name)

    def init_weights(self) -> Path | None:
        """What an ``init_from`` row starts from: the source's final weights, or their pruned
        copy in this run's folder (:func:`prepare_init` writes it)."""
        source = self.source()
        if source is None:
            return None
        return source.folder / FINAL if self.row.prune is None else self.folder / PRUNED_INIT

    def config(self) -> Any:
        from ppocr_bench.train import TrainConfig

        options = self.options()
        if options.pop("init_from", None):
            options["init"] = str(self.init_weights())
        options.pop("folder_pages", None)
        if str(options["data"]).startswith(FOLDER_PREFIX):
            options["data"] = str(self.data_dir / DATA_LABELS[self.part.task])
        return TrainConfig(**options, out=str(self.folder), ckpt_every=max(1, self.steps // 5),
                           log_every=max(1, self.steps // 50))


def plan(table: Table, out: Path, *, budget: int | None = None, seeds: int | None = None,
         parts: list[str] | None = None, rows: list[str] | None = None) -> list[PlannedRun]:
    """The runs of ``table`` (only ``parts`` / ``rows`` when named), seed-major within a row."""
    budget = table.budget if budget is None else budget
    seeds = table.seeds if seeds is None else seeds
    if budget <= 0 or seeds <= 0:
        raise PpocrError(f"--budget and --seeds must be positive, got {budget} and {seeds}")
    chosen = [table.part(p) for p in parts] if parts else list(table.parts)
    runs = []
    for part in chosen:
        names = _with_sources(part, [r for r in rows if any(x.name == r for x in part.rows)]) \
            if rows else [r.name for r in part.rows]
        if rows and not names:
            continue
        for name in names:
            for seed in range(FIRST_SEED, FIRST_SEED + seeds):
                runs.append(PlannedRun(part, part.row(name), seed, budget,
                                       out / part.name / name / f"seed-{seed}"))
    if rows and not runs:
        raise PpocrError(f"--rows {','.join(rows)}: no such row in table {table.name}")
    return runs


def _with_sources(part: Part, names: list[str]) -> list[str]:
    """``names`` with, before each, the rows it starts from (``Row.init_from``), once each."""
    out: list[str] = []
    for name in names:
        chain = [name]
        while part.row(chain[0]).init_from:
            chain.insert(0, part.row(chain[0]).init_from)
        out += [n for n in chain if n not in out]
    return out


def status(run: PlannedRun) -> str:
    """done (scored), trained (final weights, not scored), partial (a checkpoint) or new."""
    scores = run.folder / SCORES
    if scores.exists():
        recorded = read_scores(scores)["options"]
        if recorded != json.loads(json.dumps(run.options())):
            raise PpocrError(f"{scores}: this run was made with other options than the table's "
                             "now; remove its folder or use another --out")
        return "done"
    if (run.folder / FINAL).exists():
        return "trained"
    if run.folder.exists() and list_checkpoints(run.folder):
        return "partial"
    return "new"


def read_scores(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise PpocrError(f"{path}: unreadable scores ({exc}); remove it to score again") from None


def execute(run: PlannedRun, progress: Any = None,
            on_phase: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Train (or resume) and score one run, unless done; returns its ``scores.json`` record."""
    from ppocr_bench.train import train

    state = status(run)
    if state == "done":
        return read_scores(run.folder / SCORES)
    if state == "new" and run.folder.exists():
        shutil.rmtree(run.folder)  # a start killed before its first checkpoint: nothing to keep
    started = time.perf_counter()
    if state in ("new", "partial"):
        if str(run.options()["data"]).startswith(FOLDER_PREFIX):
            if on_phase:
                on_phase("synth")
            prepare_folders(run)
        if state == "new" and run.row.init_from:
            prepare_init(run, progress, on_phase)
        if on_phase:
            on_phase("train")
        train(run.config(), progress, resume=state == "partial")
    if on_phase:
        on_phase("score")
    result = json.loads((run.folder / "result.json").read_text(encoding="utf-8"))
    record = {"table_run": run.label, "options": run.options(),
              "train_seconds": result.get("train_seconds"),
              "samples_seen": run.steps * int(run.config().batch_size),
              "scores": score_run(run), "size": model_size(run.folder / FINAL),
              "seconds_this_call": time.perf_counter() - started}
    atomic_write_text(run.folder / SCORES, json.dumps(record, indent=2, sort_keys=True) + "\n")
    return record


def prepare_init(run: PlannedRun, progress: Any = None,
                 on_phase: Callable[[str], None] | None = None) -> Path:
    """What an ``init_from`` run starts from (:meth:`PlannedRun.init_weights`): its source run
    executed first unless done, its final weights FPGM-pruned into the run folder when the row
    prunes (every prunable layer at ``Row.prune``, :func:`ppocr_bench.slim.run.run_prune`)."""
    source, target = run.source(), run.init_weights()
    assert source is not None and target is not None, f"{run.label} starts from no row"
    if status(source) != "done":
        execute(source, progress, None if on_phase is None else
                (lambda name: on_phase(f"{source.label} {name}")))
    if run.row.prune is None:
        return target
    from ppocr_bench.slim.run import load_source, run_prune

    if on_phase:
        on_phase("prune")
    model, sha = load_source(source.folder / FINAL)
    run.folder.mkdir(parents=True, exist_ok=True)
    run_prune(model, target, ratio=run.row.prune, source=str(source.folder / FINAL),
              source_sha256=sha)
    return target


def prepare_folders(run: PlannedRun) -> Path:
    """Render (or finish rendering) a ``synth-folder:`` row's folders, one per language, enough
    pages for the run's samples, and write their combined label file; returns it."""
    from ppocr_bench.data.labels import label_file
    from ppocr_bench.synth.pipeline import SynthSpec, run_synth
    from ppocr_bench.synth.realism import parse_realism
    from ppocr_bench.train.stream import stream_langs

    options, task = run.options(), run.part.task
    langs = stream_langs("synth:" + str(options["data"])[len(FOLDER_PREFIX):])
    pages = run.folder_pages()
    realism = parse_realism(options.get("realism"))
    lines = []
    for i, lang in enumerate(langs):
        folder = run.data_dir / lang
        run_synth(SynthSpec(lang=lang, count=pages, seed=DATA_SEED + i, realism=realism), folder)
        labels = label_file(folder, task)
        prefix = labels.parent.relative_to(run.data_dir).as_posix()
        for line in labels.read_text(encoding="utf-8").splitlines():
            if line.strip():
                lines.append(f"{prefix}/{line}")
    target = run.data_dir / DATA_LABELS[task]
    atomic_write_text(target, "\n".join(lines) + "\n")
    return target


def score_run(run: PlannedRun) -> dict[str, dict[str, float] | str]:
    """The run's final weights scored on each eval set of its part (a skipped optional set
    reads ``"absent"``)."""
    import torch

    from ppocr_bench.models.checkpoint import load_model

    model = load_model(run.folder / FINAL)
    with torch.inference_mode():
        return {ev.name: (score_model(model, folder, ev) if (folder := ev.folder()) else "absent")
                for ev in run.part.evals}


def score_model(model: Any, folder: Path, ev: EvalSet) -> dict[str, float]:
    """``model`` scored on the eval folder ``folder`` the way training validation and
    ``ppocr-bench eval`` score it (:mod:`ppocr_bench.train.validate`)."""
    import torch

    from ppocr_bench.data.labels import label_file
    from ppocr_bench.train.datasets import ClsDataset, RecDataset
    from ppocr_bench.train.validate import validate_det, validate_lines

    device = torch.device("cpu")
    labels = label_file(folder, model.task)
    if model.task == "det":
        scores = validate_det(model, labels, device, max_samples=ev.limit)
    elif model.task == "cls":
        data = ClsDataset(labels, model.input_size, None, None, False, 0, max_samples=ev.limit)
        scores = validate_lines(model, data, device)
    else:
        data = RecDataset(labels, model.input_size, model.vocabulary, None, 0, max_len=10_000,
                          max_samples=ev.limit, skip_bad=False)
        scores = validate_lines(model, data, device, texts=data.texts)
    return {k: float(scores[k]) for k in (*METRICS[model.task], "n") if k in scores}


def model_size(weights: Path) -> dict[str, float]:
    """``fp32_mb``: MB (10^6 bytes) of the float tensors of the model in ``weights``, as
    trained; ``int8_mb`` as well for a quantisation-aware trained one: its int8 deployment
    (:func:`ppocr_bench.eval.bench.size_mb`)."""
    from ppocr_bench.eval.bench import size_mb
    from ppocr_bench.models.checkpoint import load_model

    model = load_model(weights)
    size = {"fp32_mb": size_mb(model=model)}
    if getattr(model, "quant", None):
        size["int8_mb"] = size_mb(weights)
    return size


def time_runs(runs: list[PlannedRun], *, threads: int = 1, repeats: int = 10, rounds: int = 3,
              on_step: Callable[[str, int, int], None] | None = None) -> list[dict[str, Any]]:
    """Time the final model of every done run in one pass (so that rows compare under the same
    machine and load): a batch-1 torch forward at ``threads`` threads, det on
    :data:`DET_TIMING_INPUT`, cls and rec at their input size. The runs are timed in ``rounds``
    interleaved rounds of ``repeats`` calls each, so that a burst of load beside the pass hits
    every row alike; ``cpu_ms`` is the lowest of a run's round medians. Written to each run's
    ``latency.json`` with the CPU and the load average. Quantisation-aware trained models are
    not timed: their torch forward fake-quantises in float, which is not how they deploy (the
    int8 ONNX model, ``ppocr-bench eval --backend onnx``). ``on_step(label, done, total)``
    follows the timings."""
    import os

    from ppocr_bench.eval.bench import cpu_model, model_latency
    from ppocr_bench.models.checkpoint import load_model

    models = []
    for run in runs:
        if status(run) != "done" or not (run.folder / FINAL).exists():
            continue  # a clean clone holds the scores, not the weights
        model = load_model(run.folder / FINAL)
        if not getattr(model, "quant", None):
            size = DET_TIMING_INPUT if model.task == "det" else tuple(model.input_size)
            models.append((run, model, size, []))
    loads, done = [], 0
    for _ in range(rounds):
        loads.append(os.getloadavg()[0])
        for run, model, size, medians in models:
            medians.append(model_latency(model, size, threads=threads, runs=repeats))
            done += 1
            if on_step:
                on_step(run.label, done, rounds * len(models))
    records = []
    for run, _model, size, medians in models:
        best = min(medians, key=lambda lat: lat.p50)
        record = {"cpu_ms": best.p50, "cpu_ms_p90": best.p90,
                  "round_medians_ms": [lat.p50 for lat in medians], "repeats": repeats,
                  "threads": threads, "input": list(size), "cpu": cpu_model(),
                  "load_avg_1min": max(loads),
                  "measured": time.strftime("%Y-%m-%d %H:%M", time.localtime())}
        atomic_write_text(run.folder / LATENCY, json.dumps(record, indent=2, sort_keys=True) + "\n")
        records.append(record)
    return records
