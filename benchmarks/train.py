"""Training throughput against the network's own limit: per task, in one run, the model-only
rate (forward + loss + backward + Adam step on batches already in memory, the same shapes,
batch and threads as the pipeline), `ppocr-bench train` from a dataset folder and from streaming
synthesis (`--data synth:LANG`), with default options, their ratios, main at an older commit
side by side (a temporary worktree), and a profile of where a step's time goes. Writes the
``train`` section of BENCHMARKS.md and benchmarks/train.png.

    python benchmarks/train.py [--steps 16] [--det-steps 5] [--rounds 2] [--old b10e97a]

Modes are measured in rounds (each case's modes one after the other, then again) and the median
taken, so a busy spell of a shared machine hits every mode alike.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import machine, write_section  # noqa: E402

from ppocr_bench.data.images import read_image  # noqa: E402
from ppocr_bench.synth.pipeline import SynthSpec, run_synth  # noqa: E402
from ppocr_bench.train import TrainConfig, tasks, train  # noqa: E402
from ppocr_bench.train.datasets import ResumableBatchSampler  # noqa: E402
from ppocr_bench.train.line_augment import line_augment  # noqa: E402
from ppocr_bench.train.stream import stream_rng  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CASES = [  # name, task, language, charset
    ("det", "det", "en", None),
    ("cls", "cls", "en", None),
    ("rec en", "rec", "en", "lang:en"),
    ("rec zh", "rec", "zh", "lang:zh"),
]


def run_rate(log: Path, skip: int) -> float:
    """Samples over seconds of the logged steps after the first ``skip`` (the harmonic mean
    of the per-step rates: rec steps differ in width, so their rates differ)."""
    rates = [r["samples_per_s"] for r in map(json.loads, log.read_text().splitlines())
             if r.get("kind") == "train" and r["step"] > skip]
    return float(len(rates) / np.sum(1.0 / np.asarray(rates)))


def wait_share(log: Path, skip: int) -> float:
    """Mean share of a step's time the trainer waited for its batch (log ``data_share``)."""
    shares = [r["data_share"] for r in map(json.loads, log.read_text().splitlines())
              if r.get("kind") == "train" and r["step"] > skip]
    return float(np.mean(shares))


def config_for(task: str, data: str, out: Path, charset: str | None, steps: int,
               **kw) -> TrainConfig:
    return TrainConfig(task=task, data=data, out=str(out), steps=steps, charset=charset,
                       warmup_steps=0, **kw)


def batches(config: TrainConfig, n: int):
    """The model and ``n`` real training batches of ``config`` (rendered, augmented, collated
    by the pipeline itself, in this process)."""
    model = tasks.build_model(config, Path(config.out), False, [])
    train_set, _ = tasks.datasets(config, model, with_val=False)
    lengths, collate = tasks.loader_parts(config, train_set, model)
    sampler = ResumableBatchSampler(len(train_set), config.batch_size, config.seed, n,
                                    shuffle=False, lengths=lengths)
    loader = torch.utils.data.DataLoader(train_set, batch_sampler=sampler, collate_fn=collate)
    return model, train_set, list(loader)


def model_only(config: TrainConfig, steps: int) -> tuple[float, dict[str, float], str]:
    """(samples/s, ms per step by stage, top operators) on batches already in memory."""
    model, _, data = batches(config, max(steps, 2))
    tasks.to_device(model, torch.device("cpu"))
    torch.set_num_threads(config.num_threads())
    model.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-4, weight_decay=config.l2)
    stages = {"forward + loss": 0.0, "backward": 0.0, "optimizer": 0.0}

    def step(batch, timed: bool) -> None:
        t0 = time.perf_counter()
        losses = tasks.loss(model, config.task, batch, torch.device("cpu"))
        t1 = time.perf_counter()
        optimizer.zero_grad(set_to_none=True)
        losses["loss"].backward()
        t2 = time.perf_counter()
        optimizer.step()
        t3 = time.perf_counter()
        if timed:
            for name, dt in zip(stages, (t1 - t0, t2 - t1, t3 - t2)):
                stages[name] += dt

    step(data[0], False)  # warm-up: oneDNN primitives, allocator
    started = time.perf_counter()
    for batch in data:
        step(batch, True)
    elapsed = time.perf_counter() - started
    samples = sum(len(b["image"]) for b in data)
    from torch.profiler import ProfilerActivity, profile

    with profile(activities=[ProfilerActivity.CPU]) as prof:
        step(data[0], False)
    events = sorted(prof.key_averages(), key=lambda e: e.self_cpu_time_total, reverse=True)
    total = sum(e.self_cpu_time_total for e in events) or 1
    top = ", ".join(f"{e.key.removeprefix('aten::')} {100 * e.self_cpu_time_total / total:.0f}%"
                    for e in events[:4])
    return samples / elapsed, {k: 1000 * v / len(data) for k, v in stages.items()}, top


def data_profile(config: TrainConfig, folder: Path | None, n: int) -> dict[str, float]:
    """ms per sample of the data stages, one thread: decode (folder), render (stream),
    augmentation, and the rest of a sample (resize, normalize, labels, DB targets)."""
    cv2.setNumThreads(1)
    model = tasks.build_model(config, Path(config.out), False, [])
    train_set, _ = tasks.datasets(config, model, with_val=False)
    keys = [(0, i % len(train_set)) for i in range(n)]
    started = time.perf_counter()
    for key in keys:
        train_set[key]
    whole = 1000 * (time.perf_counter() - started) / n
    out = {"sample": whole}
    if config.task == "det":
        return out
    aug = config.line_augment()
    if folder is not None:
        paths = [train_set.root / train_set.items[k[1]][0] for k in keys]
        t = time.perf_counter()
        images = [read_image(p) for p in paths]
        out["decode"] = 1000 * (time.perf_counter() - t) / n
    else:
        lines = train_set.lines
        t = time.perf_counter()
        images = [lines.draw(stream_rng(0, 0, i), model.input_size[1])[1] for i in range(n)]
        out["render"] = 1000 * (time.perf_counter() - t) / n
    t = time.perf_counter()
    for i, image in enumerate(images):
        line_augment(image, aug, np.random.default_rng(i))
    out["augment"] = 1000 * (time.perf_counter() - t) / n
    return out


def collate_ms(config: TrainConfig) -> float:
    model, train_set, _ = batches(config, 1)
    samples = [train_set[(0, i)] for i in range(config.batch_size)]
    _, collate = tasks.loader_parts(config, train_set, model)
    collate = collate or torch.utils.data.default_collate
    t = time.perf_counter()
    for _ in range(20):
        collate(samples)
    return 1000 * (time.perf_counter() - t) / 20


def old_rate(worktree: Path, task: str, folder: Path, charset: str | None, steps: int,
             out: Path) -> float:
    """`ppocr-bench train` of the old commit, its default options, on the same folder."""
    cmd = [sys.executable, "-c", "import sys; sys.path.insert(0, sys.argv[1]); "
           "from ppocr_bench.cli import app; app(sys.argv[2:], prog_name='ppocr-bench')",
           str(worktree), "train", task, "--data", str(folder), "--out", str(out), "--steps",
           str(steps), "--warmup-steps", "0"] + (["--charset", charset] if charset else [])
    subprocess.run(cmd, check=True, capture_output=True, cwd=worktree,
                   env={**os.environ, "PYTHONPATH": str(worktree)})
    return run_rate(out / "log.jsonl", skip=1 if task == "det" else 2)


def check_old(worktree: Path) -> None:
    probe = subprocess.run([sys.executable, "-c", "import sys; sys.path.insert(0, sys.argv[1]);"
                            " import ppocr_bench; print(ppocr_bench.__file__)", str(worktree)],
                           capture_output=True, text=True, cwd=worktree,
                           env={**os.environ, "PYTHONPATH": str(worktree)}, check=True)
    if not probe.stdout.strip().startswith(str(worktree)):
        raise SystemExit(f"the old commit's package does not load from {worktree}: "
                         f"{probe.stdout.strip()}")


def plot(rows: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    modes = [("model folder", "model only (folder batches)"), ("folder", "folder"),
             ("model stream", "model only (stream batches)"), ("stream", "stream"),
             ("old", "old commit, folder")]
    fig, ax = plt.subplots(figsize=(9, 3.8))
    x = np.arange(len(rows))
    for k, (key, label) in enumerate(modes):
        ax.bar(x + (k - 2) * 0.16, [r.get(key, 0) for r in rows], 0.16, label=label)
    ax.set_xticks(x, [r["case"] for r in rows])
    ax.set_ylabel("samples / s (log)")
    ax.set_yscale("log")
    ax.legend(fontsize=8)
    ax.set_title("ppocr-bench train throughput, 2-core CPU")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=16)
    parser.add_argument("--det-steps", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--images", type=int, default=40, help="pages of each folder")
    parser.add_argument("--old", default="b10e97a", help="commit to measure beside ('' off)")
    parser.add_argument("--cases", default=",".join(c[0] for c in CASES))
    args = parser.parse_args()
    cases = [c for c in CASES if c[0] in args.cases.split(",")]
    started = time.time()
    rates: dict[tuple[str, str], list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        worktree = None
        if args.old:
            worktree = tmp_path / "old"
            subprocess.run(["git", "worktree", "add", "--detach", str(worktree), args.old],
                           cwd=ROOT, check=True, capture_output=True)
            check_old(worktree)
        folders = {}
        for lang in sorted({c[2] for c in cases}):
            folders[lang] = tmp_path / f"data-{lang}"
            run_synth(SynthSpec(lang, count=args.images, seed=5), folders[lang], workers=2)
        try:
            profiles = {}
            for rnd in range(args.rounds):
                for name, task, lang, charset in cases:
                    steps = args.det_steps if task == "det" else args.steps
                    key = f"{name.replace(' ', '-')}-{rnd}"
                    base = config_for(task, f"synth:{lang}", tmp_path / f"m-{key}", charset, steps)
                    for mode, data in (("folder", str(folders[lang])), ("stream", f"synth:{lang}")):
                        # the model alone on this mode's own batches (same shapes), then the run
                        cfg = config_for(task, data, tmp_path / f"m{mode}-{key}", charset, steps)
                        rate, stages, top = model_only(cfg, steps)
                        rates.setdefault((name, f"model {mode}"), []).append(rate)
                        out = tmp_path / f"{mode}-{key}"
                        train(config_for(task, data, out, charset, steps))
                        skip = 1 if task == "det" else 2
                        rates.setdefault((name, mode), []).append(run_rate(out / "log.jsonl", skip))
                        rates.setdefault((name, f"wait {mode}"), []).append(
                            wait_share(out / "log.jsonl", skip))
                    if worktree is not None:
                        rates.setdefault((name, "old"), []).append(old_rate(
                            worktree, task, folders[lang], charset, steps,
                            tmp_path / f"old-{key}"))
                    if rnd == 0:
                        prof = {"model": stages, "top": top, "batch": base.batch_size,
                                "threads": base.num_threads(), "workers": base.num_workers()}
                        prof["stream"] = data_profile(base, None, 8 if task == "det" else 200)
                        folder_cfg = config_for(task, str(folders[lang]), base.out, charset, 1)
                        prof["folder"] = data_profile(folder_cfg, folders[lang],
                                                      8 if task == "det" else 200)
                        prof["collate"] = collate_ms(base)
                        profiles[name] = prof
                    print(name, {m: f"{v[-1]:.1f}" for (n, m), v in rates.items() if n == name},
                          flush=True)
        finally:
            if worktree is not None:
                subprocess.run(["git", "worktree", "remove", "--force", str(worktree)], cwd=ROOT,
                               check=False, capture_output=True)
    write(args, cases, rates, profiles, time.time() - started)


def write(args, cases, rates, profiles, seconds: float) -> None:
    rows, table = [], []
    for name, task, lang, charset in cases:
        row = {"case": name, **{m: float(np.median(v)) for (n, m), v in rates.items() if n == name}}
        rows.append(row)
        p = profiles[name]
        old = (f"{row['old']:.1f} | {row['stream'] / row['old']:.1f}x / "
               f"{row['folder'] / row['old']:.1f}x") if "old" in row else "- | -"
        table.append(f"| {name} | {p['batch']} | {p['workers']} + {p['threads']} | "
                     f"{row['model folder']:.1f} | {row['folder']:.1f} | "
                     f"{row['folder'] / row['model folder']:.2f} | {row['model stream']:.1f} | "
                     f"{row['stream']:.1f} | {row['stream'] / row['model stream']:.2f} | {old} |")
    prof_rows = []
    for name, *_ in cases:
        p = profiles[name]
        m, s, f = p["model"], p["stream"], p["folder"]
        def ms(d, key):
            return f"{d[key]:.1f}" if key in d else "-"

        row = next(r for r in rows if r["case"] == name)
        data = (f"{ms(f, 'decode')} / {ms(s, 'render')} / {ms(s, 'augment')} / "
                f"{ms(f, 'sample')} / {ms(s, 'sample')}")
        wait = f"{row['wait folder']:.2f} / {row['wait stream']:.2f}"
        prof_rows.append(f"| {name} | {data} | {p['collate']:.1f} | {wait} | "
                         f"{m['forward + loss']:.0f} | "
                         f"{m['backward']:.0f} | {m['optimizer']:.0f} | {p['top']} |")
    path = Path(__file__).resolve().parent / "train.png"
    plot(rows, path)
    command = (f"python benchmarks/train.py --steps {args.steps} --det-steps {args.det_steps} "
               f"--rounds {args.rounds} --images {args.images} --old {args.old}")
    write_section("train", "\n".join([
        "## Training throughput: the pipeline against the network's limit", "",
        f"Command: `{command}`  ",
        f"Machine: {machine()}; {time.strftime('%Y-%m-%d')}; whole run {seconds / 60:.1f} min", "",
        "samples/s, median over the rounds (each: samples over seconds of the logged steps "
        "after warm-up). "
        "model only: forward + loss + backward + Adam step on batches already in memory (the "
        "pipeline's own batches: same shapes, batch and threads). folder: `ppocr-bench train` "
        "on a synth folder; stream: `ppocr-bench train --data synth:LANG`; both with the default "
        f"options. old: `ppocr-bench train` of {args.old} with its defaults on the same folder; "
        "its ratio is stream / old and folder / old. det: det_mv3_db, 640 crops; cls: cls_mv3 "
        "3x48x192; rec: rec_mv3_crnn 3x32xW (W <= 320, batches of one length bucket, see "
        "README), the en charset (104 classes + blank) and the zh one (6,6xx).", "",
        "| case | batch | workers + threads | model only, folder batches | folder | folder / "
        "model | model only, stream batches | stream | stream / model | old | new / old "
        "(stream, folder) |",
        "|---|---|---|---|---|---|---|---|---|---|---|", *table, "",
        "Where a step goes (first round). Data, ms per sample on one core: decode (folder JPEG) / "
        "render (stream line, page for det) / augmentation (BDA + TIA) / whole folder sample / "
        "whole stream sample; collate: ms per batch; wait: share of a training step spent "
        "waiting for its batch in the runs above (folder / stream, the log's `data_share`); the "
        "model (stream batches): ms per step; top operators: share of a model step's CPU time "
        "(torch.profiler).", "",
        "| case | data ms/sample | collate ms | wait | forward + loss ms | backward ms | "
        "optimizer ms | top operators |", "|---|---|---|---|---|---|---|---|", *prof_rows, "",
        "![train throughput](benchmarks/train.png)"]))


if __name__ == "__main__":
    main()
