import itertools
import math

import pytest

from ppocr_bench.train.schedules import cosine_warmup_lr


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
