"""``plot_run(run_dir)``: loss and validation curves of a run as PNG (matplotlib, Agg)."""

from __future__ import annotations

import json
from pathlib import Path

from ppocr_bench.errors import PpocrError

LOSS_KEYS = ("loss", "loss_shrink", "loss_thresh", "loss_binary")
METRIC_KEYS = ("hmean", "precision", "recall", "acc", "norm_edit_dis")


def read_log(run_dir: Path) -> list[dict]:
    path = Path(run_dir) / "log.jsonl"
    if not path.is_file():
        raise PpocrError(f"{run_dir}: no log.jsonl (not a training run folder)")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def plot_run(run_dir: str | Path, out_dir: str | Path | None = None) -> list[Path]:
    """Write ``loss.png`` (loss terms and lr against step) and, when the run was validated,
    ``metrics.png`` into ``out_dir`` (default ``RUN_DIR/plots``). Returns the files written."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    run_dir = Path(run_dir)
    records = read_log(run_dir)
    out = Path(out_dir) if out_dir else run_dir / "plots"
    out.mkdir(parents=True, exist_ok=True)
    train = [r for r in records if r.get("kind") == "train"]
    val = [r for r in records if r.get("kind") == "val"]
    written = []
    if train:
        fig, (ax, ax_lr) = plt.subplots(2, 1, figsize=(8, 6), sharex=True,
                                         gridspec_kw={"height_ratios": [3, 1]})
        steps = [r["step"] for r in train]
        for key in LOSS_KEYS:
            if key in train[0]:
                ax.plot(steps, [r[key] for r in train], label=key, lw=1.2 if key == "loss" else 0.8)
        ax.set_ylabel("loss")
        ax.set_yscale("log" if min(r["loss"] for r in train) > 0 else "linear")
        ax.legend()
        ax.grid(alpha=0.3)
        ax_lr.plot(steps, [r["lr"] for r in train], color="tab:gray")
        ax_lr.set_ylabel("lr")
        ax_lr.set_xlabel("step")
        ax.set_title(run_dir.name)
        fig.tight_layout()
        written.append(out / "loss.png")
        fig.savefig(written[-1], dpi=100)
        plt.close(fig)
    if val:
        fig, ax = plt.subplots(figsize=(8, 4))
        steps = [r["step"] for r in val]
        for key in METRIC_KEYS:
            if key in val[0]:
                ax.plot(steps, [r[key] for r in val], marker="o", label=key)
        ax.set_xlabel("step")
        ax.set_ylabel("validation")
        ax.set_ylim(0, 1)
        ax.legend()
        ax.grid(alpha=0.3)
        ax.set_title(run_dir.name)
        fig.tight_layout()
        written.append(out / "metrics.png")
        fig.savefig(written[-1], dpi=100)
        plt.close(fig)
    return written
