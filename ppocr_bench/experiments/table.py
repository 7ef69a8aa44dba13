"""What an experiment table is: plain data (no YAML).

A :class:`Table` has :class:`Part`\\ s, one per model trained (``rec`` Latin, ``det``, ...). A
part holds the base training options (any :class:`~ppocr_bench.train.TrainConfig` field: the
preset, streamed data and its ``realism``, ``init``, batch size, ``overrides`` of the preset,
``augment_off`` ...), its :class:`Row`\\ s (each changes some of those options) and the
:class:`EvalSet`\\ s every row is scored on. The runner (:mod:`.runner`) trains each row
``budget`` steps for each seed and scores it; the paper's own figures for a row, where a table
reproduces one of its tables, ride along in ``Row.paper`` and are shown in their own columns.
A row may start from another row's final weights (``Row.init_from``), FPGM-pruned first
(``Row.prune``): the paper's prune-then-fine-tune step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ppocr_bench import REPO_ROOT
from ppocr_bench.errors import PpocrError

#: Metrics a task is scored by, in column order.
METRICS = {"det": ("hmean", "precision", "recall"), "cls": ("acc",),
           "rec": ("acc", "norm_edit_dis")}
#: Column titles of the metrics.
METRIC_NAMES = {"hmean": "det hmean", "precision": "precision", "recall": "recall",
                "acc": "accuracy", "norm_edit_dis": "1-NED"}
#: Real ICDAR 2015 photos (300 images, 1,346 word crops) in the synth layout, where present.
REAL_IC15 = "../shared/real/ic15-train-300"


@dataclass(frozen=True)
class EvalSet:
    """A folder in the synth layout (det/, cls/, rec/) a part is scored on.

    ``path``: None for the default synthetic eval set of ``lang`` (built when absent);
    otherwise relative to the repository root (``../shared/real/...``) or absolute.
    ``optional``: a missing folder is skipped (noted in the results) instead of an error.
    ``limit``: score only the first ``limit`` images (det) or lines (rec, cls).
    """

    name: str
    lang: str
    path: str | None = None
    optional: bool = False
    limit: int | None = None

    def folder(self) -> Path | None:
        """Where the set lies (None: absent and optional); builds a default set when needed."""
        if self.path is None:
            from ppocr_bench.eval.sets import default_eval_set

            return default_eval_set(self.lang)
        path = Path(self.path)
        path = path if path.is_absolute() else (REPO_ROOT / path).resolve()
        if path.is_dir():
            return path
        if self.optional:
            return None
        raise PpocrError(f"{path}: eval set {self.name!r} does not exist")


@dataclass(frozen=True)
class Row:
    """One row: the part's base options changed by ``options``. ``paper``: the paper's figures
    for the row (column -> value), shown beside ours and never mixed with them.

    ``init_from``: an earlier row of the part whose final weights (of the same seed) this row
    starts from, the runner training that row first; ``prune``: those weights FPGM-pruned
    first, this share of every prunable layer's filters (:mod:`ppocr_bench.slim`), in (0, 1).
    """

    name: str
    options: dict[str, Any] = field(default_factory=dict)
    note: str = ""
    paper: dict[str, float] = field(default_factory=dict)
    init_from: str = ""
    prune: float | None = None

    def __post_init__(self) -> None:
        if self.prune is not None and not (self.init_from and 0.0 < self.prune < 1.0):
            raise PpocrError(f"row {self.name}: prune needs init_from (the row it prunes) and "
                             f"a ratio in (0, 1), got {self.prune}")
        if self.init_from and "init" in self.options:
            raise PpocrError(f"row {self.name}: give init_from or an init option, not both")


@dataclass(frozen=True)
class Part:
    """One model of a table, trained once per row and seed."""

    name: str
    task: str
    base: dict[str, Any]
    rows: tuple[Row, ...]
    evals: tuple[EvalSet, ...]
    #: the row every other row is compared with (deltas in the report)
    reference: str = ""
    #: this part trains ``round(budget * budget_scale)`` steps (a det step costs more)
    budget_scale: float = 1.0

    def steps(self, budget: int) -> int:
        return max(1, round(budget * self.budget_scale))

    def __post_init__(self) -> None:
        if self.task not in METRICS:
            raise PpocrError(f"part {self.name}: task must be det, cls or rec, not {self.task!r}")
        names = [row.name for row in self.rows]
        if len(set(names)) != len(names):
            raise PpocrError(f"part {self.name}: row names repeat ({', '.join(names)})")
        for i, row in enumerate(self.rows):
            if row.init_from and row.init_from not in names[:i]:
                raise PpocrError(f"part {self.name}: row {row.name} starts from "
                                 f"{row.init_from!r}, which is no earlier row")
        if self.reference and self.reference not in names:
            raise PpocrError(f"part {self.name}: reference row {self.reference!r} is not a row")

    def row(self, name: str) -> Row:
        for row in self.rows:
            if row.name == name:
                return row
        raise PpocrError(f"part {self.name}: no row {name!r}; rows: "
                         f"{', '.join(r.name for r in self.rows)}")


@dataclass(frozen=True)
class Table:
    """A named experiment: parts, the default budget (steps per run) and seeds."""

    name: str
    title: str
    parts: tuple[Part, ...]
    budget: int
    seeds: int = 2
    description: str = ""

    def part(self, name: str) -> Part:
        for part in self.parts:
            if part.name == name:
                return part
        raise PpocrError(f"table {self.name}: no part {name!r}; parts: "
                         f"{', '.join(p.name for p in self.parts)}")
