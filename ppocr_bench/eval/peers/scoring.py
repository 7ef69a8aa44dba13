"""Scoring a peer system (:mod:`ppocr_bench.eval.peers`) with the metric code of
:mod:`ppocr_bench.eval.evaluate`, into a result with the keys of ``evaluate_zoo``.

Inherent differences from a zoo entry: det and system come from one call of the peer's whole
pipeline per image (det = every box its detector kept, system = the lines it returns), so
ms_per_image is that call's wall time; model latencies are timed through the peer's own engine
on a sample from the eval set (its ``latency_call``); sizes are its model files.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from ppocr_bench import __version__
from ppocr_bench.eval.bench import machine_info, size_mb, time_calls
from ppocr_bench.data.labels import TASKS, read_cls_labels, read_det_labels, read_rec_labels
from ppocr_bench.eval.evaluate import (
    LABEL_FILES, SCORE_KEYS, DetScores, _advancer, _batches, _e2e_text, eval_parts,
)
from ppocr_bench.metrics.cls import ClsAccumulator
from ppocr_bench.metrics.det_iou import DetAccumulator, evaluate_image
from ppocr_bench.metrics.rec import RecAccumulator


def _median_index(shapes: list[tuple[int, ...]]) -> int:
    """Index of the shape closest to the median shape (the latency sample)."""
    arr = np.asarray(shapes, dtype=np.float64)
    return int(np.argmin(np.abs(arr - np.median(arr, axis=0)).sum(axis=1)))


def _peer_figures(peer: Any, task: str, sample: np.ndarray, runs: int) -> dict[str, Any]:
    """MODEL_KEYS of one peer model: params (None where the peer has none), size of its model
    files and batch-1 latency of one call on ``sample`` (see the peer's ``latency_call``)."""
    lat = time_calls(peer.latency_call(task, sample), runs=runs)
    return {"params": peer.params(task), "size_mb": sum(size_mb(f) for f in peer.files(task)),
            "latency_ms_p50": lat.p50, "latency_ms_p90": lat.p90}


def _peer_det_and_system(peer: Any, label_file: Path, run: dict) -> None:
    """Det and end-to-end metrics from one pass of the peer's whole pipeline per image (the
    same accumulators and e2e text rule as :meth:`_Run.det_and_system`)."""
    from ppocr_bench.data.images import read_image

    gt, root = read_det_labels(label_file), label_file.parent
    run["counts"].update(det_images=len(gt), det_instances=sum(len(v) for v in gt.values()))
    det, e2e_acc, paths, shapes, seconds = DetScores(root.parent), DetAccumulator(), [], [], 0.0
    stage_ms: dict[str, float] = {}
    advance = _advancer(run["progress"], f"{peer.name} det + system", len(gt))
    for rel, insts in gt.items():
        image = read_image(root / rel)
        paths.append(root / rel)
        shapes.append(image.shape[:2])
        start = time.perf_counter()
        page = peer.page(image)
        seconds += time.perf_counter() - start
        for key, ms in page.stage_ms.items():
            stage_ms[key] = stage_ms.get(key, 0.0) + ms / max(len(gt), 1)
        polys = [g["points"] for g in insts]
        det.update(rel, evaluate_image(polys, [g["transcription"] for g in insts],
                                       list(page.boxes)))
        e2e_acc.update(evaluate_image(
            polys, [_e2e_text(g["transcription"]) for g in insts],
            [np.asarray(line.points) for line in page.lines],
            [_e2e_text(line.text) for line in page.lines], e2e=True))
        advance(1)
    if not gt:
        return
    sample = read_image(paths[_median_index(shapes)])
    run["out"]["det"] = {**det.scores(),
                         **_peer_figures(peer, "det", sample, run["runs"])}
    files = {Path(f).resolve() for t in peer.tasks for f in peer.files(t)}
    run["out"]["system"] = {"hmean": e2e_acc.result()["hmean"],
                            "ms_per_image": 1e3 * seconds / len(gt),
                            "size_mb": sum(size_mb(f) for f in files)}
    if stage_ms:
        run["stage_ms_per_image"] = stage_ms


def _peer_crops(peer: Any, task: str, label_file: Path, run: dict) -> None:
    """cls or rec accuracy of the peer on the GT crops, in batches of BATCH."""
    from ppocr_bench.data.images import read_image

    labels = (read_cls_labels if task == "cls" else read_rec_labels)(label_file)
    run["counts"][f"{task}_crops"] = len(labels)
    if not labels:
        return
    predict = peer.classify if task == "cls" else peer.recognize
    acc = RecAccumulator(ignore_space=True) if task == "rec" else ClsAccumulator()
    advance = _advancer(run["progress"], f"{peer.name} {task}", len(labels))
    paths = list(labels)
    for batch in _batches(paths):
        results = predict([read_image(label_file.parent / p) for p in batch])
        acc.update([r[0] for r in results], [labels[p] for p in batch])
        advance(len(batch))
    sample = read_image(label_file.parent / paths[0])
    run["out"][task] = {**{k: acc.result()[k] for k in SCORE_KEYS[task]},
                        **_peer_figures(peer, task, sample, run["runs"])}


def evaluate_peer(peer: Any, data: Path | None, lang: str, *, latency_runs: int = 20,
                  progress: Any = None, command: str | None = None) -> dict:
    """Evaluate ``peer`` (e.g. from :func:`ppocr_bench.eval.peers.load_peer`) on the eval set folder
    ``data`` (None: the language's default set) like ``evaluate_zoo``: same metric code and
    result keys; a task the peer has no model for is left out (meta["skipped"] says so) and
    meta["peer"] holds the peer's engine, version and settings."""
    data, parts = eval_parts(data, lang)
    run: dict[str, Any] = {"out": {}, "counts": {}, "progress": progress, "runs": latency_runs}
    skipped = [f"{t}: {peer.name} has no {t} model" if t not in peer.tasks
               else f"{t}: {data} has no {LABEL_FILES[t]}"
               for t in TASKS if t not in peer.tasks or t not in parts]
    if "det" in parts and "det" in peer.tasks:
        _peer_det_and_system(peer, parts["det"], run)
    for task in ("cls", "rec"):
        if task in parts and task in peer.tasks:
            _peer_crops(peer, task, parts[task], run)
    result = {k: run["out"][k] for k in ("det", "cls", "rec", "system") if k in run["out"]}
    peer_meta = peer.meta()
    if "stage_ms_per_image" in run:
        peer_meta["stage_ms_per_image"] = run["stage_ms_per_image"]
    result["meta"] = {
        "zoo": peer.name, "zoo_path": None, "lang": lang, "data": str(data),
        "backend": peer_meta.get("engine", "?"),
        "threads": peer_meta.get("threads"), "latency_runs": latency_runs,
        "counts": run["counts"], "models": {t: str(f) for t in peer.tasks
                                            for f in peer.files(t)},
        "skipped": skipped, "versions": {"ppocr_bench": __version__},
        "peer": peer_meta, "machine": machine_info(),
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": command or f"ppocr-bench eval --system {peer.name} --data {data} "
                              f"--lang {lang}",
    }
    return result
