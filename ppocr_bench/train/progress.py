"""The progress protocol of :func:`ppocr_bench.train.train` and a rich adapter for the CLI.

Library code never prints: it calls ``start`` once, ``step`` after each logged training step
(with the record written to log.jsonl plus ``eta_s``), ``evaluated`` after each validation and
``message`` for warnings (skipped rec lines, charset remaps, resumes).
"""

from __future__ import annotations

from typing import Any, Protocol


class TrainProgress(Protocol):
    def start(self, total_steps: int, first_step: int) -> None: ...

    def step(self, record: dict[str, Any]) -> None: ...

    def evaluated(self, step: int, metrics: dict[str, float]) -> None: ...

    def message(self, text: str) -> None: ...


class NullProgress:
    """Does nothing (the default)."""

    def start(self, total_steps: int, first_step: int) -> None:
        pass

    def step(self, record: dict[str, Any]) -> None:
        pass

    def evaluated(self, step: int, metrics: dict[str, float]) -> None:
        pass

    def message(self, text: str) -> None:
        pass


class RichTrainProgress:
    """Drives a ``rich.progress.Progress`` (created and started by the caller): one task whose
    description shows loss, lr, samples/s and the last validation score; messages go to the
    progress console. Use ``TextColumn("{task.description}")``, a bar and ``TimeRemainingColumn``.
    """

    def __init__(self, progress: Any, label: str = "train") -> None:
        self.progress, self.label, self.task_id = progress, label, None
        self.last_val = ""

    def start(self, total_steps: int, first_step: int) -> None:
        self.task_id = self.progress.add_task(self.label, total=total_steps, completed=first_step)

    def step(self, record: dict[str, Any]) -> None:
        text = (f"{self.label} loss {record['loss']:.4f} lr {record['lr']:.2e} "
                f"{record['samples_per_s']:.1f} samples/s eta {record['eta_s'] / 60:.1f} min"
                f"{self.last_val}")
        self.progress.update(self.task_id, completed=record["step"], description=text)

    def evaluated(self, step: int, metrics: dict[str, float]) -> None:
        shown = {k: v for k, v in metrics.items() if k in ("hmean", "acc", "norm_edit_dis")}
        self.last_val = " | val " + " ".join(f"{k} {v:.4f}" for k, v in shown.items())

    def message(self, text: str) -> None:
        self.progress.console.log(text)
