"""The scoring loop: one evaluation of a system under evaluation on an eval set.

Zoo entries (:class:`ppocr_bench.eval.systems.ZooSystem`) and other OCR systems
(:mod:`ppocr_bench.eval.peers`) are two implementations of :class:`EvalSystem`;
:func:`evaluate_system` runs either through the same code. An eval set is a folder in the synth
layout; each part present is scored:

- ``det/label.txt``: one :meth:`EvalSystem.page` call per image gives the det boxes (PaddleOCR
  IoU metric) and, for a system with an end-to-end pipeline, its lines (a match also needs the
  exact text, both sides with spaces removed: rec's ``ignore_space``);
- ``cls/cls_gt.txt``: direction accuracy on the crops, in batches of :data:`BATCH`;
- ``rec/rec_gt.txt``: accuracy and norm_edit_dis (``ignore_space``) on the crops.

Result (keys exactly these; a task without model or data is left out and ``meta["skipped"]``
says why)::

    {"det": {"precision", "recall", "hmean", hmean_scene, hmean_document, *MODEL_KEYS},
     "cls": {"acc", *MODEL_KEYS},
     "rec": {"acc", "norm_edit_dis", *MODEL_KEYS},
     "system": {"hmean", "ms_per_image", "size_mb"},
     "meta": {...}}

``hmean_<kind>``: det hmean on the scene / document images alone, where the set's synth
``parts/*.json`` say which is which. MODEL_KEYS: params (None where a system has no such
notion), size_mb (its model files, 10^6 bytes; a QAT model's int8 weights,
:func:`~ppocr_bench.eval.bench.size_mb`), latency_ms_p50 / latency_ms_p90 (one batch-1
call of the model, timed by the system on a sample of the set: for det the image closest to
the median image size, for cls / rec the first crop). The system's ms_per_image is the mean
wall time of the page calls (first-call costs of new input shapes included, as in real use)
and its size_mb the sum over its distinct model files.

``progress``: a rich ``Progress`` to show one bar per stage on; the loop prints nothing itself.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from ppocr_bench import __version__
from ppocr_bench.data.images import read_image
from ppocr_bench.data.labels import (DONT_CARE, LABEL_FILES, TASKS, read_cls_labels,
                                     read_det_labels, read_rec_labels)
from ppocr_bench.eval.bench import Latency, machine_info, size_mb
from ppocr_bench.eval.parts import count_parts, eval_parts, image_kinds, set_lang
from ppocr_bench.inference.system import OcrLine
from ppocr_bench.metrics.cls import ClsAccumulator
from ppocr_bench.metrics.det_iou import DetAccumulator, evaluate_image
from ppocr_bench.metrics.rec import RecAccumulator, normalize_text

MODEL_KEYS = ("params", "size_mb", "latency_ms_p50", "latency_ms_p90")
SCORE_KEYS = {"det": ("precision", "recall", "hmean"), "cls": ("acc",),
              "rec": ("acc", "norm_edit_dis")}
BATCH = 32  # crops per classify / recognize call


@dataclass
class Page:
    """One image through a system: ``boxes`` N x 4 x 2 (TL, TR, BR, BL, image pixels) all its
    detector kept (the det metric's input), ``lines`` what its whole pipeline returns (the
    end-to-end metric's input; None for a system without one), ``stage_ms`` its own per-stage
    timings where it reports them."""

    boxes: np.ndarray
    lines: list[OcrLine] | None = None
    stage_ms: dict[str, float] = field(default_factory=dict)


class EvalSystem(Protocol):
    """What :func:`evaluate_system` needs from a system under evaluation. Images are
    H x W x 3 uint8 BGR."""

    name: str  #: row name in reports, e.g. "mobile" or "tesseract"
    tasks: tuple[str, ...]  #: of "det", "cls", "rec": the models it has
    end_to_end: bool  #: whether :meth:`page` returns the whole pipeline's lines

    def page(self, image: np.ndarray) -> Page:
        """Detection (and, with ``end_to_end``, the whole pipeline) on one image."""

    def classify(self, crops: list[np.ndarray]) -> list[tuple[int, float]]:
        """Direction only, one (0 | 180, score) per crop ("cls" in tasks)."""

    def recognize(self, crops: list[np.ndarray]) -> list[tuple[str, float]]:
        """Recognition only, one (text, score) per crop ("rec" in tasks)."""

    def charset(self) -> set[str] | None:
        """The characters its recognizer can output (None: unknown)."""

    def files(self, task: str) -> list[Path]:
        """The model files ``task`` uses (sizes are summed over them)."""

    def params(self, task: str) -> int | None:
        """Parameter count of ``task``'s model, None where it has no such notion."""

    def latency(self, task: str, sample: np.ndarray, runs: int) -> Latency:
        """``runs`` timed batch-1 calls of ``task``'s model, given one sample of the set (det:
        a full image; cls / rec: a crop)."""

    def meta(self) -> dict:
        """What report.json's meta says about the system: backend, models, versions,
        settings."""


def advancer(progress: Any, description: str, total: int, unit: str = "img"
             ) -> Callable[[int], None]:
    """A function advancing a new task of ``progress`` (a rich Progress) or doing nothing."""
    if progress is None:
        return lambda n=1: None
    task = progress.add_task(description, total=total, unit=unit)
    return lambda n=1: progress.advance(task, n)


class DetScores:
    """Det matches pooled over an eval set and per image kind (scene / document, from
    :func:`image_kinds` of the set folder ``data``)."""

    def __init__(self, data: Path) -> None:
        self.all = DetAccumulator()
        self.kinds = image_kinds(data)
        self.by_kind = {kind: DetAccumulator() for kind in sorted(set(self.kinds.values()))}

    def update(self, rel: str, matched: Any) -> None:
        """One image's :func:`evaluate_image` result; ``rel`` its path in det/label.txt."""
        self.all.update(matched)
        if rel in self.kinds:
            self.by_kind[self.kinds[rel]].update(matched)

    def scores(self) -> dict[str, float]:
        """precision, recall, hmean and hmean_<kind>."""
        return {**{k: self.all.result()[k] for k in SCORE_KEYS["det"]},
                **{f"hmean_{kind}": acc.result()["hmean"] for kind, acc in self.by_kind.items()}}


def _e2e_text(text: str) -> str:
    return text if text in DONT_CARE else normalize_text(text, ignore_space=True)


def _median_index(shapes: Sequence[tuple[int, ...]]) -> int:
    """Index of the shape closest to the median shape (the det latency sample)."""
    arr = np.asarray(shapes, dtype=np.float64)
    return int(np.argmin(np.abs(arr - np.median(arr, axis=0)).sum(axis=1)))


@dataclass
class _Run:
    """One evaluation in progress: the system, what was found, what was left out."""

    system: EvalSystem
    progress: Any
    runs: int
    out: dict[str, Any] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    stage_ms: dict[str, float] = field(default_factory=dict)

    def figures(self, task: str, sample: np.ndarray) -> dict[str, Any]:
        """MODEL_KEYS of ``task``'s model."""
        lat = self.system.latency(task, sample, self.runs)
        return {"params": self.system.params(task),
                "size_mb": sum(size_mb(f) for f in self.system.files(task)),
                "latency_ms_p50": lat.p50, "latency_ms_p90": lat.p90}

    def det_and_system(self, label_file: Path) -> None:
        """Det metric and, for an end-to-end system, the end-to-end metric, from one page call
        per image."""
        gt, root, system = read_det_labels(label_file), label_file.parent, self.system
        det, e2e, paths, shapes, seconds = DetScores(root.parent), DetAccumulator(), [], [], 0.0
        stage = "det + system" if system.end_to_end else "det"
        advance = advancer(self.progress, f"{system.name} {stage}", len(gt))
        for rel, insts in gt.items():
            image = read_image(root / rel)
            paths.append(root / rel)
            shapes.append(image.shape[:2])
            start = time.perf_counter()
            page = system.page(image)
            seconds += time.perf_counter() - start
            for key, ms in page.stage_ms.items():
                self.stage_ms[key] = self.stage_ms.get(key, 0.0) + ms / len(gt)
            polys = [g["points"] for g in insts]
            det.update(rel, evaluate_image(polys, [g["transcription"] for g in insts],
                                           list(page.boxes)))
            if page.lines is not None:
                e2e.update(evaluate_image(
                    polys, [_e2e_text(g["transcription"]) for g in insts],
                    [np.asarray(line.points) for line in page.lines],
                    [_e2e_text(line.text) for line in page.lines], e2e=True))
            advance(1)
        self.out["det"] = {**det.scores(),
                           **self.figures("det", read_image(paths[_median_index(shapes)]))}
        if system.end_to_end:
            files = dict.fromkeys(Path(f).resolve() for t in system.tasks
                                  for f in system.files(t))  # distinct, in task order
            self.out["system"] = {"hmean": e2e.result()["hmean"],
                                  "ms_per_image": 1e3 * seconds / len(gt),
                                  "size_mb": sum(size_mb(f) for f in files)}

    def crops(self, task: str, label_file: Path) -> None:
        """cls or rec accuracy over the crops of ``label_file``, in batches of BATCH."""
        labels = (read_cls_labels if task == "cls" else read_rec_labels)(label_file)
        predict = self.system.classify if task == "cls" else self.system.recognize
        acc = RecAccumulator(ignore_space=True) if task == "rec" else ClsAccumulator()
        advance = advancer(self.progress, f"{self.system.name} {task}", len(labels))
        paths = list(labels)
        for start in range(0, len(paths), BATCH):
            batch = paths[start:start + BATCH]
            results = predict([read_image(label_file.parent / p) for p in batch])
            acc.update([r[0] for r in results], [labels[p] for p in batch])
            advance(len(batch))
        scores = {k: acc.result()[k] for k in SCORE_KEYS[task]}
        sample = read_image(label_file.parent / paths[0])
        self.out[task] = {**scores, **self.figures(task, sample)}


def _plan(system: EvalSystem, data: Path, lang: str, parts: dict[str, Path],
          counts: dict[str, int]) -> tuple[list[str], list[str]]:
    """(the tasks to score, in order, and why the others are left out)."""
    sizes = {"det": counts.get("det_images"), "cls": counts.get("cls_crops"),
             "rec": counts.get("rec_crops")}
    todo, skipped = [], []
    for task in TASKS:
        if task not in system.tasks:
            skipped.append(f"{task}: {system.name} has no {task} model for {lang}")
        elif task not in parts:
            skipped.append(f"{task}: {data} has no {LABEL_FILES[task]}")
        elif not sizes[task]:
            skipped.append(f"{task}: {parts[task]} is empty")
        else:
            todo.append(task)
    if not system.end_to_end or "det" not in todo:
        skipped.append("system: needs det data, a det and a rec model")
    return todo, skipped


def evaluate_system(system: EvalSystem, data: Path | None, lang: str, *, command: str,
                    latency_runs: int = 20, progress: Any = None) -> dict:
    """Score ``system`` on the eval set folder ``data`` (None: ``lang``'s default set) for
    ``lang``. ``command``: how to reproduce the run, kept in meta. Layout: module docstring."""
    data, parts = eval_parts(data, lang)
    counts = count_parts(parts, system.charset() if "rec" in system.tasks else None)
    todo, skipped = _plan(system, data, lang, parts, counts)
    run = _Run(system, progress, latency_runs, counts=counts, skipped=skipped)
    if "det" in todo:
        run.det_and_system(parts["det"])
    for task in ("cls", "rec"):
        if task in todo:
            run.crops(task, parts[task])
    result = {k: run.out[k] for k in ("det", "cls", "rec", "system") if k in run.out}
    result["meta"] = _meta(system, data, lang, run, command)
    return result


def _meta(system: EvalSystem, data: Path, lang: str, run: _Run, command: str) -> dict:
    """report.json's meta of one result: the set, the system's own meta (its ``versions``
    joined to ppocr_bench's), counts, what was skipped, where and when it ran."""
    own = system.meta()
    meta = {"zoo": system.name, "lang": lang, "data": str(data), "data_lang": set_lang(data),
            **own, "versions": {"ppocr_bench": __version__, **own.get("versions", {})},
            "latency_runs": run.runs, "counts": run.counts, "skipped": run.skipped}
    if run.stage_ms:
        meta["stage_ms_per_image"] = run.stage_ms
    return {**meta, "machine": machine_info(),
            "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "command": command}
