"""``TrainConfig``: everything that decides a training run, frozen and JSON round-trippable.

Task defaults follow the PP-OCR recipes (PAPER.md): Adam lr 1e-3, cosine decay with linear
warm-up, L2 1e-5 for the recognizer (0 for det and cls, as PaddleOCR's mobile configs), batch 8
(the paper's 8/GPU for det; cls/rec used 512/256 on GPUs, far beyond a 2-core CPU).
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
from ppocr_bench.train.det_augment import DetAugment
from ppocr_bench.train.line_augment import LineAugment
from ppocr_bench.train.randaugment import RandAugment

WEIGHT_DECAY = {"det": 0.0, "cls": 0.0, "rec": 1e-5}
DEFAULT_PRESET = {"det": "det_mv3_db", "cls": "cls_mv3", "rec": "rec_mv3_crnn"}
METRIC = {"det": "hmean", "cls": "acc", "rec": "acc"}
MAX_TEXT_LENGTH = 25

#: Options that may change when a run is resumed: they decide how it runs, not what it learns.
OPERATIONAL = ("device", "workers", "threads", "log_every", "ckpt_every", "eval_every")
#: Options that name files; config.json records where they were (see :mod:`.run_folder`).
PATH_OPTIONS = ("data", "val", "init", "charset")

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
    warmup_steps: None -> min(2 epochs, 10 % of the steps). weight_decay: coupled L2 (Paddle's
    ``L2Decay``); None -> task default. grad_clip: max global grad norm, None = off.
    augment: False turns all augmentation off; augment_off: names from :data:`AUGMENTATIONS`
    to switch off one by one. det_size: square training crop (paper 640/960). max_samples: use
    only the first N label lines (overfitting tests). workers: DataLoader processes (None: auto,
    cores // 2); threads: torch threads (None: the remaining cores, so workers + threads = all
    cores; on a shared, busy machine 1 thread is often faster than 2). device: "auto" (cuda if available),
    "cpu", "cuda", "cuda:N". eval_every / ckpt_every: steps, 0 = only at the end.
    init: weights to start from; init_charset: rec with another charset: "extend" (keep the
    init charset, append the data's new characters) or "remap" (use ``charset`` as given, copy
    shared rows); charset: rec dictionary file (one char a line), "lang:XX" for a language's
    corpus charset, or None to derive it from the training labels.
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
    charset: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "augment_off", tuple(self.augment_off))
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
        if self.init_charset not in ("extend", "remap"):
            raise PpocrError(f"init_charset must be extend or remap, not {self.init_charset!r}")
        if self.task == "det" and self.det_size % 32:
            raise PpocrError(f"det_size must be a multiple of 32, got {self.det_size}")

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
        return (os.cpu_count() or 2) // 2 if self.workers is None else self.workers

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["augment_off"] = list(self.augment_off)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrainConfig:
        known = {f.name for f in dataclasses.fields(cls)}
        extra = set(data) - known
        if extra:
            raise PpocrError(f"unknown training option(s) {sorted(extra)}")
        data = dict(data)
        data["augment_off"] = tuple(data.get("augment_off", ()))
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
            elif isinstance(value, bool):
                parts.append(flag if value else f"--no-{f.name.replace('_', '-')}")
            else:
                parts.append(f"{flag} {value}")
        return " ".join(parts)

    def recipe(self) -> str:
        """One line for a zoo card: optimizer, schedule, regularization, augmentation."""
        aug = [a for a in AUGMENTATIONS[self.task] if self.aug_on(a)]
        length = f"{self.steps} steps" if self.steps else f"{self.epochs} epochs"
        return (f"ppocr-bench train {self.task}: Adam lr {self.lr:g} cosine + warm-up "
                f"{self.warmup_steps if self.warmup_steps is not None else 'auto'}, L2 {self.l2:g}, "
                f"grad clip {self.grad_clip}, batch {self.batch_size}, {length}, seed {self.seed}, "
                f"augment {'+'.join(aug) or 'none'}"
                + (f", crop {self.det_size}" if self.task == "det" else ""))


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


def save_config(config: TrainConfig, path: Path, paths: dict[str, Any] | None = None) -> None:
    """Write ``config`` as JSON; ``paths``: where its file options lie, kept under ``"paths"``
    (see :func:`ppocr_bench.train.run_folder.save_run_config`)."""
    from ppocr_bench.train.checkpoints import atomic_write_text

    data = config.to_dict() | ({"paths": paths} if paths is not None else {})
    atomic_write_text(path, json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n")


def read_config_file(path: Path) -> tuple[TrainConfig, dict[str, Any]]:
    """The config saved in ``path`` and its ``"paths"`` record (empty for runs made before
    paths were recorded)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        paths = data.pop("paths", None) or {}
        return TrainConfig.from_dict(data), paths
    except (OSError, ValueError, TypeError) as exc:
        raise PpocrError(f"{path}: unreadable training config ({exc})") from None


def load_config(path: Path) -> TrainConfig:
    return read_config_file(path)[0]
