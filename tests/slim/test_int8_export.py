"""int8 ONNX export of PACT-trained models: the QDQ graph holds the QAT model's int8 weights
and scales, onnxruntime runs it with the torch QAT model's outputs (within one step), and
the int8 weights are what the size counts.

The parity bound: both sides compute the same quantised arithmetic in float32, in other
orders (onnxruntime also folds BN into the conv), so a value within float error of a rounding
boundary may take the neighbouring code at one layer and shift what follows by a fraction of a
step. So each output (det probabilities, cls / rec softmax, all in [0, 1]) must lie within
one int8 step of that range, 1/127, of torch's. cls and rec outputs must also be float-equal
(:data:`FLOAT_TOL`) but for at most :data:`FLIPPED` of their elements (a flip stays local; an
integer kernel that saturates, as onnxruntime's u8s8 MatMul does on AVX2, moves them all); not
det: at test sizes its coarsest maps are a few pixels, and one flip there moves most of the
map by a fraction of a step. That the graph holds each layer's own int8 weights, scales and
clip bounds (on the int8 codes: K = round(min(alpha, s) * 127 / s)) is checked exactly, layer
by layer.
"""

from __future__ import annotations

import numpy as np
import onnx
import pytest
import torch
from qat_fixtures import TASK, TINY, calibrated, qat_model, tiny_model
from safetensors.torch import load_file

from ppocr_bench.eval.bench import size_mb
from ppocr_bench.inference.backends import OnnxRunner, TorchRunner
from ppocr_bench.inference.export import export_onnx
from ppocr_bench.models import load_model, save_weights
from ppocr_bench.slim.graph import prunable_groups
from ppocr_bench.slim.int8 import (
    deployed_bytes,
    graph_constants,
    onnx_weight_bytes,
    qat_weight_bytes,
)
from ppocr_bench.slim.prune import prune_model
from ppocr_bench.slim.quant import LEVELS, quant_layers, quantize_model, weight_scales

STEP = 1 / 127
FLOAT_TOL = 1e-5
FLIPPED = 0.01
#: preset -> input shapes other than the traced one (dynamic axes)
OTHER_SHAPES = {"det_mv3_db": (2, 3, 64, 96), "cls_mv3": (3, 3, 48, 192),
                "rec_mv3_crnn": (1, 3, 32, 160)}


def _inputs(preset: str) -> list[np.ndarray]:
    rng = np.random.default_rng(7)
    return [rng.standard_normal(s).astype(np.float32)
            for s in (TINY[preset][1], OTHER_SHAPES[preset])]


def _called_layers(model, x: np.ndarray) -> dict[str, torch.Tensor]:
    """Quantised layer name -> int8 codes of its input, for the layers an eval forward of
    ``x`` calls (the det head's threshold branch runs in training only)."""
    codes: dict[str, torch.Tensor] = {}
    hooks = [layer.input_quant.register_forward_hook(
        lambda mod, args, out, name=name: codes.__setitem__(
            name, torch.round(out * LEVELS / mod.scale)))
        for name, layer in quant_layers(model).items()]
    with torch.no_grad():
        model(torch.from_numpy(x))
    for hook in hooks:
        hook.remove()
    return codes


@pytest.mark.parametrize("preset", sorted(TINY))
def test_int8_onnx_matches_the_qat_model_within_one_step(preset, tmp_path):
    model = qat_model(preset)
    path = export_onnx(model, tmp_path / f"{preset}.onnx")
    torch_run, onnx_run = TorchRunner(model, threads=1), OnnxRunner(path, threads=1)
    for x in _inputs(preset):
        expected, got = torch_run(x), onnx_run(x)
        assert got.shape == expected.shape
        diff = np.abs(got - expected)
        assert diff.max() <= STEP, (x.shape, diff.max())
        if TASK[preset] != "det":  # see the module docstring
            assert (diff > FLOAT_TOL).mean() <= FLIPPED, (x.shape, (diff > FLOAT_TOL).mean())


def _module(node_name: str) -> str:
    """The module an exported node belongs to, from its scope: ``/backbone/stages.0/stages.0.0
    /expand/expand.0/input_quant/QuantizeLinear`` -> ``backbone.stages.0.0.expand.0`` (a
    container's child is named from the container's parent)."""
    parts: list[str] = []
    for comp in node_name.strip("/").split("/")[:-1]:
        if comp == "input_quant":
            break
        if parts and comp.startswith(parts[-1] + "."):
            parts[-1] = comp
        else:
            parts.append(comp)
    return ".".join(parts)


def _input_quant(proto: onnx.ModelProto, consts: dict) -> dict[str, tuple[float, int]]:
    """Module -> (QuantizeLinear scale, K) of each quantised input in the graph, K the bound
    of the int8 Clip(-K, K) that alone reads the QuantizeLinear's codes."""
    readers: dict[str, list[onnx.NodeProto]] = {}
    for node in proto.graph.node:
        for name in node.input:
            readers.setdefault(name, []).append(node)
    found = {}
    for node in proto.graph.node:
        if node.op_type == "QuantizeLinear":
            (clip,) = readers[node.output[0]]
            low, high = (consts[name] for name in clip.input[1:])
            assert clip.op_type == "Clip" and low.dtype == high.dtype == np.int8
            assert low == -high and consts[node.input[2]] == 0
            found[_module(node.name)] = (float(consts[node.input[1]]), int(high))
    return found


def _code_bound(quant) -> int:
    """The largest int8 code of a quantiser: round(min(alpha, s) * 127 / s), as the QAT
    fake-quant computes it for an input beyond both clips."""
    scale = quant.scale
    return int(torch.round(torch.minimum(quant.alpha.detach(), scale) * (LEVELS / scale)))


@pytest.mark.parametrize("preset", sorted(TINY))
def test_the_qdq_graph_holds_each_layers_int8_weights_and_learned_scales(preset, tmp_path):
    model = qat_model(preset)
    proto = onnx.load(str(export_onnx(model, tmp_path / f"{preset}.onnx")))
    meta = {p.key: p.value for p in proto.metadata_props}
    assert meta["quant"] == "pact" and meta["int8"] == "qdq"
    layers, consts = quant_layers(model), graph_constants(proto.graph)
    called = _called_layers(model, _inputs(preset)[0])
    expected = {}
    for name in called:
        quant = layers[name].input_quant
        scale = float(quant.scale)
        expected[name] = (float(np.float32(scale / LEVELS)), _code_bound(quant))
    found = _input_quant(proto, consts)
    assert found == {n: expected[n] for n in found}
    assert min(k for _, k in found.values()) < LEVELS  # alpha clips below the scale too
    for name in set(expected) - set(found):  # one merged node serves two equal quantisers
        assert expected[name] in found.values(), name
    assert len(found) >= len(expected) - 1
    weights = {}
    for node in proto.graph.node:
        codes = consts.get(node.input[0]) if node.op_type == "DequantizeLinear" else None
        if codes is not None and codes.dtype == np.int8 and codes.ndim > 1:
            weights[_module(node.name)] = (codes, consts[node.input[1]])
    assert set(weights) == set(called)
    for name, (codes, scales) in weights.items():
        weight = layers[name].weight.detach()
        step = (weight_scales(weight) / LEVELS).numpy()
        np.testing.assert_array_equal(scales, step)
        shape = (-1, *[1] * (weight.dim() - 1))
        np.testing.assert_array_equal(codes, np.round(weight.numpy() / step.reshape(shape)))
        assert np.abs(codes).max() == LEVELS  # each channel's abs-max is +-127
    names = {t.name for t in proto.graph.initializer}
    assert not names & {f"{n}.weight" for n in layers}  # no float copy of a quantised weight


@pytest.mark.parametrize("preset", sorted(TINY))
def test_the_int8_size_counts_int8_weights_and_is_under_half_of_fp32(preset, tmp_path):
    qat = qat_model(preset)
    save_weights(qat, tmp_path / "qat.safetensors")
    save_weights(tiny_model(preset), tmp_path / "fp32.safetensors")
    int8 = export_onnx(qat, tmp_path / "int8.onnx")
    onnx_bytes = onnx_weight_bytes(int8)
    qat_bytes = qat_weight_bytes(tmp_path / "qat.safetensors")
    assert deployed_bytes(int8) == onnx_bytes < 0.5 * (tmp_path / "fp32.safetensors").stat().st_size
    assert abs(qat_bytes - onnx_bytes) < 0.03 * onnx_bytes  # the same weights, counted twice
    assert size_mb(int8) == onnx_bytes / 1e6
    assert size_mb(tmp_path / "qat.safetensors") == qat_bytes / 1e6
    # by hand: a byte per int8 weight, 4 per channel scale and per activation scale, 4 per
    # float value left (the moving-average pair is one scale)
    tensors = load_file(tmp_path / "qat.safetensors")
    layers = quant_layers(qat)
    weights = sum(layers[n].weight.numel() + 4 * layers[n].weight.shape[0] for n in layers)
    floats = sum(4 * v.numel() for k, v in tensors.items() if v.is_floating_point()
                 and not k.endswith(("input_quant.accum", "input_quant.state"))
                 and k.removesuffix(".weight") not in layers)
    assert qat_bytes == weights + floats + 4 * len(layers)


def test_float_files_count_their_file_size(tmp_path):
    model = tiny_model("cls_mv3")
    save_weights(model, tmp_path / "fp32.safetensors")
    path = export_onnx(model, tmp_path / "fp32.onnx")
    for file in (path, tmp_path / "fp32.safetensors"):
        assert deployed_bytes(file) is None
        assert size_mb(file) == file.stat().st_size / 1e6


def test_a_pruned_model_quantises_saves_and_exports_int8(tmp_path):
    model = tiny_model("det_mv3_db")
    pruned = prune_model(model, {name: 0.5 for name in prunable_groups(model)})
    qat = calibrated(quantize_model(pruned), "det_mv3_db")
    save_weights(qat, tmp_path / "slim.safetensors")
    loaded = load_model(tmp_path / "slim.safetensors")  # the pruned shape, quantised
    assert loaded.quant == "pact" and loaded.spec.pruned == qat.spec.pruned
    path = export_onnx(loaded, tmp_path / "slim.onnx")
    x = _inputs("det_mv3_db")[0]
    diff = np.abs(OnnxRunner(path, threads=1)(x) - TorchRunner(qat, threads=1)(x))
    assert diff.max() <= STEP
    fp32 = export_onnx(model, tmp_path / "fp32.onnx")  # unpruned float
    assert onnx_weight_bytes(path) < 0.5 * onnx_weight_bytes(fp32)
