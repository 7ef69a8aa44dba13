"""Default evaluation sets: one small synthetic set per language, made with fixed seeds.

Seed rule (pinned by tests): **training data uses seeds below** :data:`TRAIN_SEED_LIMIT`
(1,000,000); the default eval set of a language uses ``EVAL_SEED_BASE + i`` (1,000,003 + i) with
``i`` the language's index in :data:`ppocr_bench.text.langs.LANGS` (zh 0, en 1, fr 2, de 3, ja 4,
ko 5). Synthesis draws every sample from ``(seed, index)``, so no eval image is ever a training
image as long as training keeps to its seed range (:func:`check_training_seed`).

Fonts: a default set is drawn only with the font files of
:data:`ppocr_bench.text.eval_fonts.PINNED_FONTS` (what ``pip install`` brings, checked by sha256),
whatever else the machine has, so every machine makes the same set: same images, same label
files, same :func:`ppocr_bench.zoo.card.eval_set_sha256`. Its manifest records the pins.

The set is written to ``CACHE/evalsets/<lang>-<count>-<seed>-<fonts>`` where CACHE is
``$PPOCR_BENCH_CACHE`` when set, else ``~/.cache/ppocr-bench``, and ``<fonts>`` is the pins'
:func:`~ppocr_bench.text.eval_fonts.fingerprint` (a set made with other fonts is never reused).
A complete set is reused as it is; an interrupted one is resumed (``run_synth`` renders only the
missing samples).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ppocr_bench.data.labels import LABEL_FILES
from ppocr_bench.errors import PpocrError
from ppocr_bench.files import cache_root
from ppocr_bench.text.eval_fonts import fingerprint, pinned_faces, pins_record
from ppocr_bench.text.langs import LANGS, get_lang

if TYPE_CHECKING:
    from ppocr_bench.zoo.card import ZooCard

TRAIN_SEED_LIMIT = 1_000_000
EVAL_SEED_BASE = 1_000_003
#: 40 full images (scene and document alternating, ~1,000 text lines): a full eval of the
#: mobile system takes about a minute on 2 CPU cores.
DEFAULT_COUNT = 40


def eval_seed(lang: str) -> int:
    """The fixed synthesis seed of ``lang``'s default eval set (never a training seed)."""
    get_lang(lang)
    return EVAL_SEED_BASE + list(LANGS).index(lang)


def is_training_seed(seed: int) -> bool:
    """True for the seeds training data may use: 0 <= seed < TRAIN_SEED_LIMIT."""
    return 0 <= seed < TRAIN_SEED_LIMIT


def check_training_seed(seed: int) -> int:
    """``seed`` if training data may use it, else a PpocrError (it could equal an eval set)."""
    if not is_training_seed(seed):
        raise PpocrError(f"training seed {seed} is outside [0, {TRAIN_SEED_LIMIT:,}): seeds "
                         f"from {TRAIN_SEED_LIMIT:,} up are reserved for evaluation sets")
    return seed


def eval_sets_root() -> Path:
    """The folder of the default eval sets: ``evalsets/`` under the cache root."""
    return cache_root() / "evalsets"


def eval_set_dir(lang: str, count: int = DEFAULT_COUNT) -> Path:
    """Where the default eval set of ``lang`` with ``count`` images lives (made or not)."""
    return eval_sets_root() / f"{lang}-{count}-{eval_seed(lang)}-{fingerprint()}"


def is_complete(folder: Path, font_pins: dict | None = None) -> bool:
    """Whether ``folder`` is a finished synth run (manifest complete, label files there) and,
    with ``font_pins``, one whose manifest records those pins."""
    from ppocr_bench.synth.pipeline import read_manifest

    manifest = read_manifest(folder) if folder.is_dir() else None
    if font_pins is not None and (manifest or {}).get("font_pins") != font_pins:
        return False
    return bool(manifest and manifest.get("complete")) and all(
        (folder / rel).is_file() for rel in LABEL_FILES.values())


def default_eval_set(lang: str, *, count: int = DEFAULT_COUNT, workers: int | None = None,
                     on_start: Callable[[int], None] | None = None,
                     on_sample: Callable[[int], None] | None = None) -> Path:
    """The folder of ``lang``'s default eval set (det/, rec/, cls/ label files), synthesized
    on first use with the seed of :func:`eval_seed` and the pinned fonts, reused afterwards.
    A pinned font file missing or changed is a PpocrError naming it and what to install.

    ``workers``: synthesis processes (default min(2, CPU count)); the output does not depend on
    it. ``on_start(n_todo)`` / ``on_sample(index)``: progress, as for ``run_synth``.
    """
    from ppocr_bench.synth.pipeline import Kind, SynthSpec, run_synth
    from ppocr_bench.synth.realism import LEGACY

    if count <= 0:
        raise PpocrError(f"eval set size must be a positive number of images, got {count}")
    out = eval_set_dir(lang, count)
    if is_complete(out, pins_record()):
        return out
    spec = SynthSpec(lang=lang, kind=Kind.both, count=count, seed=eval_seed(lang), realism=LEGACY)
    workers = workers if workers is not None else min(2, os.cpu_count() or 1)
    result = run_synth(spec, out, workers=workers, faces=pinned_faces(lang),
                       manifest_extra={"font_pins": pins_record()},
                       on_start=on_start, on_sample=on_sample)
    if not result.complete:  # cannot happen without shards; keep the promise explicit
        raise PpocrError(f"{out}: eval set synthesis did not complete; run it again to resume")
    return out


def recorded_set_warning(card: ZooCard, lang: str, data: Path) -> str | None:
    """A one-line warning (without the ``warning:`` the CLI adds) when ``card`` records ``[eval.LANG]`` figures measured on an eval set
    whose label hash (``data_sha256``) is not that of ``data``: the figures about to be printed
    are then not comparable with the card's. None when they agree or nothing is recorded."""
    from ppocr_bench.zoo.card import eval_set_sha256

    recorded = card.eval.get(lang) or {}
    expected = recorded.get("data_sha256")
    if not expected:
        return None
    actual = eval_set_sha256(Path(data))
    if actual == expected:
        return None
    return (f"{card.path}: [eval.{lang}] was measured on {recorded.get('data', '?')} "
            f"(labels sha256 {expected[:12]}), not on {Path(data).name} ({actual[:12]}): its "
            "recorded figures are not comparable with these")
