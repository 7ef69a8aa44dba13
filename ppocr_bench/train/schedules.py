"""Learning-rate schedules of PP-OCR, pure functions of the step: linear warm-up, then cosine
decay (PaddleOCR ``Cosine`` with ``warmup_epoch``) or a constant rate (the paper's ablation rows
without cosine decay).

``lr(step)`` for step = 0 .. total_steps - 1 (the step about to be taken):

- warm-up, step < warmup_steps: ``base_lr * (step + 1) / warmup_steps`` (never exactly 0, so the
  first step already moves the weights; the last warm-up step reaches ``base_lr``);
- after, ``cosine``: ``end_lr + (base_lr - end_lr) * 0.5 * (1 + cos(pi * t / T))`` with
  t = step - warmup_steps and T = total_steps - warmup_steps, so the first step after warm-up
  uses ``base_lr`` and the lr decays towards ``end_lr`` (reached at step = total_steps);
- after, ``constant``: ``base_lr`` to the end (no ``end_lr``).

:data:`SCHEDULES` maps the names ``TrainConfig.schedule`` (``--schedule``) takes to them.
"""

from __future__ import annotations

import math


def _check(step: int, total_steps: int, warmup_steps: int) -> None:
    if total_steps <= 0:
        raise ValueError(f"total_steps must be positive, got {total_steps}")
    if not 0 <= warmup_steps <= total_steps:
        raise ValueError(f"warmup_steps must be in [0, {total_steps}], got {warmup_steps}")
    if step < 0:
        raise ValueError(f"step must be >= 0, got {step}")


def cosine_warmup_lr(
    step: int, *, base_lr: float, total_steps: int, warmup_steps: int = 0, end_lr: float = 0.0
) -> float:
    """The learning rate for 0-based ``step`` (see the module docstring)."""
    _check(step, total_steps, warmup_steps)
    if step < warmup_steps:
        return base_lr * (step + 1) / warmup_steps
    span = total_steps - warmup_steps
    t = min(step - warmup_steps, span)
    return end_lr + (base_lr - end_lr) * 0.5 * (1.0 + math.cos(math.pi * t / span))


def constant_warmup_lr(
    step: int, *, base_lr: float, total_steps: int, warmup_steps: int = 0, end_lr: float = 0.0
) -> float:
    """The warm-up of :func:`cosine_warmup_lr`, then ``base_lr`` to the end. A constant rate
    has no end: ``end_lr`` other than 0 is a ValueError."""
    _check(step, total_steps, warmup_steps)
    if end_lr:
        raise ValueError(f"a constant schedule has no end_lr, got {end_lr}")
    if step < warmup_steps:
        return base_lr * (step + 1) / warmup_steps
    return base_lr


#: ``TrainConfig.schedule`` -> the schedule (same keyword arguments).
SCHEDULES = {"cosine": cosine_warmup_lr, "constant": constant_warmup_lr}


def set_lr(optimizer, lr: float) -> None:
    """Write ``lr`` into every parameter group of ``optimizer``."""
    for group in optimizer.param_groups:
        group["lr"] = lr
