"""``TrainConfig``: everything that decides a training run, frozen and JSON round-trippable.

Task defaults follow the PP-OCR recipes (PAPER.md): Adam lr 1e-3, cosine decay with linear
warm-up (``schedule`` "constant" keeps the rate after the warm-up instead), L2 1e-5 for the
recognizer (0 for det and cls, as PaddleOCR's mobile configs), batch 8 (the paper's 8/GPU for
det; cls/rec used 512/256 on GPUs, far beyond a 2-core CPU).
"""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ppocr_bench.data.labels import TASKS
from ppocr_bench.errors import PpocrError
from ppocr_bench.inference.profiles import DEFAULT_PROFILE, PROFILES
from ppocr_bench.slim.quant import QUANTIZERS
from ppocr_bench.train.charset import CHARSET_MODES, NEW_ROWS
from ppocr_bench.train.det_augment import DetAugment
from ppocr_bench.train.line_augment import LineAugment
from ppocr_bench.train.randaugment import RandAugment
from ppocr_bench.train.schedules import SCHEDULES

WEIGHT_DECAY = {"det": 0.0, "cls": 0.0, "rec": 1e-5}
DEFAULT_PRESET = {"det": "det_mv3_db", "cls": "cls_mv3", "rec": "rec_mv3_crnn"}
METRIC = {"det": "hmean", "cls": "acc", "rec": "acc"}
MAX_TEXT_LENGTH = 25

#: Options that may change when a run is resumed: they decide how it runs, not what it learns.
OPERATIONAL = ("device", "workers", "threads", "log_every", "ckpt_every", "eval_every")
#: Options that name files; config.json records where they were (see :mod:`.run_folder`).
PATH_OPTIONS = ("data", "val", "init", "charset", "mix")
#: Keys config.json holds beside the options (see :mod:`.run_folder` and :mod:`.stream`).
RECORDS = ("paths", "stream")

#: Names accepted by ``augment_off`` (and the CLI's ``--no-aug``): one switch per augmentation.
AUGMENTATIONS = {
    "det": ("flip", "rotate", "scale", "crop"),
    "cls": ("crop", "blur", "hsv", "jitter", "noise", "reverse", "perspective", "randaugment",
            "flip180"),
    "rec": ("crop", "blur", "hsv", "jitter", "noise", "reverse", "perspective", "tia_distort",
            "tia_stretch", "tia_perspective"),
}


@dataclass(frozen=True)
class TrainConfig:
    """One training run.

    task: det | cls | rec. preset: a model preset of that task; overrides: preset arguments
    (``create_model(preset, **overrides)``). data / val: synth output folders (or any folder with
    ``det/label.txt``, ``cls/cls_gt.txt``, ``rec/rec_gt.txt``) or the label file itself.
    out: the run folder. steps, or epochs (steps = epochs * batches per epoch); exactly one.
    warmup_steps: None -> min(2 epochs, 10 % of the steps). schedule: the lr after the warm-up,
    "cosine" (decaying to ``end_lr``) or "constant" (:mod:`.schedules`). weight_decay: coupled
    L2 (Paddle's ``L2Decay``); None -> task default. grad_clip: max global grad norm, None = off.
    augment: False turns all augmentation off; augment_off: names from :data:`AUGMENTATIONS`
    to switch off one by one. det_size: square training crop (paper 640/960). max_samples: use
    only the first N label lines (overfitting tests). workers: DataLoader processes (None: auto,
    :meth:`num_workers`); threads: torch threads (None: the remaining cores, so workers +
    threads = all cores). device: "auto" (cuda if available),
    "cpu", "cuda", "cuda:N". eval_every / ckpt_every: steps, 0 = only at the end.
    init: weights to start from; init_charset: rec with another charset: "extend" (keep the
    init charset, append the data's new characters) or "remap" (use ``charset`` as given, copy
    shared rows); init_new_rows: how the rows of new characters start, "fresh" or "mean"
    (:func:`ppocr_bench.train.charset.remap_charset`); charset: rec dictionary file (one char
    a line), "lang:XX" for a language's corpus charset, or None to derive it from the training
    labels. quant: None (float training) or "pact": quantisation-aware training, the model
    quantised after its initialisation (``init`` included) by
    :func:`ppocr_bench.slim.quant.quantize_model`.
    line_source: streamed rec/cls lines "drawn" on their own or cut from rendered "pages"
    (:mod:`ppocr_bench.train.page_lines`); scene_pages: with synth_kind "both" and pages,
    scene pages per document page (1: a quarter of the lines are scene crops, 3: half).
    """

    task: str
    data: str
    out: str
    preset: str | None = None
    overrides: dict[str, Any] = field(default_factory=dict)
    val: str | None = None
    steps: int | None = None
    epochs: int | None = None
    batch_size: int = 8
    lr: float = 1e-3
    end_lr: float = 0.0
    warmup_steps: int | None = None
    schedule: str = "cosine"
    weight_decay: float | None = None
    grad_clip: float | None = None
    augment: bool = True
    augment_off: tuple[str, ...] = ()
    det_size: int = 640
    det_val_side: int = PROFILES[DEFAULT_PROFILE].limit_side_len  # det validation resize
    max_samples: int | None = None
    max_text_length: int = MAX_TEXT_LENGTH
    seed: int = 0
    workers: int | None = None
    threads: int | None = None
    device: str = "auto"
    eval_every: int = 0
    ckpt_every: int = 0
    log_every: int = 1
    init: str | None = None
    init_charset: str = "extend"
    init_new_rows: str = "fresh"
    charset: str | None = None
    synth_kind: str = "both"
    synth_engine: str = "ours"
    font_dir: tuple[str, ...] = ()
    vertical: bool = False
    epoch_size: int = 100_000
    mix: str | None = None
    mix_ratio: float = 0.0
    val_count: int = 200
    rec_width: str = "bucket"
    amp: bool = False
    realism: str = "base"
    line_source: str = "pages"
    scene_pages: int = 1
    background_dir: tuple[str, ...] = ()
    quant: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "augment_off", tuple(self.augment_off))
        object.__setattr__(self, "font_dir", tuple(str(d) for d in self.font_dir))
        object.__setattr__(self, "background_dir", tuple(str(d) for d in self.background_dir))
        object.__setattr__(self, "overrides", dict(self.overrides))
        if self.task not in TASKS:
            raise PpocrError(f"task must be det, cls or rec, not {self.task!r}")
        if (self.steps is None) == (self.epochs is None):
            raise PpocrError("give exactly one of steps and epochs")
        for name in ("steps", "epochs", "batch_size", "det_size", "max_samples"):
            value = getattr(self, name)
            if value is not None and value <= 0:
                raise PpocrError(f"{name} must be positive, got {value}")
        unknown = set(self.augment_off) - set(AUGMENTATIONS[self.task])
        if unknown:
            raise PpocrError(f"unknown {self.task} augmentation(s) {sorted(unknown)}; known: "
                             f"{', '.join(AUGMENTATIONS[self.task])}")
        if self.init_charset not in CHARSET_MODES:
            raise PpocrError(f"init_charset must be extend or remap, not {self.init_charset!r}")
        if self.init_new_rows not in NEW_ROWS:
            raise PpocrError(f"--init-new-rows must be fresh or mean, not {self.init_new_rows!r}")
        if self.quant == "none":
            object.__setattr__(self, "quant", None)
        if self.quant is not None and self.quant not in QUANTIZERS:
            raise PpocrError(f"--quant must be {' or '.join(QUANTIZERS)} (or none), not "
                             f"{self.quant!r}")
        if self.schedule not in SCHEDULES:
            raise PpocrError(f"--schedule must be {' or '.join(SCHEDULES)}, not "
                             f"{self.schedule!r}")
        if self.schedule == "constant" and self.end_lr:
            raise PpocrError("--end-lr is where the cosine schedule ends: leave it out with "
                             "--schedule constant")
        if self.task == "det" and self.det_size % 32:
            raise PpocrError(f"det_size must be a multiple of 32, got {self.det_size}")
        self._check_stream()

    @property
    def streaming(self) -> bool:
        return self.data.startswith("synth:")

    def _check_stream(self) -> None:
        if self.rec_width not in ("bucket", "fixed"):
            raise PpocrError(f"--rec-width must be bucket or fixed, not {self.rec_width!r}")
        if self.synth_kind not in ("scene", "document", "both"):
            raise PpocrError(f"--synth-kind must be scene, document or both, not "
                             f"{self.synth_kind!r}")
        if self.synth_engine not in ("ours", "trdg"):
            raise PpocrError(f"--synth-engine must be ours or trdg, not {self.synth_engine!r}")
        if self.line_source not in ("drawn", "pages"):
            raise PpocrError(f"--line-source must be drawn or pages, not {self.line_source!r}")
        from ppocr_bench.synth.realism import parse_realism
        from ppocr_bench.train.stream import check_scene_pages

        check_scene_pages(self.scene_pages, self.synth_kind, self.line_source)
        parse_realism(self.realism)  # a one-line error for a bad --realism
        if self.epoch_size <= 0 or self.val_count <= 0:
            raise PpocrError("--epoch-size and --val-count must be positive")
        if self.mix is not None and not self.streaming:
            raise PpocrError("--mix adds a folder to streamed data: give --data synth:LANG")
        if self.mix is not None and not 0.0 < self.mix_ratio < 1.0:
            raise PpocrError(f"--mix-ratio must lie between 0 and 1 (the share of samples from "
                             f"--mix), got {self.mix_ratio}")
        if self.mix is None and self.mix_ratio:
            raise PpocrError("--mix-ratio needs --mix FOLDER")
        if self.val is not None and self.val.startswith("synth") and not (
                self.val == "synth" and self.streaming or self.val.startswith("synth:")):
            raise PpocrError(f"--val {self.val}: use --val synth with streamed data, or "
                             "--val synth:LANG[+LANG...]")

    @property
    def preset_name(self) -> str:
        return self.preset or DEFAULT_PRESET[self.task]

    @property
    def l2(self) -> float:
        return WEIGHT_DECAY[self.task] if self.weight_decay is None else self.weight_decay

    def aug_on(self, name: str) -> bool:
        return self.augment and name not in self.augment_off

    def det_augment(self) -> DetAugment:
        return DetAugment(**{k: self.aug_on(k) for k in AUGMENTATIONS["det"]})

    def line_augment(self) -> LineAugment:
        names = [f.name for f in dataclasses.fields(LineAugment)]
        return LineAugment(**{k: self.aug_on(k) for k in AUGMENTATIONS[self.task] if k in names})

    def rand_augment(self) -> RandAugment | None:
        return RandAugment() if self.task == "cls" and self.aug_on("randaugment") else None

    def num_threads(self) -> int:
        """Torch threads: given, or the cores the data workers leave (at least 1); never more
        than ``OMP_THREAD_LIMIT`` allows (more torch threads than OpenMP may start stall
        torch's backward pass)."""
        threads = self.threads or max((os.cpu_count() or 1) - self.num_workers(), 1)
        limit = os.environ.get("OMP_THREAD_LIMIT", "")
        return min(threads, int(limit)) if limit.isdigit() and int(limit) > 0 else threads

    def num_workers(self) -> int:
        """DataLoader workers: given, or on CPU none up to 2 cores (a worker's process beside
        the trainer's OpenMP threads stalls them more than rendering and augmenting in the
        trainer costs: ``benchmarks/train.py``), a quarter of the cores beyond; with CUDA all
        cores but one, at most 8 (the GPU waits on the data, not on the host's threads)."""
        if self.workers is not None:
            return self.workers
        cores = os.cpu_count() or 1
        if self.device != "cpu":
            import torch

            if torch.cuda.is_available():
                return max(min(cores - 1, 8), 1)
        return 0 if cores <= 2 else max(cores // 4, 1)

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["augment_off"] = list(self.augment_off)
        data["font_dir"] = list(self.font_dir)
        data["background_dir"] = list(self.background_dir)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrainConfig:
        known = {f.name for f in dataclasses.fields(cls)}
        extra = set(data) - known
        if extra:
            raise PpocrError(f"unknown training option(s) {sorted(extra)}")
        data = dict(data)
        data["augment_off"] = tuple(data.get("augment_off", ()))
        data["font_dir"] = tuple(data.get("font_dir", ()))
        data["background_dir"] = tuple(data.get("background_dir", ()))
        data.setdefault("realism", "legacy")  # a run from before the realism options
        # a rec/cls run from before --line-source pages streamed drawn lines; det reads no lines,
        # so its old runs are the same run under today's default
        if data.get("task") != "det":
            data.setdefault("line_source", "drawn")
        return cls(**data)

    def command(self) -> str:
        """The ``ppocr-bench train`` command line of this config (non-default options only)."""
        parts = [f"ppocr-bench train {self.task}", f"--preset {self.preset_name}",
                 f"--data {self.data}"]
        defaults = TrainConfig(task=self.task, data=self.data, out=self.out, steps=1)
        for f in dataclasses.fields(self):
            if f.name in ("task", "data", "preset"):
                continue
            value = getattr(self, f.name)
            if f.name in ("steps", "epochs") and value is None:
                continue
            if f.name not in ("out", "steps", "epochs") and value == getattr(defaults, f.name):
                continue
            flag = "--" + f.name.replace("_", "-")
            if f.name == "overrides":
                parts += [f"--arg {k}={json.dumps(v)}" for k, v in value.items()]
            elif f.name == "augment_off":
                parts += [f"--no-aug {name}" for name in value]
            elif f.name in ("font_dir", "background_dir"):
                parts += [f"--{f.name.replace('_', '-')} {name}" for name in value]
            elif isinstance(value, bool):
                parts.append(flag if value else f"--no-{f.name.replace('_', '-')}")
            else:
                parts.append(f"{flag} {value}")
        return " ".join(parts)

    def recipe(self) -> str:
        """One line for a zoo card: optimizer, schedule, regularization, augmentation."""
        aug = [a for a in AUGMENTATIONS[self.task] if self.aug_on(a)]
        length = f"{self.steps} steps" if self.steps else f"{self.epochs} epochs"
        return (f"ppocr-bench train {self.task}: Adam lr {self.lr:g} {self.schedule} + warm-up "
                f"{self.warmup_steps if self.warmup_steps is not None else 'auto'}, L2 {self.l2:g}, "
                f"grad clip {self.grad_clip}, batch {self.batch_size}, {length}, seed {self.seed}, "
                f"augment {'+'.join(aug) or 'none'}"
                + (f", crop {self.det_size}" if self.task == "det" else "")
                + (f", int8 QAT {self.quant}" if self.quant else ""))


def option_flag(name: str) -> str:
    """The ``ppocr-bench train`` flag of a :class:`TrainConfig` field (``batch_size`` ->
    ``--batch-size``; ``overrides`` -> ``--arg``, ``augment_off`` -> ``--no-aug``)."""
    special = {"overrides": "--arg", "augment_off": "--no-aug", "task": "task"}
    return special.get(name, "--" + name.replace("_", "-"))


def parse_overrides(items: list[str] | tuple[str, ...]) -> dict[str, Any]:
    """Preset overrides from ``KEY=JSON`` items (the CLI's ``--arg``):
    ``["input_size=[3, 32, 160]", "scale=0.5"]`` -> ``{"input_size": [3, 32, 160], "scale": 0.5}``.
    A later item wins over an earlier one of the same key."""
    overrides: dict[str, Any] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise PpocrError(f"--arg must look like KEY=JSON, got {item!r}")
        try:
            overrides[key.strip()] = json.loads(value)
        except ValueError:
            raise PpocrError(f"--arg {item}: the value is not JSON") from None
    return overrides


def save_config(config: TrainConfig, path: Path, paths: dict[str, Any] | None = None,
                records: dict[str, Any] | None = None) -> None:
    """Write ``config`` as JSON; ``paths``: where its file options lie, kept under ``"paths"``
    (see :func:`ppocr_bench.train.run_folder.save_run_config`); ``records``: more of
    :data:`RECORDS` (``"stream"``: what a stream draws with)."""
    from ppocr_bench.train.checkpoints import atomic_write_text

    data = (config.to_dict() | ({"paths": paths} if paths is not None else {})
            | dict(records or {}))
    atomic_write_text(path, json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n")


def read_config_file(path: Path) -> tuple[TrainConfig, dict[str, Any]]:
    """The config saved in ``path`` and its ``"paths"`` record (empty for runs made before
    paths were recorded)."""
    return read_config_records(path)[:2]  # type: ignore[return-value]


def read_config_records(path: Path) -> tuple[TrainConfig, dict[str, Any], dict[str, Any]]:
    """The config saved in ``path``, its ``"paths"`` record and its other :data:`RECORDS`."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        paths = data.pop("paths", None) or {}
        records = {name: data.pop(name) for name in RECORDS if name in data}
        return TrainConfig.from_dict(data), paths, records
    except (OSError, ValueError, TypeError) as exc:
        raise PpocrError(f"{path}: unreadable training config ({exc})") from None


def load_config(path: Path) -> TrainConfig:
    return read_config_file(path)[0]
