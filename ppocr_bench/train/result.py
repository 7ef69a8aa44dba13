"""``RunResult``: what one training invocation did, and its summary for people."""

from __future__ import annotations

import shlex
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class RunResult:
    """What a (possibly partial) training invocation did. ``train_seconds``: training time of
    the whole run (resumed invocations included); ``samples_per_s``: of this invocation.
    ``metric``: the validation metric that chooses ``best_weights`` (det hmean, cls/rec acc)."""

    run_dir: Path
    step: int
    total_steps: int
    final_weights: Path | None
    best_weights: Path | None
    best_metric: float | None
    best_step: int | None
    val_metrics: dict[str, float] = field(default_factory=dict)
    best_metrics: dict[str, float] = field(default_factory=dict)
    train_seconds: float = 0.0
    samples_per_s: float = 0.0
    skipped: dict[str, Any] = field(default_factory=dict)
    resumed_from: int | None = None
    task: str = ""
    metric: str = ""
    device: str = ""

    @property
    def finished(self) -> bool:
        return self.step >= self.total_steps

    def resume_command(self) -> str:
        """The command that continues this run."""
        return f"ppocr-bench train {self.task} --out {shlex.quote(str(self.run_dir))} --resume"

    def summary(self) -> str:
        """A few lines for the end of ``ppocr-bench train``: steps, time, speed, best metric
        and where the weights are; the resume command when the run stopped early."""
        resumed = f", resumed at step {self.resumed_from}" if self.resumed_from is not None else ""
        lines = [f"{self.task} {'finished' if self.finished else 'stopped'}: step {self.step} of "
                 f"{self.total_steps}{resumed}; {format_duration(self.train_seconds)} of "
                 f"training, {self.samples_per_s:.1f} samples/s on {self.device or '?'}"]
        if self.best_metric is not None:
            lines.append(f"best {self.metric} {self.best_metric:.4f} at step {self.best_step}: "
                         f"{self.best_weights}")
        elif self.val_metrics:
            lines.append("validation: " + ", ".join(f"{k} {v:.4f}"
                                                    for k, v in self.val_metrics.items()))
        if self.final_weights is not None:
            lines.append(f"final weights: {self.final_weights}")
        else:
            lines.append(f"to continue: {self.resume_command()}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("run_dir", "final_weights", "best_weights"):
            data[key] = None if data[key] is None else str(data[key])
        return data


def format_duration(seconds: float) -> str:
    """``42.0`` -> "42.0 s", ``754`` -> "12 min 34 s", ``7384`` -> "2 h 03 min"."""
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(int(round(seconds)), 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"
