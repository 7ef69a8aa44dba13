"""Evaluate a zoo entry on an eval set (``ppocr-bench eval``) and score prediction files
(``ppocr-bench metrics``).

An eval set is a folder in the synth layout; each part present is evaluated:

- ``det/label.txt``: the detector on full images (PaddleOCR IoU metric) and the whole system
  (det -> crop -> cls -> rec) end to end: a match also needs the exact text, both sides with
  spaces removed (rec's ``ignore_space``);
- ``cls/cls_gt.txt``: direction accuracy on the crops;
- ``rec/rec_gt.txt``: accuracy and norm_edit_dis (``ignore_space``) on the crops.

:func:`evaluate_zoo` returns (keys exactly these; a task without model or data is left out and
``meta["skipped"]`` says why)::

    {"det": {"precision", "recall", "hmean", hmean_scene, hmean_document, *MODEL_KEYS},
     "cls": {"acc", *MODEL_KEYS},
     "rec": {"acc", "norm_edit_dis", *MODEL_KEYS},
     "system": {"hmean", "ms_per_image", "size_mb"},
     "meta": {...}}

(``hmean_<kind>``: det hmean on the scene / document images alone, where the set's synth
``parts/*.json`` say which is which), with MODEL_KEYS = params (torch model), size_mb (weights
file of the backend used, 10^6 bytes)
and latency_ms_p50 / latency_ms_p90 (one network call at batch 1, ``threads`` threads, after
warm-up; det on its eval resize of the median eval image size, cls/rec on their input size).
The system (``Predictors.system()``: rec drop_score 0.5, cls flip as PaddleOCR) runs on the det
images; its ms_per_image is the mean wall time per image measured while evaluating, the det
call's time plus the system's crop -> cls -> rec time (each image is detected once and the
system reuses those boxes). It includes first-call costs of new input shapes, as in real use.

Other OCR systems (``ppocr-bench eval --system tesseract|rapidocr``, :mod:`ppocr_bench.eval.peers`)
go through :func:`evaluate_peer`: the same metric code, the same result keys (a task the peer
has no model for is left out), meta["peer"] describing its engine and settings.

``progress``: a rich ``Progress`` (the CLI's bar); the library prints nothing itself.
"""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
import torch

from ppocr_bench import __version__
from ppocr_bench.eval.bench import (machine_info, model_latency, onnx_latency, runner_latency,
                                    size_mb, torch_threads)
from ppocr_bench.data.labels import (DONT_CARE, LABEL_FILES, TASKS, read_cls_labels,
                                     read_det_labels, read_rec_labels)
from ppocr_bench.errors import PpocrError
from ppocr_bench.metrics.cls import ClsAccumulator
from ppocr_bench.metrics.det_iou import DetAccumulator, evaluate_image, evaluate_labels
from ppocr_bench.metrics.rec import RecAccumulator, normalize_text
from ppocr_bench.models import count_parameters
from ppocr_bench.zoo.card import POST_KEYS, ZooCard

MODEL_KEYS = ("params", "size_mb", "latency_ms_p50", "latency_ms_p90")
SCORE_KEYS = {"det": ("precision", "recall", "hmean"), "cls": ("acc",),
              "rec": ("acc", "norm_edit_dis")}
BATCH = 32  # crops per cls / rec predictor call


def image_kinds(data: Path) -> dict[str, str]:
    """det image path (as in det/label.txt) -> "scene" | "document", from the synth run's
    ``parts/*.json``; empty for an eval set without them."""
    kinds: dict[str, str] = {}
    for part in sorted((Path(data) / "parts").glob("*.json")):
        try:
            record = json.loads(part.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            continue
        if isinstance(record, dict) and "image" in record and "kind" in record:
            kinds[str(record["image"])] = str(record["kind"])
    return kinds


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


def data_parts(data: Path) -> dict[str, Path]:
    """task -> label file for the parts of the eval set folder ``data`` that exist."""
    return {t: Path(data) / rel for t, rel in LABEL_FILES.items() if (Path(data) / rel).is_file()}


def eval_parts(data: Path | None, lang: str) -> tuple[Path, dict[str, Path]]:
    """The eval set folder (None: ``lang``'s default set, synthesized on first use) and its
    label files per task; a PpocrError when it holds none."""
    if data is None:
        from ppocr_bench.eval.sets import default_eval_set

        data = default_eval_set(lang)
    data = Path(data)
    parts = data_parts(data)
    if not parts:
        raise PpocrError(f"{data}: none of {', '.join(LABEL_FILES.values())}: not an eval set "
                         "(make one with `ppocr-bench synth`)")
    return data, parts


def _advancer(progress: Any, description: str, total: int, unit: str = "img"
              ) -> Callable[[int], None]:
    """A function advancing a new task of ``progress`` (a rich Progress) or doing nothing."""
    if progress is None:
        return lambda n=1: None
    task = progress.add_task(description, total=total, unit=unit)
    return lambda n=1: progress.advance(task, n)


def _batches(items: Sequence, size: int = BATCH):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _model_figures(preds: Any, task: str, input_size: tuple[int, ...], backend: str,
                   threads: int, runs: int) -> dict[str, float]:
    """params, size_mb and batch-1 latency of one network: torch via ``model_latency``; onnx
    through the predictor's own runner (same session options as the evaluation)."""
    model = preds.models[task]
    runner = getattr(getattr(preds, task), "runner", None)
    if backend == "torch":
        lat = model_latency(model, input_size, threads=threads, runs=runs)
    elif runner is not None:
        lat = runner_latency(runner, input_size, runs=runs)
    else:
        lat = onnx_latency(preds.files[task], input_size, threads=threads, runs=runs)
    return {"params": count_parameters(model), "size_mb": size_mb(preds.files[task]),
            "latency_ms_p50": lat.p50, "latency_ms_p90": lat.p90}


def _crop_input_size(preds: Any, task: str) -> tuple[int, int, int]:
    """The (C, H, W) the cls / rec predictor resizes crops to (the card's, else the preset's)."""
    return tuple(getattr(getattr(preds, task), "input_size", None)
                 or preds.models[task].input_size)


def _det_input_size(det: Any, shapes: list[tuple[int, int]]) -> tuple[int, int, int]:
    """(3, H, W) the detector sees for the median eval image (PaddleOCR resize rule)."""
    from ppocr_bench.data.transforms import det_resize_for_test

    h, w = (int(v) for v in np.median(np.asarray(shapes), axis=0))
    resized, _ = det_resize_for_test(np.zeros((h, w, 1), np.uint8),
                                     getattr(det, "limit_side_len", 736),
                                     getattr(det, "limit_type", "min"))
    return (3, *resized.shape[:2])


def _e2e_text(text: str) -> str:
    return text if text in DONT_CARE else normalize_text(text, ignore_space=True)


class _SharedDet:
    """Stands in for an OcrSystem's detector: returns the result the det stage computed for
    the same image (set in ``result``), so each eval image goes through the detector once."""

    def __init__(self, det: Any) -> None:
        self.det = det
        self.result: tuple[np.ndarray, np.ndarray] | None = None

    def __call__(self, image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        assert self.result is not None, "det stage result missing"
        result, self.result = self.result, None
        return result

    def __getattr__(self, name: str) -> Any:
        return getattr(self.det, name)


@dataclass
class _Run:
    """One evaluation in progress: the predictors, how to read images, what was found."""

    preds: Any
    read_image: Callable[[Path], np.ndarray]
    progress: Any
    figures: dict[str, Any]
    out: dict[str, Any] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def det_and_system(self, label_file: Path) -> None:
        """Det metric and, with a recognizer, the system's end-to-end metric, in one pass: the
        system reuses the boxes the det stage just computed (see :class:`_SharedDet`), and its
        ms per image is that det call's time plus the system's crop -> cls -> rec time."""
        gt, root = read_det_labels(label_file), label_file.parent
        self.counts["det_images"] = len(gt)
        self.counts["det_instances"] = sum(len(v) for v in gt.values())
        if self.preds.det is None:
            return
        system, shared = None, None
        if self.preds.rec is not None:
            system = self.preds.system()
            if hasattr(system, "det"):  # OcrSystem: let it reuse the det stage's boxes
                system, shared = copy.copy(system), _SharedDet(system.det)
                system.det = shared
        det, e2e_acc, shapes, seconds = DetScores(root.parent), DetAccumulator(), [], 0.0
        advance = _advancer(self.progress, "det + system" if system else "det", len(gt))
        for rel, insts in gt.items():
            image = self.read_image(root / rel)
            shapes.append(image.shape[:2])
            polys = [g["points"] for g in insts]
            start = time.perf_counter()
            boxes, scores = self.preds.det(image)
            det_seconds = time.perf_counter() - start
            det.update(rel, evaluate_image(polys, [g["transcription"] for g in insts],
                                           list(boxes)))
            if system is not None:
                if shared is not None:
                    shared.result = (boxes, scores)
                start = time.perf_counter()
                lines = system(image)
                seconds += time.perf_counter() - start + (det_seconds if shared else 0.0)
                e2e_acc.update(evaluate_image(
                    polys, [_e2e_text(g["transcription"]) for g in insts],
                    [np.asarray(line.points) for line in lines],
                    [_e2e_text(line.text) for line in lines], e2e=True))
            advance(1)
        size = (_det_input_size(self.preds.det, shapes) if shapes
                else self.preds.models["det"].input_size)
        self.out["det"] = {**det.scores(),
                           **_model_figures(self.preds, "det", size, **self.figures)}
        if system is not None:
            used = [t for t in TASKS if getattr(self.preds, t) is not None]
            self.out["system"] = {
                "hmean": e2e_acc.result()["hmean"],
                "ms_per_image": 1e3 * seconds / max(len(gt), 1),
                "size_mb": sum(size_mb(self.preds.files[t]) for t in used)}

    def crops(self, task: str, label_file: Path) -> None:
        """cls or rec accuracy over the crops of ``label_file``, in batches of BATCH."""
        labels = (read_cls_labels if task == "cls" else read_rec_labels)(label_file)
        self.counts[f"{task}_crops"] = len(labels)
        predict = getattr(self.preds, task)
        if task == "rec":
            charset = set(self.preds.models["rec"].charset or ()) | {" "}
            self.counts["rec_lines_outside_charset"] = sum(
                not set(t) <= charset for t in labels.values())
        acc = RecAccumulator(ignore_space=True) if task == "rec" else ClsAccumulator()
        advance = _advancer(self.progress, task, len(labels))
        paths = list(labels)
        for batch in _batches(paths):
            results = predict([self.read_image(label_file.parent / p) for p in batch])
            acc.update([r[0] for r in results], [labels[p] for p in batch])
            advance(len(batch))
        scores = {k: acc.result()[k] for k in SCORE_KEYS[task]}
        size = _crop_input_size(self.preds, task)
        self.out[task] = {**scores, **_model_figures(self.preds, task, size, **self.figures)}


def evaluate_zoo(card: ZooCard, data: Path | None, lang: str, *, backend: str = "torch",
                 threads: int = 1, latency_runs: int = 20, progress: Any = None,
                 command: str | None = None, profile: str = "paddleocr") -> dict:
    """Evaluate ``card``'s models for ``lang`` on the eval set folder ``data`` (None: the
    language's default eval set, synthesized on first use). ``progress``: a rich Progress to
    show per-stage bars on (nothing is printed otherwise). Result layout: module docstring."""
    from ppocr_bench.data.images import read_image
    from ppocr_bench.inference.system import load_predictors

    if backend not in ("torch", "onnx"):
        raise PpocrError(f"--backend must be torch or onnx, not {backend!r}")
    data, parts = eval_parts(data, lang)
    preds = load_predictors(card, lang, backend=backend, threads=threads, profile=profile)
    skipped = [f"{t}: {card.name} has no {t} model for {lang}" if getattr(preds, t) is None
               else f"{t}: {data} has no {LABEL_FILES[t]}"
               for t in TASKS if getattr(preds, t) is None or t not in parts]
    if "det" not in parts or preds.det is None or preds.rec is None:
        skipped.append("system: needs det data, a det and a rec model")
    run = _Run(preds, read_image, progress,
               dict(backend=backend, threads=threads, runs=latency_runs))
    with torch_threads(threads):
        if "det" in parts:
            run.det_and_system(parts["det"])
        for task in ("cls", "rec"):
            if task in parts and getattr(preds, task) is not None:
                run.crops(task, parts[task])
    result = {k: run.out[k] for k in ("det", "cls", "rec", "system") if k in run.out}
    result["meta"] = _meta(card, data, lang, preds, run.counts, skipped, backend, threads,
                           latency_runs, command, profile)
    return result


def _meta(card, data, lang, preds, counts, skipped, backend, threads, runs, command,
          profile) -> dict:
    if command is None:
        command = (f"ppocr-bench eval {card.root} --data {data} --lang {lang} "
                   f"--backend {backend} --threads {threads} --profile {profile}")
    versions = {"ppocr_bench": __version__}
    if backend == "onnx":
        import onnxruntime

        versions["onnxruntime"] = onnxruntime.__version__
    return {
        "zoo": card.name, "zoo_path": str(card.root), "lang": lang, "data": str(data),
        "backend": backend, "profile": profile, "threads": threads, "latency_runs": runs,
        "det_post": ({k: getattr(preds.det.profile, k) for k in POST_KEYS}
                     if hasattr(preds.det, "profile") else {}),
        "counts": counts,
        "models": {t: preds.models[t].preset for t in TASKS if t in preds.models},
        "skipped": skipped, "versions": versions, "torch": torch.__version__,
        "machine": machine_info(),
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": command,
    }


def served_langs(cards: Sequence[ZooCard]) -> list[str]:
    """The languages the entries' recognizers serve (a rec without ``langs`` serves all), in
    :data:`ppocr_bench.text.langs.LANGS` order; ``["en"]`` when there is none."""
    from ppocr_bench.text.langs import LANGS

    served: set[str] = set()
    for card in cards:
        for model in card.models:
            if model.task == "rec":
                served |= set(model.langs) if model.langs else set(LANGS)
    return [code for code in LANGS if code in served] or ["en"]


def evaluate_entries(cards: Sequence[ZooCard], data: Path | None, lang: str,
                     **kwargs: Any) -> list[dict]:
    """:func:`evaluate_zoo` for several zoo entries on the same data: one result each."""
    if data is None:
        from ppocr_bench.eval.sets import default_eval_set

        data = default_eval_set(lang)
    return [evaluate_zoo(card, data, lang, **kwargs) for card in cards]


# ------------------------------------------------------------------ peer systems
def evaluate_peer(peer: Any, data: Path | None, lang: str, **kwargs: Any) -> dict:
    """Evaluate another OCR system (a :class:`ppocr_bench.eval.peers.Peer`) like
    :func:`evaluate_zoo`: same metric code and keys; see :mod:`ppocr_bench.eval.peers.scoring`."""
    from ppocr_bench.eval.peers.scoring import evaluate_peer as run

    return run(peer, data, lang, **kwargs)


def evaluate_peers(systems: Sequence[Any], data: Path | None, lang: str, *, threads: int = 1,
                   **kwargs: Any) -> list[dict]:
    """:func:`evaluate_peer` for each of ``systems`` (loaded peers, or ``--system`` specs:
    ``tesseract``, ``rapidocr``, ``rapidocr:ZOO_ENTRY``) on the same data: one result each.
    Every peer is loaded before any runs, so a missing one fails first."""
    from ppocr_bench.eval.peers import load_peer

    peers = [load_peer(s, lang, threads=threads) if isinstance(s, str) else s for s in systems]
    return [evaluate_peer(peer, data, lang, **kwargs) for peer in peers]


# ------------------------------------------------------------------ prediction files
def score_files(task: str, gt: Path, pred: Path) -> dict[str, float]:
    """Score a prediction label file against a GT label file of the same format, matched by
    image path (exact string). det -> precision, recall, hmean; rec -> acc, norm_edit_dis
    (ignore_space); cls -> acc. A GT image without prediction has no boxes (det) or is wrong
    (rec, cls: full edit distance); a predicted image not in the GT is a PpocrError."""
    readers = {"det": read_det_labels, "cls": read_cls_labels, "rec": read_rec_labels}
    if task not in readers:
        raise PpocrError(f"task must be det, rec or cls, not {task!r}")
    truth, predicted = readers[task](gt), readers[task](pred)
    extra = [p for p in predicted if p not in truth]
    if extra:
        shown = ", ".join(repr(p) for p in extra[:3]) + (" ..." if len(extra) > 3 else "")
        raise PpocrError(f"{pred}: {len(extra)} image(s) not in {gt}: {shown}")
    if task == "det":
        result = evaluate_labels(truth, predicted).result()
    else:
        acc = RecAccumulator(ignore_space=True) if task == "rec" else ClsAccumulator()
        found = [p for p in truth if p in predicted]
        acc.update([predicted[p] for p in found], [truth[p] for p in found])
        missing = len(truth) - len(found)
        acc.n += missing  # a missing prediction is wrong ...
        if task == "rec":
            acc.edit_sum += missing  # ... at the full normalised edit distance of 1
        result = acc.result()
    return {k: float(result[k]) for k in SCORE_KEYS[task]}
