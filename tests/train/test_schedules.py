import itertools
import json
import math

import pytest

from ppocr_bench.errors import PpocrError
from ppocr_bench.train import TrainConfig, load_run_config, resume_config, train
from ppocr_bench.train.schedules import SCHEDULES, constant_warmup_lr, cosine_warmup_lr


@pytest.mark.parametrize(("step", "expected"), [
    (0, 0.25e-3),      # warm-up: (0 + 1) / 4
    (1, 0.5e-3),
    (3, 1e-3),         # last warm-up step reaches the base lr
    (4, 1e-3),         # first cosine step: cos(0)
    (9, 0.5e-3),       # half-way through the 10 cosine steps
    (13, 1e-3 * 0.5 * (1 + math.cos(math.pi * 9 / 10))),
])
def test_cosine_with_warmup_known_values(step, expected):
    lr = cosine_warmup_lr(step, base_lr=1e-3, total_steps=14, warmup_steps=4)
    assert lr == pytest.approx(expected, rel=1e-12)


def test_no_warmup_and_end_lr():
    assert cosine_warmup_lr(0, base_lr=1.0, total_steps=10) == 1.0
    assert cosine_warmup_lr(5, base_lr=1.0, total_steps=10, end_lr=0.2) == pytest.approx(0.6)
    # beyond the end it stays at end_lr
    assert cosine_warmup_lr(10, base_lr=1.0, total_steps=10, end_lr=0.2) == pytest.approx(0.2)


def test_monotone_after_warmup():
    lrs = [cosine_warmup_lr(s, base_lr=1e-3, total_steps=50, warmup_steps=5) for s in range(50)]
    assert all(a < b for a, b in itertools.pairwise(lrs[:5]))    # warm-up rises
    assert all(a >= b for a, b in itertools.pairwise(lrs[4:]))   # then decays


@pytest.mark.parametrize("kwargs", [{"total_steps": 0}, {"total_steps": 5, "warmup_steps": 6}])
def test_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        cosine_warmup_lr(0, base_lr=1e-3, **kwargs)


def test_constant_keeps_the_rate_after_the_warmup():
    lrs = [constant_warmup_lr(s, base_lr=1e-3, total_steps=5, warmup_steps=2) for s in range(5)]
    assert lrs == pytest.approx([0.5e-3, 1e-3, 1e-3, 1e-3, 1e-3], rel=1e-12)
    assert constant_warmup_lr(0, base_lr=2.0, total_steps=3) == 2.0
    assert set(SCHEDULES) == {"cosine", "constant"}
    with pytest.raises(ValueError, match="no end_lr"):
        constant_warmup_lr(0, base_lr=1e-3, total_steps=5, end_lr=1e-4)
    with pytest.raises(ValueError):
        constant_warmup_lr(0, base_lr=1e-3, total_steps=5, warmup_steps=6)


def _cls(data, out, **kw):
    return TrainConfig(task="cls", data=str(data), out=str(out), workers=0, threads=1,
                       device="cpu", overrides={"input_size": (3, 48, 96)}, batch_size=4,
                       max_samples=4, **kw)


def test_bad_schedules_are_one_line_errors(tmp_path):
    with pytest.raises(PpocrError, match="--schedule must be cosine or constant, not 'step'"):
        _cls(tmp_path, tmp_path / "r", steps=1, schedule="step")
    with pytest.raises(PpocrError, match="--end-lr is where the cosine schedule ends"):
        _cls(tmp_path, tmp_path / "r", steps=1, schedule="constant", end_lr=1e-5)


def test_a_constant_run_is_recorded_and_resumes_with_its_schedule(synth_en, tmp_path):
    config = _cls(synth_en, tmp_path / "run", steps=4, warmup_steps=2, schedule="constant",
                  lr=1e-3)
    assert "--schedule constant" in config.command() and "constant + warm-up" in config.recipe()
    assert train(config, stop_at=2).step == 2
    assert json.loads((tmp_path / "run/config.json").read_text())["schedule"] == "constant"
    with pytest.raises(PpocrError, match=r"changed: --schedule cosine \(the run: constant\)"):
        resume_config(tmp_path / "run", {"schedule": "cosine"})
    assert train(load_run_config(tmp_path / "run"), resume=True).step == 4
    lrs = [r["lr"] for r in map(json.loads, (tmp_path / "run/log.jsonl").read_text()
                                .splitlines()) if r["kind"] == "train"]
    assert lrs == pytest.approx([0.5e-3, 1e-3, 1e-3, 1e-3], rel=1e-12)
