"""The sensitivity scan on a stub metric (deterministic), the ratios a loss threshold picks and
the threshold a FLOPs target needs."""

from __future__ import annotations

import json

import pytest
import torch
from prune_cases import small_model

from ppocr_bench.errors import PpocrError
from ppocr_bench.slim.flops import count_flops, lstm_flops
from ppocr_bench.slim.fpgm import prune_count
from ppocr_bench.slim.graph import prunable_groups
from ppocr_bench.slim.prune import prune_model
from ppocr_bench.slim.sensitivity import (
    RATIOS,
    Sensitivity,
    plot_sensitivity,
    ratios_for_flops,
    ratios_for_loss,
    relative_loss,
    scan_sensitivity,
    write_sensitivity,
)

#: layer -> how much of the stub metric pruning all of it would cost
COSTS = {"backbone.stem.0": 0.02, "backbone.blocks.3.project.0": 0.1,
         "backbone.last_conv.0": 0.4}


def stub_metric(full: dict[str, int]):
    """metric = 0.9 - sum over COSTS of cost * (share of the layer's channels pruned)."""
    def metric(model) -> float:
        return 0.9 - sum(cost * (1 - model.get_submodule(name).out_channels / full[name])
                         for name, cost in COSTS.items())
    return metric


@pytest.fixture(scope="module")
def scanned():
    model = small_model("cls_mv3")
    full = {name: model.get_submodule(name).out_channels for name in COSTS}
    before = {k: v.clone() for k, v in model.state_dict().items()}
    tries = []
    result = scan_sensitivity(model, stub_metric(full), layers=list(COSTS),
                              on_try=lambda *t: tries.append(t))
    return model, full, before, tries, result


def test_losses_are_relative_metric_drops_per_layer_and_ratio(scanned):
    _model, full, _, tries, result = scanned
    assert result.baseline == pytest.approx(0.9)
    assert [(layer, ratio) for layer, ratio, _ in tries] == [
        (layer, ratio) for layer in COSTS for ratio in RATIOS]
    for layer, cost in COSTS.items():
        for ratio, loss in result.losses[layer].items():
            share = prune_count(full[layer], ratio) / full[layer]
            assert loss == pytest.approx((cost * share) / (0.9 + 1e-3))
            assert loss == pytest.approx(relative_loss(0.9, 0.9 - cost * share))


def test_the_model_is_the_same_after_every_try(scanned):
    model, _, before, _, _ = scanned
    assert model.spec.pruned is None and not model.training
    for key, value in model.state_dict().items():
        assert torch.equal(value, before[key]), key


@pytest.mark.parametrize("threshold", [0.005, 0.02, 0.05, 0.2])
def test_each_layer_gets_the_largest_ratio_its_losses_allow(scanned, threshold):
    _, _, _, _, result = scanned
    chosen = ratios_for_loss(result, threshold)
    for layer, losses in result.losses.items():
        fitting = [r for r in RATIOS if losses[r] <= threshold]
        if not fitting:
            assert layer not in chosen
            continue
        low = max(fitting)
        assert low <= chosen[layer] <= (low + 0.1 if low < 0.9 else 0.9)
        above = [r for r in RATIOS if r > low]
        if above:
            assert losses[above[0]] > threshold
    assert "backbone.stem.0" in chosen  # its losses stay below 0.02 / 0.901
    if threshold < 0.01:
        assert "backbone.last_conv.0" not in chosen


def test_threshold_interpolates_between_neighbouring_ratios():
    scan = Sensitivity(0.8, {
        "a": {0.1: 0.0, 0.2: 0.01, 0.3: 0.03},
        "b": {0.1: 0.05, 0.2: 0.1},
        "c": {0.1: 0.0, 0.2: 0.0},
        "d": {0.1: 0.0, 0.2: 0.05, 0.3: 0.01, 0.4: 0.06},  # not monotone: PaddleSlim's rule
    })
    assert ratios_for_loss(scan, 0.02) == pytest.approx({"a": 0.25, "c": 0.2, "d": 0.32})


def test_flops_target_bisects_to_the_smallest_threshold_that_meets_it(scanned):
    model, _, _, _, result = scanned
    base = count_flops(model)
    choice = ratios_for_flops(model, result, 0.1)
    assert choice.removed >= 0.1
    assert choice.removed == pytest.approx(
        (base - count_flops(prune_model(model, choice.ratios))) / base)
    lower = ratios_for_loss(result, choice.threshold - 1e-6)
    removed = (base - count_flops(prune_model(model, lower))) / base if lower else 0.0
    assert removed < 0.1
    with pytest.raises(PpocrError, match="FLOPs target 0.9 out of reach"):
        ratios_for_flops(model, result, 0.9)
    with pytest.raises(PpocrError, match="out of reach: a loss threshold of 0.001"):
        ratios_for_flops(model, result, 0.1, max_loss=0.001)
    with pytest.raises(PpocrError, match="must lie in \\(0, 1\\)"):
        ratios_for_flops(model, result, 1.5)


def test_lstm_flops_count_both_directions_and_layers():
    lstm = torch.nn.LSTM(10, 4, num_layers=2, bidirectional=True, batch_first=True)
    # layer 0: 2 dirs * 2 * 16 * (10 + 4); layer 1: 2 * 2 * 16 * (8 + 4), per step
    assert lstm_flops(lstm, 3) == 3 * (2 * 2 * 16 * 14 + 2 * 2 * 16 * 12)


def test_the_table_and_plot_are_written(scanned, tmp_path):
    _, _, _, _, result = scanned
    path = write_sensitivity(result, tmp_path / "scan.json", threshold=0.02)
    data = json.loads(path.read_text())
    assert data["threshold"] == 0.02 and Sensitivity.from_json(data) == result
    png = plot_sensitivity(result, tmp_path / "scan.png", 0.02)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 5000


def test_previous_losses_are_not_measured_again(scanned):
    model, full, _, _, result = scanned
    calls = []

    def counting(m):
        calls.append(m)
        return stub_metric(full)(m)

    again = scan_sensitivity(model, counting, layers=list(COSTS), previous=result)
    assert again == result and calls == []
    assert set(prunable_groups(model)) >= set(COSTS)
