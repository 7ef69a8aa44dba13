"""``zoo_add``: publish a training run's weights as a model of a zoo entry (``zoo/NAME``).

A recognizer is only listed for a language it can read: its charset must write at least
:data:`MIN_WORD_COVERAGE` of the language's corpus words, weighted by frequency
(``corpora/LANG/words.tsv``). Words, not charset entries, because a charset's rare characters
matter little and its common ones (kana for ja, accents for fr) a lot: PaddleOCR's Chinese
charset holds 5,604 of the 6,888 characters of our zh charset yet writes all of its words; our
zh charset holds 2,004 of the 3,279 ja characters yet writes 17% of the ja words. Refusals say
both figures.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ppocr_bench.errors import PpocrError
from ppocr_bench.text.corpus import load_charset, load_words
from ppocr_bench.text.langs import get_lang
from ppocr_bench.models import read_weights_info, resolve_spec
from ppocr_bench.synth.pipeline import read_manifest
from ppocr_bench.train.config import TrainConfig, read_config_records
from ppocr_bench.train.stream import describe as describe_stream
from ppocr_bench.files import sha256_file
from ppocr_bench.text.charset import write_charset_file
from ppocr_bench.zoo.card import ZooCard, ZooModel, read_card, write_card


def _synth_command(folder: Path) -> str | None:
    manifest = read_manifest(folder) if (folder / "manifest.json").exists() else None
    return f"{manifest['command']} --out {folder}" if manifest and manifest.get("command") \
        else None


def _data_command(data: str) -> str:
    """How the training data was made: the synth command of the data folder, or for a label
    file that points into several synth folders (e.g. en + fr + de for one Latin recognizer)
    each folder's command and the label file."""
    path = Path(data)
    for folder in (path, path.parent, path.parent.parent):
        if folder.is_dir() and (command := _synth_command(folder)):
            return command
    if not path.is_file():
        return str(data)
    commands: dict[Path, str] = {}
    seen: set[Path] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        image = (path.parent / line.split("\t", 1)[0]).parent
        for folder in (image, image.parent, image.parent.parent, image.parent.parent.parent):
            if folder in seen:
                break
            seen.add(folder)
            if (command := _synth_command(folder)):
                commands[folder] = command
                break
    if not commands:
        return str(data)
    return "; ".join(commands.values()) + f"; labels of all of them in {data}"


def _start(config: TrainConfig) -> str:
    """Where a run started, for a card's recipe: "" from scratch, else the --init weights (and,
    for a recognizer, how its charset was moved)."""
    if not config.init:
        return ""
    moved = (f", charset {config.init_charset}, new rows {config.init_new_rows}"
             if config.task == "rec" else "")
    return f"from {config.init}{moved}; "


MIN_WORD_COVERAGE = 0.98


@dataclass(frozen=True)
class LangCoverage:
    """How much of language ``lang`` a charset covers: ``chars`` of the ``charset_size``
    characters of the language's charset, and ``words``, the share (0..1) of its corpus word
    occurrences made only of the charset's characters."""

    lang: str
    chars: int
    charset_size: int
    words: float


def lang_coverage(charset: Iterable[str], lang: str) -> LangCoverage:
    have = set(charset)
    need = load_charset(lang)
    words, counts = load_words(lang)
    writable = np.array([set(word) <= have for word in words], dtype=bool)
    total = float(np.sum(counts))
    share = float(np.sum(np.asarray(counts)[writable])) / total if total else 0.0
    return LangCoverage(lang, sum(ch in have for ch in need), len(need), share)


def check_lang_coverage(charset: Iterable[str], langs: list[str], source: Path) -> None:
    """PpocrError naming ``source`` (the weights) for the first of ``langs`` that ``charset``
    does not cover (:data:`MIN_WORD_COVERAGE`)."""
    charset = list(charset)
    for lang in langs:
        cov = lang_coverage(charset, lang)
        if cov.words < MIN_WORD_COVERAGE:
            raise PpocrError(
                f"{source}: --lang {lang}: the model's charset covers {cov.chars:,} of "
                f"{cov.charset_size:,} characters ({cov.chars / cov.charset_size:.1%}) of the "
                f"{lang} charset and writes {cov.words:.1%} of the {lang} corpus words; a "
                f"model for {lang} must write at least {MIN_WORD_COVERAGE:.0%} of them")


def _spec_args(preset: str, spec: dict) -> dict:
    """The preset arguments a weights file's spec sets apart from the preset's defaults (a
    card's ``args``, as ``train --arg`` gives them)."""
    default = resolve_spec(preset).to_dict()
    return json.loads(json.dumps({key: value for key, value in sorted(spec.items())
                                  if key in default and value != default[key]}))


def _run_model(run_dir: Path, task: str) -> tuple[Path, dict]:
    """A finished run's weights (best, else final) and the card fields it documents itself:
    recipe, data, args and validation metrics."""
    config, _, records = read_config_records(run_dir / "config.json")
    if config.task != task:
        raise PpocrError(f"{run_dir} trained a {config.task} model, not {task}")
    weights = run_dir / "best.safetensors"
    if not weights.exists():
        weights = run_dir / "final.safetensors"
    if not weights.exists():
        raise PpocrError(f"{run_dir}: no best.safetensors or final.safetensors (run unfinished?)")
    result_path = run_dir / "result.json"
    result = json.loads(result_path.read_text(encoding="utf-8")) if result_path.exists() else {}
    metrics: dict = {}
    if weights.name == "best.safetensors" and result.get("best_metrics"):
        metrics = {"command": f"{config.command()}  # validation on {config.val} at step "
                              f"{result.get('best_step')} (best.safetensors)",
                   **result["best_metrics"]}
    hours = result.get("train_seconds", 0.0) / 3600
    return weights, {
        "args": json.loads(json.dumps(config.overrides)),
        "recipe": f"{_start(config)}{config.recipe()}; trained {hours:.2f} h, "
                  f"{result.get('step', '?')} steps ({run_dir})",
        "data": describe_stream(records["stream"]) if records.get("stream") else
        _data_command(config.data),
        "metrics": metrics}


def zoo_add(source: str | Path, zoo_dir: str | Path, name: str, task: str,
            langs: list[str], recipe: str | None = None, data: str | None = None) -> ZooCard:
    """Copy a model's weights and charset into ``zoo_dir/name/`` and add it to ``card.toml``,
    replacing the entry's model of the same task and languages. Returns the card written.

    ``source`` is a finished training run folder (its best weights, final ones when it had no
    validation set, named ``{task}_{run}.safetensors``; the run documents its recipe, data and
    validation metrics) or a weights file (``.safetensors``, named ``{task}_{stem}``), such as
    one stage of a model trained in stages: a file does not say how it was made, so ``recipe``
    and ``data`` are required for it (for a run they replace what the run documents).
    A rec model is refused (nothing written) for a language its charset does not cover
    (:func:`check_lang_coverage`)."""
    source = Path(source)
    for lang in langs:
        get_lang(lang)
    if source.is_dir():
        weights, fields = _run_model(source, task)
    elif source.is_file():
        if not (recipe and data):
            raise PpocrError(f"{source}: a weights file does not say how it was made: give "
                             "--recipe and --data (what trained it, on what)")
        weights, fields = source, {"metrics": {}}
    else:
        raise PpocrError(f"{source}: no such run folder or weights file")
    info = read_weights_info(weights)
    if info.spec.get("task") != task:
        raise PpocrError(f"{weights} holds a {info.spec.get('task')} model, not {task}")
    if info.charset is not None:
        check_lang_coverage(info.charset, langs, weights)
    if source.is_file():
        fields["args"] = _spec_args(info.preset, info.spec)
    fields["recipe"] = recipe or fields["recipe"]
    fields["data"] = data or fields["data"]
    root = Path(zoo_dir) / name
    card = read_card(root) if (root / "card.toml").exists() else ZooCard(root, name)
    root.mkdir(parents=True, exist_ok=True)
    stem = f"{task}_{source.name if source.is_dir() else source.stem}"
    shutil.copyfile(weights, root / f"{stem}.safetensors")
    charset_file = charset_sha = None
    if info.charset is not None:
        charset_file = f"{stem}_charset.txt"
        write_charset_file(root / charset_file, info.charset)
        charset_sha = sha256_file(root / charset_file)
    spec = resolve_spec(info.preset, **info.spec)
    model = ZooModel(
        task=task, preset=info.preset, weights=f"{stem}.safetensors",
        weights_sha256=sha256_file(root / f"{stem}.safetensors"), langs=list(langs),
        charset=charset_file, charset_sha256=charset_sha, input_size=list(spec.input_size),
        **fields)
    card.models = [m for m in card.models
                   if not (m.task == task and sorted(m.langs) == sorted(langs))] + [model]
    write_card(card)
    return card


def zoo_link(root: str | Path, source: str | Path, tasks: list[str]) -> ZooCard:
    """Give entry ``root`` (created when it has no card yet) the ``tasks`` models (det, cls) of
    entry ``source`` without copying their weights: the card points at the source entry's files
    by a relative path (``../SOURCE/FILE`` for two entries of one zoo folder) with their sha256,
    so official weights that ``zoo import`` writes are used in place and never committed twice.
    ``root``'s card takes the source's ``import_command`` (loading then names it when the
    weights are missing). Replaces ``root``'s models of those tasks; a task the source lacks,
    or a rec model, is refused."""
    root, source = Path(root), Path(source)
    src = read_card(source)
    if not tasks:
        raise PpocrError("zoo link: name at least one --task (det or cls)")
    linked = []
    for task in tasks:
        if task not in ("det", "cls"):
            raise PpocrError(f"zoo link: --task {task}: only det and cls are linked (a "
                             "recognizer serves languages: `zoo add` it)")
        model = src.find(task)
        if model is None:
            raise PpocrError(f"{src.path}: no {task} model to link")
        weights = src.resolve(model.weights)
        if not weights.is_file():
            hint = f"`{src.import_command}`" if src.import_command else "not in this checkout"
            raise PpocrError(f"{weights}: missing ({hint})")
        root.mkdir(parents=True, exist_ok=True)
        relative = Path(os.path.relpath(weights.resolve(), root.resolve())).as_posix()
        linked.append(ZooModel(**{**model.__dict__, "weights": relative,
                                  "recipe": f"zoo/{src.name}'s {task} model, used in place "
                                            f"(ppocr-bench zoo link); {model.recipe}"}))
    card = read_card(root) if (root / "card.toml").exists() else ZooCard(root, root.name)
    card.models = [m for m in card.models if m.task not in tasks] + linked
    card.models.sort(key=lambda m: ("det", "cls", "rec").index(m.task))
    if src.import_command:
        card.import_command = src.import_command
    write_card(card)
    return card
