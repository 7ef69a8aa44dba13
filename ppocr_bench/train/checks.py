"""Checks a training run makes before step 1, so that bad input fails in one line, early.

- :func:`check_writable_dir`: the run folder can be made and written (creates nothing);
- :func:`check_images`: every image a label file lists is on disk (names the label file, the
  line and the image, and how many are missing);
- :func:`check_training_seeds`: no training image comes from a synth folder whose manifest seed
  is reserved for the evaluation sets (:func:`ppocr_bench.eval.sets.check_training_seed`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from ppocr_bench.errors import PpocrError
from ppocr_bench.eval.sets import check_training_seed
from ppocr_bench.synth.pipeline import MANIFEST, read_manifest

#: How far above an image's folder a synth manifest is looked for (OUT/rec/images/x.jpg).
MANIFEST_DEPTH = 3
SHOWN = 3


def check_images(labels: Path, paths: Iterable[str]) -> None:
    """PpocrError unless every image of ``paths`` (paths as listed in the label file
    ``labels``, relative to its folder) is a file: ``LABELS:LINE: image PATH not found (N of M
    listed images missing; first: line L PATH, ...)``."""
    paths = list(paths)
    root = labels.parent
    missing = {p for p in paths if not (root / p).is_file()}
    if not missing:
        return
    text = labels.read_text(encoding="utf-8-sig")
    where = [(n, line.split("\t", 1)[0]) for n, line in enumerate(text.split("\n"), 1)
             if line.split("\t", 1)[0] in missing]
    first = where[:SHOWN]
    raise PpocrError(f"{labels}:{first[0][0]}: image {first[0][1]} not found ({len(missing)} "
                     f"of {len(paths)} listed images missing; first: "
                     + ", ".join(f"line {n} {p}" for n, p in first) + ")")


def synth_manifests(labels: Path, paths: Iterable[str]) -> list[Path]:
    """The synth manifests of the folders the images of a label file lie in: for each image
    the nearest ``manifest.json`` at most :data:`MANIFEST_DEPTH` folders up (none for images
    that are no synth output)."""
    nearest: dict[Path, Path | None] = {}
    manifests: set[Path] = set()
    for folder in {Path(os.path.normpath(os.path.abspath(labels.parent / p))).parent
                   for p in paths}:
        for up in (folder, *folder.parents)[:MANIFEST_DEPTH]:
            if up not in nearest:
                nearest[up] = up / MANIFEST if (up / MANIFEST).is_file() else None
            if nearest[up] is not None:
                manifests.add(nearest[up])  # type: ignore[arg-type]
                break
    return sorted(manifests)


def check_training_seeds(labels: Path, paths: Iterable[str]) -> None:
    """PpocrError naming the manifest when an image of the training labels comes from a synth
    folder whose seed is not a training seed (eval sets use seeds from 1,000,000 up)."""
    for manifest_path in synth_manifests(labels, paths):
        manifest = read_manifest(manifest_path.parent) or {}
        seed = (manifest.get("spec") or {}).get("seed")
        if not isinstance(seed, int):
            continue
        try:
            check_training_seed(seed)
        except PpocrError as exc:
            raise PpocrError(f"{manifest_path}: {exc}; {labels} may not be trained on") from None
