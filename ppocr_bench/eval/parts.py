"""The parts of an eval set folder (synth layout): its label files per task, which det images
are scenes and which documents, how many images, instances and crops it holds, and the
language its synth manifest names."""

from __future__ import annotations

import json
from pathlib import Path

from ppocr_bench.data.labels import LABEL_FILES, read_cls_labels, read_det_labels, read_rec_labels
from ppocr_bench.errors import PpocrError


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


def set_lang(data: Path) -> str | None:
    """The language the synth manifest of the eval set ``data`` names (None: no manifest, as
    for sets converted from elsewhere)."""
    try:
        manifest = json.loads((Path(data) / "manifest.json").read_text(encoding="utf-8"))
        return str(manifest["spec"]["lang"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


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


def count_parts(parts: dict[str, Path], charset: set[str] | None) -> dict[str, int]:
    """Images, instances and crops of the eval set's parts (and, given the recognizer's
    ``charset``, the rec lines with a character outside it)."""
    counts: dict[str, int] = {}
    if "det" in parts:
        gt = read_det_labels(parts["det"])
        counts.update(det_images=len(gt), det_instances=sum(len(v) for v in gt.values()))
    for task in ("cls", "rec"):
        if task in parts:
            labels = (read_cls_labels if task == "cls" else read_rec_labels)(parts[task])
            counts[f"{task}_crops"] = len(labels)
            if task == "rec" and charset is not None:
                allowed = charset | {" "}
                counts["rec_lines_outside_charset"] = sum(
                    not set(t) <= allowed for t in labels.values())
    return counts
