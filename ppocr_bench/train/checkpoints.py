"""Run-folder checkpoints: weights (safetensors, via ``save_weights``) + training state.

``RUN_DIR/ckpt/step_00000123.safetensors`` holds the model (with preset, spec and charset);
``RUN_DIR/ckpt/step_00000123.state.pt`` (``torch.save``, our own state, never distributed)
holds the step, the optimizer state, the best validation score so far and the RNG states. The
state file is written last, so a checkpoint counts only when its state file exists; both are
written to a temporary name and renamed (atomic on POSIX), so a kill never leaves a torn file.
The data order needs no state: the sampler derives it from (seed, step).
"""

from __future__ import annotations

import os
import pickle
import random
import re
from pathlib import Path
from typing import Any

import numpy as np
import torch

from ppocr_bench.errors import PpocrError
from ppocr_bench.models import OcrModel, save_weights

CKPT_DIR = "ckpt"
_STATE = re.compile(r"^step_(\d{8})\.state\.pt$")


def atomic_write_text(path: Path, text: str) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def atomic_save_weights(model: OcrModel, path: Path) -> None:
    """``save_weights`` to a temporary file, then rename over ``path``."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    save_weights(model, tmp)
    os.replace(tmp, path)


def rng_state() -> dict[str, Any]:
    state = {"torch": torch.get_rng_state(), "numpy": np.random.get_state(),
             "python": random.getstate()}
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def set_rng_state(state: dict[str, Any]) -> None:
    torch.set_rng_state(state["torch"])
    np.random.set_state(state["numpy"])
    random.setstate(state["python"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


def weights_path(run_dir: Path, step: int) -> Path:
    return Path(run_dir) / CKPT_DIR / f"step_{step:08d}.safetensors"


def state_path(run_dir: Path, step: int) -> Path:
    return Path(run_dir) / CKPT_DIR / f"step_{step:08d}.state.pt"


def save_checkpoint(run_dir: Path, model: OcrModel, step: int, state: dict[str, Any],
                    keep: int = 3) -> Path:
    """Write the weights, then the state (``state`` plus step and RNG states); remove all but
    the ``keep`` newest checkpoints. Returns the weights path."""
    weights = weights_path(run_dir, step)
    weights.parent.mkdir(parents=True, exist_ok=True)
    atomic_save_weights(model, weights)
    target = state_path(run_dir, step)
    tmp = target.with_name(f".{target.name}.tmp")
    torch.save({**state, "step": step, "rng": rng_state()}, tmp)
    os.replace(tmp, target)
    if keep > 0:
        for old in list_checkpoints(run_dir)[:-keep]:
            weights_path(run_dir, old).unlink(missing_ok=True)
            state_path(run_dir, old).unlink(missing_ok=True)
    return weights


def list_checkpoints(run_dir: Path) -> list[int]:
    """Steps of the complete checkpoints of a run, oldest first."""
    folder = Path(run_dir) / CKPT_DIR
    if not folder.is_dir():
        return []
    steps = [int(m.group(1)) for p in folder.iterdir() if (m := _STATE.match(p.name))]
    return sorted(s for s in steps if weights_path(run_dir, s).is_file())


def load_state(run_dir: Path, step: int | None = None) -> dict[str, Any]:
    """The training state of checkpoint ``step`` (default: the newest)."""
    steps = list_checkpoints(run_dir)
    if not steps:
        raise PpocrError(f"{run_dir}: no checkpoint to resume from (nothing in {CKPT_DIR}/)")
    step = steps[-1] if step is None else step
    if step not in steps:
        raise PpocrError(f"{run_dir}: no checkpoint at step {step} (have {steps})")
    try:
        return torch.load(state_path(run_dir, step), map_location="cpu", weights_only=False)
    except (OSError, RuntimeError, EOFError, ValueError, pickle.UnpicklingError) as exc:
        raise PpocrError(f"{state_path(run_dir, step)}: unreadable training state ({exc})") \
            from None
