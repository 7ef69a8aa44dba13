"""A run folder is self-contained: it resumes wherever it lies, from any working directory.

``RUN/config.json`` holds the :class:`TrainConfig` as it was given (paths as typed, so a zoo
card's command reads as the user typed it) and, under ``"paths"``, where each file option
pointed when the run started::

    "paths": {"data": {"absolute": "/home/u/proj/data/en", "from_run": "../../data/en",
                       "sha256": "<sha256 of the task's label file>"}, ...}

for ``data`` and ``val`` (the label file is hashed), ``init`` (the weights) and a charset file.

Resuming, the folder given is the run; the ``out`` recorded is history only. Each path option is
looked for, in this order: relative to the run folder (a project copied or moved together with
its data uses its own copy), at its absolute path (a run folder moved alone), as typed relative
to the current directory; the first place whose file has the recorded sha256 is used. Training
data found nowhere, or changed since (other labels), is an error that says so; ``--data`` /
``--val`` given with ``--resume`` name data moved elsewhere, accepted when the labels are the
same. ``init`` and a charset file are not read again on resume (the checkpoint holds the weights
and ``charset.txt`` the charset), so they may be gone.

Only the :data:`~.config.OPERATIONAL` options may differ from config.json when a run is
resumed; any other changed option is refused in one error that lists them all.
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from typing import Any

from ppocr_bench.data.labels import label_file
from ppocr_bench.errors import PpocrError
from ppocr_bench.files import sha256_file
from ppocr_bench.train.config import (
    DEFAULT_PRESET,
    OPERATIONAL,
    PATH_OPTIONS,
    WEIGHT_DECAY,
    TrainConfig,
    option_flag,
    read_config_file,
    read_config_records,
    save_config,
)

CONFIG = "config.json"


def _hashed_file(name: str, value: str, task: str) -> Path | None:
    """The file whose sha256 identifies option ``name`` = ``value`` (None: a ``lang:`` charset,
    or nothing there)."""
    if name == "charset" and value.startswith("lang:"):
        return None
    if name in ("data", "val") and value.startswith("synth"):
        return None  # streamed data, a validation set rendered into the run
    if name in ("data", "val"):
        try:
            return label_file(value, task)
        except PpocrError:
            return None
    return Path(value) if Path(value).is_file() else None


def path_record(name: str, value: str, task: str, run_dir: Path) -> dict[str, str] | None:
    """Where option ``name`` points: absolute path, path relative to ``run_dir``, sha256."""
    file = _hashed_file(name, value, task)
    if file is None:
        return None
    absolute = os.path.abspath(value)
    return {"absolute": absolute,
            "from_run": os.path.relpath(absolute, os.path.abspath(run_dir)),
            "sha256": sha256_file(file)}


def save_run_config(config: TrainConfig, run_dir: Path,
                    records: dict[str, Any] | None = None) -> None:
    """Write ``run_dir/config.json``: the config, where its file options lie and ``records``
    (``{"stream": ...}`` for streamed data, :mod:`.stream`)."""
    paths = {}
    for name in PATH_OPTIONS:
        value = getattr(config, name)
        if value and (record := path_record(name, value, config.task, run_dir)):
            paths[name] = record
    save_config(config, Path(run_dir) / CONFIG, paths, records)


def read_run(run_dir: str | Path) -> tuple[TrainConfig, dict[str, Any]]:
    """The config a run folder was started with and its path record."""
    path = Path(run_dir) / CONFIG
    if not path.is_file():
        raise PpocrError(f"{run_dir}: no {CONFIG} (not a training run folder)")
    return read_config_file(path)


def _matches(name: str, value: str, record: dict[str, str], task: str) -> bool:
    """Whether ``value`` names a file with the recorded sha256."""
    file = _hashed_file(name, value, task)
    return file is not None and sha256_file(file) == record["sha256"]


def _same_file(name: str, value: str, saved: str, record: dict[str, str] | None,
               task: str) -> bool:
    """Whether option ``name`` = ``value`` names what the run had (``saved``, ``record``)."""
    if value == saved and (record is None or name in ("init", "charset")):
        return True  # init and a charset file are not read again on resume
    if record is None:  # a lang: charset, a stream, or a run older than path records
        if value.startswith(("lang:", "synth")) or saved.startswith(("lang:", "synth")):
            return value == saved
        return os.path.abspath(value) == os.path.abspath(saved)
    return _matches(name, value, record, task)


def _places(saved: str, record: dict[str, str] | None, run_dir: Path) -> list[str]:
    """Where to look for a file option of the run, in order (see the module docstring)."""
    if record is None:
        return [saved]
    here = os.path.normpath(os.path.join(os.path.abspath(run_dir), record["from_run"]))
    return list(dict.fromkeys((here, record["absolute"], saved)))


def _locate(name: str, saved: str, record: dict[str, str] | None, run_dir: Path,
            task: str) -> str | None:
    """Where file option ``name`` of the run lies now, or None."""
    for place in _places(saved, record, run_dir):
        if (_matches(name, place, record, task) if record is not None
                else _hashed_file(name, place, task) is not None):
            return place
    return None


def _effective(name: str, value: Any, task: str) -> Any:
    """A value as the run uses it: defaults spelled out, tuples as lists."""
    if name == "preset":
        return value or DEFAULT_PRESET[task]
    if name == "weight_decay" and value is None:
        return WEIGHT_DECAY.get(task)
    return json.loads(json.dumps(value))


def changed_options(saved: TrainConfig, paths: dict[str, Any],
                    options: dict[str, Any]) -> list[str]:
    """``options`` (field -> value) that differ from the run's, as ``--flag NEW (the run:
    OLD)`` in the config's field order; ``out`` and the operational options are never
    changes, and an unknown field is an error."""
    unknown = set(options) - {f.name for f in dataclasses.fields(TrainConfig)}
    if unknown:
        raise PpocrError(f"unknown training option(s) {sorted(unknown)}")
    changed = []
    for name in (f.name for f in dataclasses.fields(TrainConfig) if f.name in options):
        value, old = options[name], getattr(saved, name)
        if name == "out" or name in OPERATIONAL:
            continue
        if name in PATH_OPTIONS and value and old:
            same = _same_file(name, str(value), old, paths.get(name), saved.task)
        else:
            same = _effective(name, value, saved.task) == _effective(name, old, saved.task)
        if not same:
            changed.append(f"{option_flag(name)} {_shown(name, value)} "
                           f"(the run: {_shown(name, old)})")
    return changed


def _shown(name: str, value: Any) -> str:
    if name == "overrides":
        return " ".join(f"{k}={json.dumps(v)}" for k, v in value.items()) or "none"
    if name == "augment_off":
        return ",".join(value) or "none"
    return "none" if value is None else str(value)


def refuse_changes(run_dir: Path, changed: list[str]) -> None:
    if changed:
        raise PpocrError(f"{run_dir}: --resume continues the run as its {CONFIG} says; changed: "
                         f"{', '.join(changed)}; only "
                         f"{', '.join(option_flag(n) for n in OPERATIONAL)} may change")


def resume_config(run_dir: str | Path, options: dict[str, Any] | None = None) -> TrainConfig:
    """The config to resume ``run_dir`` with: the saved one, its ``out`` the folder given, its
    data found where it lies now, then ``options`` (field -> value, e.g. what the user typed
    with ``--resume``) applied. A non-operational option that differs is refused (one error
    listing them all); data found nowhere is an error naming where it looked."""
    run_dir = Path(run_dir)
    options = dict(options or {})
    saved, paths = read_run(run_dir)
    refuse_changes(run_dir, changed_options(saved, paths, options))
    moved: dict[str, Any] = {"out": str(run_dir)}
    for name in PATH_OPTIONS:
        value = getattr(saved, name)
        if (not value or name in options or (name == "charset" and value.startswith("lang:"))
                or (name in ("data", "val") and value.startswith("synth"))):
            continue  # not files: a language's charset, streamed or rendered data
        place = _locate(name, value, paths.get(name), run_dir, saved.task)
        if place is None and name in ("data", "val"):
            flag, tried = option_flag(name), ", ".join(_places(value, paths.get(name), run_dir))
            raise PpocrError(f"{run_dir}: the run's {flag} {value} is not where it was, or its "
                             f"{saved.task} labels changed (looked at {tried}); give its new "
                             f"place with {flag}")
        moved[name] = place or value
    options.pop("out", None)
    return dataclasses.replace(saved, **moved, **options)


def load_run_config(run_dir: str | Path) -> TrainConfig:
    """The config to resume a run folder with, wherever the folder lies now:
    ``train(load_run_config(d), resume=True)``. See :func:`resume_config`."""
    return resume_config(run_dir)


def check_resumable(config: TrainConfig, run_dir: Path) -> None:
    """PpocrError unless ``config`` may resume the run in ``run_dir`` (only operational options
    changed; file options point to the same files)."""
    saved, paths = read_run(run_dir)
    fields = {f.name: getattr(config, f.name) for f in dataclasses.fields(config)}
    refuse_changes(run_dir, changed_options(saved, paths, fields))


def check_same_stream(run_dir: Path, stream: dict[str, Any]) -> None:
    """PpocrError unless a resumed streaming run draws with the fonts its config.json
    recorded (other fonts would render other samples from the same keys)."""
    path = Path(run_dir) / CONFIG
    saved = read_config_records(path)[2].get("stream") or {}
    if saved.get("fonts") != stream["fonts"]:
        raise PpocrError(f"{path}: the fonts the stream draws with changed since this run "
                         "started, so resuming would train on other samples: restore them or "
                         "start a new run")
