"""``ppocr-bench prune`` as library calls: the model named, the ratios chosen, the pruned
weights written with their shape, and what changed.

Ratios come from one of two modes: ``ratio`` prunes every prunable layer (or those named) by
the same share, as PaddleOCR's default without the scan (0.1 there); ``data`` with
``max_loss`` and / or ``flops_target`` runs the sensitivity scan on that labelled folder and
picks per-layer ratios (:mod:`.sensitivity`). The scan's table (``OUT.sensitivity.json``) is
rewritten after each layer; a rerun for the same weights and data reuses what it holds.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ppocr_bench.errors import PpocrError
from ppocr_bench.files import sha256_file
from ppocr_bench.inference.system import load_zoo_model
from ppocr_bench.models import (
    OcrModel,
    count_parameters,
    load_model,
    read_weights_info,
    save_weights,
)
from ppocr_bench.slim.flops import count_flops
from ppocr_bench.slim.graph import find_groups
from ppocr_bench.slim.metric import folder_metric
from ppocr_bench.slim.prune import checked_groups, prune_model
from ppocr_bench.slim.sensitivity import (
    RATIOS,
    Sensitivity,
    plot_sensitivity,
    ratios_for_flops,
    ratios_for_loss,
    scan_sensitivity,
    write_sensitivity,
)
from ppocr_bench.zoo.card import ZooCard, ZooModel, eval_set_sha256, read_card


@dataclass
class PruneReport:
    """What ``prune`` did: sizes before and after, leader -> (ratio, channels before, after),
    the threshold a scan used, the files written and the layers left alone (name -> why)."""

    source: str
    out: Path
    params: tuple[int, int]
    flops: tuple[int, int]
    layers: dict[str, tuple[float, int, int]]
    threshold: float | None = None
    written: list[Path] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)


def load_source(model: Path, preset: str | None = None, task: str | None = None,
                lang: str | None = None) -> tuple[OcrModel, str]:
    """(model in eval mode, sha256 of its weights) for a weights file (checked against
    ``preset`` when given) or a zoo entry folder and its model for ``task`` (and ``lang``)."""
    path = Path(model)
    if path.is_dir():
        card, entry = _zoo_entry(path, task, lang)
        loaded, sha = load_zoo_model(card, entry), entry.weights_sha256
    else:
        info = read_weights_info(path)
        if preset is not None and info.preset != preset:
            raise PpocrError(f"{path}: weights of preset {info.preset}, not {preset}")
        loaded, sha = load_model(path), sha256_file(path)
    if getattr(loaded, "quant", None):
        raise PpocrError(f"{path}: quantisation-aware trained weights: prune the float model, "
                         "then train it with --quant")
    return loaded, sha


def _zoo_entry(path: Path, task: str | None, lang: str | None) -> tuple[ZooCard, ZooModel]:
    if task is None:
        raise PpocrError(f"{path}: a zoo entry holds several models: name one with --task")
    card = read_card(path)
    entry = card.find(task, lang)
    if entry is None:
        raise PpocrError(f"{card.path}: no {task} model{f' for {lang}' if lang else ''}")
    return card, entry


def source_post(model: Path, task: str | None = None, lang: str | None = None
                ) -> dict[str, float] | None:
    """The DB settings a zoo entry's det model runs under (its card's ``[model.post]``, chosen
    for those weights by ``zoo tune-det``), which a scan of it scores with; None for a weights
    file or a model without them."""
    if not Path(model).is_dir() or task != "det":
        return None
    _, entry = _zoo_entry(Path(model), task, lang)
    return dict(entry.post) if entry.post else None


def run_prune(model: OcrModel, out: Path, *, ratio: float | None = None,
              layers: list[str] | None = None, data: Path | None = None,
              max_loss: float | None = None, flops_target: float | None = None,
              source: str = "", source_sha256: str = "", progress: Any = None,
              post: dict[str, float] | None = None) -> PruneReport:
    """Prune ``model`` (see the module docstring), write ``out`` and return the report.
    ``layers``: only these group leaders (default all prunable). ``progress``: a rich
    Progress for the scan's bar. ``post``: the DB settings a det scan scores with
    (:func:`source_post`). A bad option or layer is a PpocrError naming ``source``."""
    try:
        _check_options(out, ratio, data, max_loss, flops_target)
        groups = checked_groups(model, dict.fromkeys(layers or ()))
    except PpocrError as error:
        raise PpocrError(f"{source}: {error}" if source else str(error)) from None
    names = list(dict.fromkeys(layers)) if layers else list(groups)
    threshold, written = None, []
    if ratio is not None:
        ratios = dict.fromkeys(names, ratio)
    else:
        assert data is not None
        ratios, threshold, written = _scanned_ratios(model, names, data, out, max_loss,
                                                     flops_target, source, source_sha256,
                                                     progress, post)
    pruned = prune_model(model, ratios)
    save_weights(pruned, out)
    kept = {n: (r, groups[n].size, pruned.get_submodule(n).out_channels)
            for n, r in ratios.items()}
    return PruneReport(
        source, out, (count_parameters(model), count_parameters(pruned)),
        (count_flops(model), count_flops(pruned)), kept, threshold, [out, *written],
        {g.leader: g.skip for g in find_groups(model) if g.skip})


def _check_options(out: Path, ratio: float | None, data: Path | None, max_loss: float | None,
                   flops_target: float | None) -> None:
    if Path(out).suffix != ".safetensors":
        raise PpocrError(f"{out}: --out must name a .safetensors file")
    if ratio is not None and (data is not None or max_loss is not None or flops_target):
        raise PpocrError("--ratio prunes every layer by one share: leave out --data, "
                         "--max-loss and --flops-target (they choose per-layer ratios)")
    if ratio is None and data is None:
        raise PpocrError("give --ratio R, or --data VAL with --max-loss L or --flops-target F")
    if ratio is not None and not 0.0 < ratio < 1.0:
        raise PpocrError(f"--ratio must lie in (0, 1), got {ratio}")
    if data is not None and max_loss is None and flops_target is None:
        raise PpocrError("--data runs the sensitivity scan: add --max-loss L (e.g. 0.02) "
                         "or --flops-target F")
    if max_loss is not None and not max_loss >= 0.0:
        raise PpocrError(f"--max-loss must be >= 0, got {max_loss}")


def _record(model: OcrModel, data: Path, sha: str, post: dict[str, float] | None = None
            ) -> dict[str, Any]:
    """What a scan table must match to be reused: the weights and the labels scanned (a
    folder's label files, or the label file given) and the DB settings scored with, if any."""
    data = Path(data)
    labels = sha256_file(data) if data.is_file() else eval_set_sha256(data)
    record = {"preset": model.preset, "weights_sha256": sha, "data": str(data),
              "data_sha256": labels, "ratios": list(RATIOS)}
    return {**record, "post": post} if post else record


def _scanned_ratios(model: OcrModel, names: list[str], data: Path, out: Path,
                    max_loss: float | None, flops_target: float | None, source: str,
                    sha: str, progress: Any, post: dict[str, float] | None = None
                    ) -> tuple[dict[str, float], float, list[Path]]:
    """(ratios, loss threshold, table and plot written) of a scan on ``data``."""
    sensitivity, table, metric = _scan(model, names, data, out, sha, progress, post)
    if flops_target is not None:
        choice = ratios_for_flops(model, sensitivity, flops_target, max_loss)
        ratios, threshold = choice.ratios, choice.threshold
    else:
        assert max_loss is not None
        ratios, threshold = ratios_for_loss(sensitivity, max_loss), max_loss
    written = [write_sensitivity(sensitivity, table, **_record(model, data, sha, post),
                                 metric=metric,
                                 threshold=threshold, chosen=ratios),
               plot_sensitivity(sensitivity, table.with_suffix(".png"), threshold,
                                f"{source}: {model.preset}, {metric} on {data}")]
    return ratios, threshold, written


def _scan(model: OcrModel, names: list[str], data: Path, out: Path, sha: str,
          progress: Any, post: dict[str, float] | None = None) -> tuple[Sensitivity, Path, str]:
    """(the scan of ``names`` on ``data``, its table's path, the metric), resumed from the
    table next to ``out`` when it was made for the same weights and labels; the table is
    rewritten after each layer."""
    name, score = folder_metric(model, data, post)
    table = out.with_name(out.stem + ".sensitivity.json")
    record = _record(model, data, sha, post)
    previous = None
    if table.is_file():
        saved = json.loads(table.read_text(encoding="utf-8"))
        if all(saved.get(k) == v for k, v in record.items() if k != "data"):
            previous = Sensitivity.from_json(saved)
    if previous is None:
        previous = Sensitivity(score(model))
    task = progress.add_task(f"sensitivity ({name})", total=len(names) * len(RATIOS),
                             unit="try") if progress is not None else None
    partial = Sensitivity(previous.baseline)

    def on_try(layer: str, ratio: float, loss: float) -> None:
        partial.losses.setdefault(layer, {})[ratio] = loss
        if ratio == RATIOS[-1]:
            write_sensitivity(partial, table, **record, metric=name)
        if task is not None:
            progress.advance(task)

    scanned = scan_sensitivity(model, score, layers=names, previous=previous, on_try=on_try)
    return scanned, table, name
