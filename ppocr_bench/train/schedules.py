"""Learning-rate schedule of PP-OCR: linear warm-up, then cosine decay (PaddleOCR ``Cosine``
with ``warmup_epoch``), as a pure function of the step.

``lr(step)`` for step = 0 .. total_steps - 1 (the step about to be taken):

- warm-up, step < warmup_steps: ``base_lr * (step + 1) / warmup_steps`` (never exactly 0, so the
  first step already moves the weights; the last warm-up step reaches ``base_lr``);
- after: ``end_lr + (base_lr - end_lr) * 0.5 * (1 + cos(pi * t / T))`` with
  t = step - warmup_steps and T = total_steps - warmup_steps, so the first step after warm-up
  uses ``base_lr`` and the lr decays towards ``end_lr`` (reached at step = total_steps).
"""

from __future__ import annotations

import math


def cosine_warmup_lr(
    step: int, *, base_lr: float, total_steps: int, warmup_steps: int = 0, end_lr: float = 0.0
) -> float:
    """The learning rate for 0-based ``step`` (see the module docstring)."""
    if total_steps <= 0:
        raise ValueError(f"total_steps must be positive, got {total_steps}")
    if not 0 <= warmup_steps <= total_steps:
        raise ValueError(f"warmup_steps must be in [0, {total_steps}], got {warmup_steps}")
    if step < 0:
        raise ValueError(f"step must be >= 0, got {step}")
    if step < warmup_steps:
        return base_lr * (step + 1) / warmup_steps
    span = total_steps - warmup_steps
    t = min(step - warmup_steps, span)
    return end_lr + (base_lr - end_lr) * 0.5 * (1.0 + math.cos(math.pi * t / span))


def set_lr(optimizer, lr: float) -> None:
    """Write ``lr`` into every parameter group of ``optimizer``."""
    for group in optimizer.param_groups:
        group["lr"] = lr
