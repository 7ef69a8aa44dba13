"""``ppocr-bench merge``: the shard folders of one synth run assembled into one folder."""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

from ppocr_bench.errors import PpocrError, PpocrWarning
from ppocr_bench.synth import writer
from ppocr_bench.synth.pipeline import (MANIFEST, SynthResult, finalize, prepare_out,
                                        read_manifest, spec_from_json)
from ppocr_bench.text.fonts import fonts_for_lang


def _shard_manifests(shard_dirs: list[Path]) -> list[dict]:
    manifests = [read_manifest(d) for d in shard_dirs]
    for d, m in zip(shard_dirs, manifests):
        if m is None:
            raise PpocrError(f"{d}: no {MANIFEST}: not a synth output folder")
        if m["spec"] != manifests[0]["spec"]:
            raise PpocrError(f"{d}: belongs to another run ({m['command']}) than "
                             f"{shard_dirs[0]} ({manifests[0]['command']})")
    return manifests


def _merge_sources(out: Path, shard_dirs: list[Path], count: int) -> dict[int, Path]:
    """Where each sample that ``out`` lacks comes from (the first shard folder holding it
    intact); PpocrError, before anything is written, when some sample is in none of them. A
    damaged sample in a shard folder is skipped after a PpocrWarning naming its file."""
    needed = writer.incomplete_samples(out, list(range(count))) if out.is_dir() \
        else dict.fromkeys(range(count))
    sources: dict[int, Path] = {}
    for d in shard_dirs:
        broken = writer.incomplete_samples(d, [i for i in needed if i not in sources])
        for index in needed:
            if index in sources:
                continue
            if index not in broken:
                sources[index] = d
            elif broken[index] is not None:
                warnings.warn(PpocrWarning(f"{broken[index]}: sample {index} not taken from {d}"))
    missing = [i for i in needed if i not in sources]
    if missing:
        raise PpocrError(f"{out}: {len(missing)} of {count} samples are in none of the "
                         f"shards (first missing: {missing[0]}); nothing was written")
    return sources


def merge_shards(out: Path, shard_dirs: list[Path]) -> SynthResult:
    """Copy the samples of several shard folders of one run into ``out`` and finalize it.

    Every shard is checked before anything is written: a sample that no shard holds intact
    refuses the merge and leaves ``out`` as it was. Each sample's part record is copied after
    its files, so an interrupted merge is finished by running it again."""
    manifests = _shard_manifests(shard_dirs)
    spec = spec_from_json(manifests[0]["spec"])
    sources = _merge_sources(out, shard_dirs, spec.count)
    prepare_out(out, {k: v for k, v in manifests[0].items() if k != "counts"})
    for index, d in sorted(sources.items()):
        record = writer.load_record(d, index)
        for rel in writer.sample_files(record):
            shutil.copyfile(d / rel, out / rel)
        shutil.copyfile(writer.part_path(d, index), writer.part_path(out, index))
    faces = fonts_for_lang(spec.lang)
    return SynthResult(out, len(sources), 0, True, finalize(out, spec, faces))
