"""Pruning removes channels for real: smaller layers, the forward contract kept, the parameter
count down by what the pruned layers held, the shape stored and rebuilt from the weights."""

from __future__ import annotations

import copy

import numpy as np
import pytest
import torch
from prune_cases import CHARSET, PRESETS, SMALL, outputs, small_batch, small_model
from torch import nn

from ppocr_bench.errors import PpocrError
from ppocr_bench.inference.backends import OnnxRunner, TorchRunner
from ppocr_bench.inference.export import export_onnx
from ppocr_bench.models import PRESETS as ALL_PRESETS
from ppocr_bench.models import (
    count_parameters,
    create_model,
    load_model,
    read_weights_info,
    save_weights,
)
from ppocr_bench.slim.fpgm import fpgm_pruned, prune_count
from ppocr_bench.slim.graph import prunable_groups
from ppocr_bench.slim.prune import prune_model, remove_channels
from ppocr_bench.slim.quant import quantize_model

RATIOS = (0.2, 0.35, 0.5, 0.7)


def mixed_ratios(model) -> dict[str, float]:
    """Every prunable group at one of :data:`RATIOS`, in turn."""
    return {name: RATIOS[i % len(RATIOS)] for i, name in enumerate(prunable_groups(model))}


@pytest.fixture(scope="module", params=PRESETS)
def pruned(request):
    model = small_model(request.param)
    ratios = mixed_ratios(model)
    return request.param, model, ratios, prune_model(model, ratios)


def test_each_group_loses_round_n_ratio_filters(pruned):
    _, model, ratios, smaller = pruned
    for name, ratio in ratios.items():
        n = model.get_submodule(name).out_channels
        layer = smaller.get_submodule(name)
        assert layer.out_channels == layer.weight.shape[0] == n - min(round(n * ratio), n - 1)
    assert dict(smaller.spec.pruned) == {n: smaller.get_submodule(n).out_channels
                                         for n in ratios}


@pytest.mark.parametrize("preset", PRESETS)
def test_the_filters_kept_are_those_fpgm_scores_highest(preset):
    model = small_model(preset)
    for name in list(prunable_groups(model))[1::12]:
        weight = model.get_submodule(name).weight
        gone = fpgm_pruned(weight, 0.4)
        kept = [i for i in range(weight.shape[0]) if i not in gone]
        assert len(gone) == prune_count(weight.shape[0], 0.4) > 0
        smaller = prune_model(model, {name: 0.4})
        assert torch.equal(smaller.get_submodule(name).weight, weight[kept]), name


def test_the_original_is_left_as_it_was(pruned):
    preset, model, _, _ = pruned
    fresh = small_model(preset)
    assert model.spec.pruned is None
    for key, value in fresh.state_dict().items():
        assert torch.equal(model.state_dict()[key], value), key


def test_forward_contract_and_channel_attributes_hold(pruned):
    preset, model, _, smaller = pruned
    images = small_batch(preset)
    expected = outputs(model, images)
    got = outputs(smaller, images)
    assert [t.shape for t in got] == [t.shape for t in expected]
    assert all(torch.isfinite(t).all() for t in got)
    with torch.no_grad():
        features = smaller.backbone(images)
        maps = features if isinstance(features, list) else [features]
        widths = [m.shape[1] for m in maps]
        assert smaller.backbone.out_channels == (widths if isinstance(features, list)
                                                 else widths[0])
        assert smaller.neck(features).shape[-1 if preset == "rec_mv3_crnn" else 1] == \
            smaller.neck.out_channels
    for module in smaller.modules():
        if isinstance(module, nn.BatchNorm2d):
            assert module.running_mean.shape == (module.num_features,)
    loss = sum(t.float().mean() for t in smaller.train()(images)) if preset.startswith(
        "det") else smaller.train()(images).mean()
    loss.backward()
    assert all(p.grad is not None for p in smaller.parameters())


def _layer_params_per_channel(module: nn.Module, role: str) -> int:
    """Parameters one channel of ``module`` holds: as an output filter, an input channel, or a
    per-channel layer's channel."""
    if isinstance(module, nn.BatchNorm2d):
        return 2
    if isinstance(module, nn.LSTM):
        return 4 * module.hidden_size * (2 if module.bidirectional else 1)
    if isinstance(module, nn.Linear):
        return module.out_features
    kernel = module.weight[0, 0].numel()
    if module.groups > 1:  # depthwise: its channel is its filter
        return kernel + (module.bias is not None)
    if role == "out":
        return module.in_channels * kernel + (module.bias is not None)
    return (module.out_channels if isinstance(module, nn.Conv2d) else
            module.weight.shape[1]) * kernel


@pytest.mark.parametrize("preset", PRESETS)
def test_parameter_count_falls_by_what_the_pruned_channels_held(preset):
    model = small_model(preset)
    groups = prunable_groups(model)
    # one group at a time (the drops add up exactly): a single conv, a residual chain or
    # squeeze-excite tie, and the last group (read by the FPN, the LSTM or the classifier)
    chains = [n for n, g in groups.items() if len(g.producers) > 1]
    for name in dict.fromkeys([next(iter(groups)), chains[-1], list(groups)[-1]]):
        group, ratio = groups[name], 0.5
        removed = prune_count(group.size, ratio)
        expected = sum(removed * _layer_params_per_channel(model.get_submodule(p), "out")
                       for p in group.producers)
        expected += sum(removed * len(slots[0]) * _layer_params_per_channel(
            model.get_submodule(layer), "in") for layer, slots in group.slots.items())
        smaller = prune_model(model, {name: ratio})
        assert count_parameters(model) - count_parameters(smaller) == expected, name


def test_export_to_onnx_matches_torch(pruned, tmp_path):
    preset, _, _, smaller = pruned
    path = export_onnx(smaller, tmp_path / f"{preset}.onnx")
    torch_run, onnx_run = TorchRunner(smaller.eval(), threads=1), OnnxRunner(path, threads=1)
    rng = np.random.default_rng(3)
    c, h, w = smaller.input_size
    shapes = {"det": [(1, c, 64, 96), (2, c, 96, 64)], "cls": [(1, c, h, w), (3, c, h, w)],
              "rec": [(1, c, h, 64), (2, c, h, 160)]}[SMALL[preset][2]]
    for shape in shapes:
        x = rng.standard_normal(shape).astype(np.float32)
        expected, got = torch_run(x), onnx_run(x)
        assert got.shape == expected.shape
        assert float(np.abs(got - expected).max()) < 1e-4, shape


def test_save_and_load_rebuild_the_pruned_network(pruned, tmp_path):
    preset, _, _, smaller = pruned
    save_weights(smaller, tmp_path / "pruned.safetensors")
    info = read_weights_info(tmp_path / "pruned.safetensors")
    assert info.spec["pruned"] == dict(smaller.spec.pruned)
    loaded = load_model(tmp_path / "pruned.safetensors")
    assert loaded.spec == smaller.spec and count_parameters(loaded) == count_parameters(smaller)
    images = small_batch(preset)
    for a, b in zip(outputs(smaller, images), outputs(loaded, images)):
        assert torch.equal(a, b)
    rebuilt = create_model(preset, charset=smaller.charset, **smaller.spec.to_dict())
    assert {k: v.shape for k, v in rebuilt.state_dict().items()} == \
        {k: v.shape for k, v in smaller.state_dict().items()}


def test_pruning_a_pruned_model_again_keeps_the_shape_in_the_spec(tmp_path):
    preset = "cls_mv3"
    model = small_model(preset)
    smaller = prune_model(model, mixed_ratios(model))
    first = next(iter(prunable_groups(model)))
    again = prune_model(smaller, {first: 0.5})
    assert dict(again.spec.pruned)[first] == smaller.get_submodule(first).out_channels - \
        prune_count(smaller.get_submodule(first).out_channels, 0.5)
    save_weights(again, tmp_path / "again.safetensors")
    loaded = load_model(tmp_path / "again.safetensors")
    images = small_batch(preset)
    assert torch.equal(outputs(again, images)[-1], outputs(loaded, images)[-1])


@pytest.mark.parametrize("name, needle", [
    ("backbone.nothing", "no such layer in rec_mv3_crnn (prunable layers: backbone.stem.0"),
    ("backbone.blocks.3.depthwise.0", "a depthwise conv: pruned in step with the conv"),
    ("backbone.blocks.4.project.0", ("pruned with its group: name its leader "
                                    "backbone.blocks.3.project.0")),
    ("head.fc", "a Linear, not a conv that FPGM prunes"),
])
def test_a_layer_that_is_no_prunable_leader_is_an_error_saying_why(name, needle):
    with pytest.raises(PpocrError, match="^" + name.replace(".", r"\.") + ": ") as error:
        prune_model(small_model("rec_mv3_crnn"), {name: 0.5})
    assert needle in str(error.value)


def test_db_head_ratio_and_bad_shapes_are_errors():
    det = small_model("det_mv3_db")
    with pytest.raises(PpocrError, match="head.prob.0: not prunable: in the DB head"):
        prune_model(det, {"head.prob.0": 0.5})
    with pytest.raises(PpocrError, match="must lie in \\(0, 1\\), got 1.0"):
        prune_model(det, {"neck.smooth.0": 1.0})
    overrides = SMALL["det_mv3_db"][0]
    with pytest.raises(PpocrError, match="neck.smooth.0 keeps 9 channels; it has 4"):
        create_model("det_mv3_db", **overrides, pruned={"neck.smooth.0": 9})
    with pytest.raises(PpocrError, match="pruned must map layer names to positive"):
        create_model("det_mv3_db", **overrides, pruned={"neck.smooth.0": 0})
    with pytest.raises(PpocrError, match="quantisation-aware \\(pact\\) model: prune the float"):
        prune_model(quantize_model(small_model("cls_mv3")), {"backbone.stem.0": 0.5})


def _ignore_channels(model, removals) -> None:
    """Zero the input weights with which every conv, transposed conv, linear and LSTM reads
    the channels ``removals`` takes away, so the network no longer depends on them."""
    with torch.no_grad():
        for group, channels in removals:
            for name, per_channel in group.slots.items():
                layer = model.get_submodule(name)
                columns = [j for k in channels for j in per_channel[k]]
                if isinstance(layer, nn.LSTM):
                    layer.weight_ih_l0[:, columns] = 0
                    layer.weight_ih_l0_reverse[:, columns] = 0
                elif isinstance(layer, nn.ConvTranspose2d):
                    layer.weight[columns] = 0
                elif isinstance(layer, (nn.Linear, nn.Conv2d)) and (
                        isinstance(layer, nn.Linear) or layer.groups == 1):
                    layer.weight[:, columns] = 0


def _same_function_without_the_pruned_channels(model, images) -> None:
    groups = prunable_groups(model)
    removals = [(g, fpgm_pruned(model.get_submodule(n).weight, RATIOS[i % len(RATIOS)]))
                for i, (n, g) in enumerate(groups.items())]
    _ignore_channels(model, removals)
    smaller = copy.deepcopy(model)
    remove_channels(smaller, removals)
    assert count_parameters(smaller) < count_parameters(model)
    # in float64: training-mode BatchNorm over tiny maps would magnify float32 rounding
    images = images.double()
    for full, cut in zip(outputs(model.double(), images), outputs(smaller.double(), images)):
        assert torch.allclose(full, cut, atol=1e-10, rtol=1e-9), (full - cut).abs().max()


@pytest.mark.parametrize("preset", PRESETS)
def test_the_pruned_network_is_the_full_one_when_it_ignores_the_pruned_channels(preset):
    """Every reader of a pruned channel is in its group: once those readers ignore it (zero
    input weights), removing the channels changes nothing."""
    _same_function_without_the_pruned_channels(small_model(preset), small_batch(preset))


@pytest.mark.slow
@pytest.mark.parametrize("preset", [p for p in ALL_PRESETS if p not in SMALL])
def test_every_other_preset_prunes_to_the_same_function(preset):
    torch.manual_seed(0)
    spec = ALL_PRESETS[preset]
    model = create_model(preset, charset=CHARSET if spec.task.value == "rec" else None).eval()
    c, h, _ = spec.input_size
    images = torch.randn(1, c, 64 if spec.task.value == "det" else h, 64)
    _same_function_without_the_pruned_channels(model, images)
