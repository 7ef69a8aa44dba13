"""`ppocr-bench train` as a user runs it: the summary, resuming a copied run from another
directory, refused option changes, the device given with --resume, and one-line errors for bad
input before any work."""

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from cli_run import one_line_error

import ppocr_bench

ROOT = str(Path(ppocr_bench.__file__).resolve().parents[1])

TINY = ["--batch-size", "4", "--max-samples", "4", "--workers", "0", "--threads", "1",
        "--arg", "input_size=[3, 48, 96]"]


def run(*args, cwd) -> subprocess.CompletedProcess:
    """The CLI of this checkout, run in ``cwd``."""
    path = os.pathsep.join(p for p in (ROOT, os.environ.get("PYTHONPATH")) if p)
    return subprocess.run([sys.executable, "-m", "ppocr_bench", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "200", "PYTHONPATH": path})


def snapshot(folder):
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def stopped(tiny_set, tmp_path):
    """proj/runs/r1: a cls run of proj/data/en stopped at step 2 of 3, made from inside proj."""
    proj = tmp_path / "proj"
    shutil.copytree(tiny_set, proj / "data" / "en")
    proc = run("train", "cls", "--data", "data/en", "--out", "runs/r1", "--steps", 3,
               "--stop-at", 2, *TINY, cwd=proj)
    assert proc.returncode == 0, proc.stderr
    assert "cls stopped: step 2 of 3;" in proc.stdout and "RunResult(" not in proc.stdout
    assert "to continue: ppocr-bench train cls --out runs/r1 --resume" in proc.stdout
    return proj


def test_a_copy_resumes_from_another_directory_with_the_device_given(stopped, tmp_path):
    before = snapshot(stopped / "runs/r1")
    shutil.copytree(stopped / "runs/r1", stopped / "runs/r1c")
    proc = run("train", "cls", "--out", stopped / "runs/r1c", "--resume", "--device", "cpu",
               "--workers", 0, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert f"resumed {stopped / 'runs/r1c'} at step 2" in proc.stdout
    assert "cls finished: step 3 of 3, resumed at step 2;" in proc.stdout
    assert "samples/s on cpu" in proc.stdout
    assert f"final weights: {stopped / 'runs/r1c/final.safetensors'}" in proc.stdout
    assert snapshot(stopped / "runs/r1") == before


def test_resume_refuses_changed_options_in_one_line(stopped):
    before = snapshot(stopped / "runs/r1")
    proc = run("train", "cls", "--out", "runs/r1", "--resume", "--steps", 30, "--charset",
               "lang:ja", "--batch-size", 4, "--workers", 0, cwd=stopped)
    one_line_error(proc, "changed: --steps 30 (the run: 3), --charset lang:ja (the run: none); "
                         "only --device, --workers,")
    proc = run("train", "det", "--out", "runs/r1", "--resume", cwd=stopped)
    one_line_error(proc, "changed: task det (the run: cls)")
    if not torch.cuda.is_available():  # --device is honoured, not dropped
        one_line_error(run("train", "cls", "--out", "runs/r1", "--resume", "--device", "cuda",
                           cwd=stopped), "device cuda asked for but CUDA is not available")
    assert snapshot(stopped / "runs/r1") == before


def test_bad_train_input_is_one_line_before_any_work(tiny_set, tmp_path):
    (tmp_path / "file").write_text("x")
    for out, needle in ((tmp_path / "file" / "run", "run: cannot write here"),
                        ("/sys/ppocr-run", "/sys/ppocr-run: cannot write here")):
        one_line_error(run("train", "cls", "--data", tiny_set, "--out", out, "--steps", 1,
                           *TINY, cwd=tmp_path), needle)
    one_line_error(run("train", "cls", "--out", "r", "--steps", 1, cwd=tmp_path),
                   "--data: missing")
    one_line_error(run("train", "cls", "--data", tiny_set, "--out", "r", "--steps", 1,
                       "--arg", "scale", cwd=tmp_path), "--arg must look like KEY=JSON")
    data = tmp_path / "en"
    shutil.copytree(tiny_set, data)
    first = (data / "cls/cls_gt.txt").read_text().splitlines()[0].split("\t")[0]
    (data / "cls" / first).unlink()
    one_line_error(run("train", "cls", "--data", data, "--out", "r", "--steps", 1, *TINY,
                       cwd=tmp_path), f"cls_gt.txt:1: image {first} not found (1 of 4 listed")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["en", "file"]  # nothing written


def test_schedule_option_is_checked_in_one_line(tiny_set, tmp_path):
    one_line_error(run("train", "cls", "--data", tiny_set, "--out", "r", "--steps", 1,
                       "--schedule", "step", *TINY, cwd=tmp_path),
                   "--schedule must be cosine or constant, not 'step'")
    one_line_error(run("train", "cls", "--data", tiny_set, "--out", "r", "--steps", 1,
                       "--schedule", "constant", "--end-lr", "1e-5", *TINY, cwd=tmp_path),
                   "--end-lr is where the cosine schedule ends")
    assert not (tmp_path / "r").exists()
