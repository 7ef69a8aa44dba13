"""The summary ``ppocr-bench train`` ends with, and preset overrides parsed from KEY=JSON."""

from pathlib import Path

import pytest

from ppocr_bench.errors import PpocrError
from ppocr_bench.train import RunResult, parse_overrides
from ppocr_bench.train.result import format_duration


def _result(**kw):
    base = dict(run_dir=Path("runs/my run"), step=4, total_steps=4,
                final_weights=Path("runs/my run/final.safetensors"),
                best_weights=Path("runs/my run/best.safetensors"), best_metric=0.8125,
                best_step=3, train_seconds=754.2, samples_per_s=12.34, task="rec",
                metric="acc", device="cpu")
    return RunResult(**{**base, **kw})


def test_summary_of_a_finished_run():
    assert _result().summary() == (
        "rec finished: step 4 of 4; 12 min 34 s of training, 12.3 samples/s on cpu\n"
        "best acc 0.8125 at step 3: runs/my run/best.safetensors\n"
        "final weights: runs/my run/final.safetensors")


def test_summary_of_a_stopped_run_says_how_to_continue():
    text = _result(step=2, final_weights=None, best_metric=None, best_weights=None,
                   best_step=None, resumed_from=1).summary()
    assert text == ("rec stopped: step 2 of 4, resumed at step 1; 12 min 34 s of training, "
                    "12.3 samples/s on cpu\n"
                    "to continue: ppocr-bench train rec --out 'runs/my run' --resume")
    assert "RunResult(" not in text


@pytest.mark.parametrize("seconds, text", [(0.04, "0.0 s"), (59.94, "59.9 s"),
                                           (60, "1 min 00 s"), (3599.4, "59 min 59 s"),
                                           (7384, "2 h 03 min")])
def test_format_duration(seconds, text):
    assert format_duration(seconds) == text


def test_parse_overrides():
    assert parse_overrides(["input_size=[3, 32, 160]", "scale=0.5", "name=\"x=y\""]) == \
        {"input_size": [3, 32, 160], "scale": 0.5, "name": "x=y"}
    assert parse_overrides([]) == {}
    with pytest.raises(PpocrError, match=r"--arg must look like KEY=JSON, got 'scale'"):
        parse_overrides(["scale"])
    with pytest.raises(PpocrError, match=r"--arg scale=big: the value is not JSON"):
        parse_overrides(["scale=big"])
