"""The ONNX weight mapper on small exports of our own models (no network needed)."""

from __future__ import annotations

import copy
import io
import warnings

import numpy as np
import onnx
import pytest
import torch
from onnx import helper, numpy_helper

from ppocr_bench.errors import PpocrError
from ppocr_bench.zoo.importers.onnx_graph import read_onnx_layers
from ppocr_bench.zoo.importers.onnx_weights import (
    load_onnx_weights,
    map_onnx_weights,
    torch_layers,
)
from ppocr_bench.models import create_model

CHARSET = list("abc")


def _model(name: str, seed: int):
    torch.manual_seed(seed)
    model = create_model(name, charset=CHARSET if name.startswith("rec") else None)
    with torch.no_grad():  # non-trivial BN statistics, so folding is visible
        for module in model.modules():
            if isinstance(module, torch.nn.BatchNorm2d):
                module.running_mean.uniform_(-0.5, 0.5)
                module.running_var.uniform_(0.5, 2.0)
    return model.eval()


def _export(model, shape: tuple[int, ...]) -> onnx.ModelProto:
    buffer = io.BytesIO()
    with warnings.catch_warnings():  # the tracer's notes on nn.LSTM
        warnings.simplefilter("ignore", (torch.jit.TracerWarning, UserWarning))
        torch.onnx.export(model, torch.randn(*shape), buffer, dynamo=False,
                          do_constant_folding=True, input_names=["x"], output_names=["y"],
                          opset_version=17)
    return onnx.load_from_string(buffer.getvalue())


def _as_constant_nodes(proto: onnx.ModelProto) -> onnx.ModelProto:
    """The same model with its initializers as Constant nodes (as Paddle exports are)."""
    proto = onnx.ModelProto.FromString(proto.SerializeToString())
    constants = [helper.make_node("Constant", [], [init.name], value=init)
                 for init in proto.graph.initializer]
    del proto.graph.initializer[:]
    nodes = constants + list(proto.graph.node)
    del proto.graph.node[:]
    proto.graph.node.extend(nodes)
    return proto


def _with_identities(proto: onnx.ModelProto) -> onnx.ModelProto:
    """The same model with an Identity after every node (as newer paddle2onnx writes them)."""
    proto = onnx.ModelProto.FromString(proto.SerializeToString())
    nodes = []
    for node in proto.graph.node:
        nodes.append(node)
        for i, name in enumerate(node.output):
            node.output[i] = f"{name}__pre"
            nodes.append(helper.make_node("Identity", [f"{name}__pre"], [name]))
    del proto.graph.node[:]
    proto.graph.node.extend(nodes)
    return proto


SHAPES = {"cls_mv3": (1, 3, 48, 96), "rec_lcnetv3_svtr": (1, 3, 48, 64),
          "det_mv3_rse": (1, 3, 64, 64), "rec_mv1e_crnn": (1, 3, 32, 64),
          "rec_mv1e_svtr": (1, 3, 48, 64), "rec_mv3_crnn": (1, 3, 32, 64),
          "det_repvit_db_tiny": (1, 3, 64, 64), "rec_repvit_svtr_small": (1, 3, 48, 64),
          "rec_repvit_ctc_tiny": (1, 3, 48, 64)}


@pytest.fixture(scope="module")
def exports() -> dict[str, tuple[torch.nn.Module, onnx.ModelProto]]:
    done = {}
    for name, shape in SHAPES.items():
        model = _model(name, seed=1)
        done[name] = (model, _export(model, shape))
    return done


@pytest.mark.parametrize("name", sorted(SHAPES))
@pytest.mark.parametrize("constant_nodes", [False, True])
def test_export_of_our_model_maps_back_onto_it(exports, name: str, constant_nodes: bool) -> None:
    source, proto = exports[name]
    if constant_nodes:
        proto = _as_constant_nodes(proto)
        assert len(proto.graph.initializer) == 0
    target = _model(name, seed=2)
    not_exported = ("head.thresh",) if name.startswith("det") else ()
    load_onnx_weights(target, proto, paddle_order=False, not_exported=not_exported)
    x = torch.randn(SHAPES[name], generator=torch.Generator().manual_seed(3))
    with torch.no_grad():
        difference = (target(x) - source(x)).abs().max().item()
    assert difference < 1e-4


def test_torch_export_folds_bn_into_the_conv_and_the_mapper_unfolds_it(exports) -> None:
    source, proto = exports["cls_mv3"]
    kinds = [layer.kind for layer in read_onnx_layers(proto)]
    assert "bn" not in kinds and kinds[-1] == "linear"
    state = map_onnx_weights(_model("cls_mv3", seed=2), proto, paddle_order=False)
    stem_bn = "backbone.stem.1"
    assert torch.equal(state[f"{stem_bn}.weight"], torch.ones(8))
    assert torch.equal(state[f"{stem_bn}.running_mean"], torch.zeros(8))
    assert not torch.equal(state["backbone.stem.0.weight"], source.backbone.stem[0].weight)


def test_a_transposed_conv_exported_with_its_bn_folded_keeps_the_bias(exports) -> None:
    """PP-OCRv6 det exports fold the DB head's BatchNorms into its transposed convs too."""
    source, _ = exports["det_repvit_db_tiny"]
    folded = copy.deepcopy(source)
    up, bn = folded.head.prob[3], folded.head.prob[4]
    with torch.no_grad():
        scale = bn.weight / torch.sqrt(bn.running_var + bn.eps)
        up.weight.mul_(scale.view(1, -1, 1, 1))  # (in, out, k, k): out channels second
        up.bias.copy_((up.bias - bn.running_mean) * scale + bn.bias)
    folded.head.prob[4] = torch.nn.Identity()
    proto = _export(folded, SHAPES["det_repvit_db_tiny"])
    kinds = [layer.kind for layer in read_onnx_layers(proto)]
    assert "bn" not in kinds and kinds[-2:] == ["conv_transpose", "conv_transpose"]
    target = _model("det_repvit_db_tiny", seed=2)
    state = map_onnx_weights(target, proto, paddle_order=False, not_exported=("head.thresh",))
    assert torch.equal(state["head.prob.3.bias"], up.bias)
    assert torch.equal(state["head.prob.4.bias"], torch.zeros(16))
    target.load_state_dict(state)
    x = torch.randn(SHAPES["det_repvit_db_tiny"], generator=torch.Generator().manual_seed(3))
    with torch.no_grad():
        assert (target(x) - source(x)).abs().max().item() < 1e-5


def test_read_layers_finds_affine_norm_and_linear_patterns(exports) -> None:
    _, proto = exports["rec_lcnetv3_svtr"]
    layers = read_onnx_layers(proto)
    counts = {kind: sum(layer.kind == kind for layer in layers) for kind in
              ("conv", "affine", "norm", "linear", "bn")}
    ours = torch_layers(_model("rec_lcnetv3_svtr", seed=0), paddle_order=False)
    our_affine = sum(layer.kind == "affine" for layer in ours)
    assert counts["affine"] == our_affine > 0
    assert counts["norm"] == 5  # 2 blocks x 2 + the final norm
    assert counts["linear"] == 2 * 4 + 1  # qkv, proj, fc1, fc2 per block + CTC head
    eps = [layer.attrs["eps"] for layer in layers if layer.kind == "norm"]
    assert eps == pytest.approx([1e-5] * 4 + [1e-6])


def test_paddle_order_visits_the_fpn_coarse_to_fine() -> None:
    names = [layer.name for layer in torch_layers(_model("det_mv3_rse", 0)) if
             layer.name.startswith("neck") and layer.name.endswith("conv")]
    assert names == [f"neck.lateral.{i}.conv" for i in (3, 2, 1, 0)] + [
        f"neck.smooth.{i}.conv" for i in (3, 2, 1, 0)]


def test_a_different_architecture_is_an_error_naming_the_layer(exports) -> None:
    _, proto = exports["cls_mv3"]
    with pytest.raises(PpocrError, match=r"backbone\.stem\.0\.weight is \[16, 3, 3, 3\] .* "
                                         r"\[8, 3, 3, 3\]"):
        map_onnx_weights(create_model("cls_mv3", scale=1.0), proto, paddle_order=False)


def test_layers_left_over_on_either_side_are_named(exports) -> None:
    _, proto = exports["det_mv3_rse"]
    with pytest.raises(PpocrError, match=r"layers of our model left unmapped, first "
                                         r"head\.thresh\.0"):
        map_onnx_weights(_model("det_mv3_rse", 0), proto, paddle_order=False)
    _, rec = exports["rec_lcnetv3_svtr"]
    det = _model("det_mv3_rse", 0)
    with pytest.raises(PpocrError, match=r"backbone\.stem\.0\.weight is \[8, 3, 3, 3\] in our "
                                         r"model but \[16, 3, 3, 3\] in ONNX conv"):
        map_onnx_weights(det, rec, paddle_order=False, not_exported=("head.thresh",))
    _, cls = exports["cls_mv3"]
    truncated = onnx.ModelProto.FromString(cls.SerializeToString())
    extra = helper.make_node("Gemm", ["y", "w_extra"], ["z"], transB=1)
    truncated.graph.initializer.append(
        numpy_helper.from_array(np.zeros((2, 2), np.float32), "w_extra"))
    truncated.graph.node.append(extra)
    with pytest.raises(PpocrError, match=r"1 ONNX layers left unmapped, first ONNX linear"):
        map_onnx_weights(_model("cls_mv3", 0), truncated, paddle_order=False)


def test_an_unreadable_file_is_a_user_error(tmp_path) -> None:
    path = tmp_path / "broken.onnx"
    path.write_bytes(b"not a protobuf at all")
    with pytest.raises(PpocrError, match="broken.onnx: not a readable ONNX model"):
        read_onnx_layers(path)


def test_lstm_layers_come_in_pytorch_gate_order(exports) -> None:
    """ONNX stores the gates i, o, f, c; the reader hands them over as PyTorch's i, f, c, o."""
    source, proto = exports["rec_mv1e_crnn"]
    lstms = [layer for layer in read_onnx_layers(proto) if layer.kind == "lstm"]
    assert len(lstms) == 2 and lstms[0].attrs["directions"] == 2
    assert lstms[0].tensors["weight_ih"].shape == (2, 256, 512)
    assert lstms[1].tensors["weight_hh"].shape == (2, 256, 64)
    ours = source.neck.encoder.lstm
    np.testing.assert_array_equal(lstms[1].tensors["weight_ih"][1],
                                  ours.weight_ih_l1_reverse.detach().numpy())
    np.testing.assert_array_equal(lstms[0].tensors["bias_hh"][0],
                                  ours.bias_hh_l0.detach().numpy())
    layers = torch_layers(source)
    assert [(layer.name, layer.layer) for layer in layers if layer.kind == "lstm"] == [
        ("neck.encoder.lstm", 0), ("neck.encoder.lstm", 1)]
    assert [layer.name for layer in layers if layer.kind == "linear"] == ["head.mid", "head.fc"]


def test_an_lstm_of_another_width_is_an_error_naming_it(exports) -> None:
    _, proto = exports["rec_mv1e_crnn"]
    with pytest.raises(PpocrError, match=r"neck\.encoder\.lstm layer 0 has 2 direction\(s\) of "
                                         r"hidden size 32 but ONNX lstm .* 2 of 64"):
        map_onnx_weights(create_model("rec_mv1e_crnn", charset=CHARSET, hidden_size=32), proto,
                         paddle_order=False)


def test_old_paddle_layer_norms_and_attention_scales_are_read_as_paddle_writes_them() -> None:
    """paddle2onnx of PP-OCRv3: a LayerNorm weight reshaped to a run-time shape, and the
    attention's ``q * scale + 0`` (two [1] constants) in front of q @ k^T, which is structure,
    not a learnable affine."""
    x = helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [1, 4, 8])
    y = helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, [1, 4, 4])
    consts = {"w": np.full(8, 2.0, np.float32), "b": np.full(8, 0.5, np.float32),
              "eps": np.array(1e-6, np.float32), "two": np.array(2.0, np.float32),
              "s": np.array([0.25], np.float32), "zero": np.array([0.0], np.float32),
              "perm_w": np.array([8, 8], np.float32)}
    nodes = [helper.make_node("Constant", [], [k], value=numpy_helper.from_array(v, k))
             for k, v in consts.items()]
    nodes += [
        helper.make_node("ReduceMean", ["x"], ["mean"], axes=[-1]),
        helper.make_node("Sub", ["x", "mean"], ["centred"]),
        helper.make_node("Pow", ["centred", "two"], ["squared"]),
        helper.make_node("ReduceMean", ["squared"], ["var"], axes=[-1]),
        helper.make_node("Add", ["var", "eps"], ["var_eps"]),
        helper.make_node("Sqrt", ["var_eps"], ["std"]),
        helper.make_node("Shape", ["x"], ["shape"]),
        helper.make_node("Reshape", ["w", "shape"], ["w_run"]),
        helper.make_node("Reshape", ["b", "shape"], ["b_run"]),
        helper.make_node("Div", ["centred", "std"], ["normed"]),
        helper.make_node("Mul", ["normed", "w_run"], ["scaled"]),
        helper.make_node("Add", ["scaled", "b_run"], ["ln"]),
        helper.make_node("Mul", ["ln", "s"], ["q"]),
        helper.make_node("Add", ["q", "zero"], ["q0"]),
        helper.make_node("Transpose", ["ln"], ["k"], perm=[0, 2, 1]),
        helper.make_node("MatMul", ["q0", "k"], ["y"]),
    ]
    graph = helper.make_graph(nodes, "paddle_v3_style", [x], [y])
    layers = read_onnx_layers(helper.make_model(graph))
    assert [layer.kind for layer in layers] == ["norm"]
    assert layers[0].attrs["eps"] == pytest.approx(1e-6)
    np.testing.assert_array_equal(layers[0].tensors["weight"], consts["w"])


def test_identity_nodes_between_the_ops_are_looked_through(exports) -> None:
    source, proto = exports["rec_lcnetv3_svtr"]
    wrapped = _with_identities(_as_constant_nodes(proto))
    assert sum(node.op_type == "Identity" for node in wrapped.graph.node) > 100
    assert [layer.kind for layer in read_onnx_layers(wrapped)] == [
        layer.kind for layer in read_onnx_layers(proto)]
    target = _model("rec_lcnetv3_svtr", seed=2)
    load_onnx_weights(target, wrapped, paddle_order=False)
    x = torch.randn(SHAPES["rec_lcnetv3_svtr"], generator=torch.Generator().manual_seed(3))
    with torch.no_grad():
        assert (target(x) - source(x)).abs().max().item() < 1e-4
