"""How onnxruntime runs an int8 export: the clip of each quantised input on its int8 codes
(:func:`clip_codes`, the same codes as clipping the float input), and OnnxRunner's session,
which folds the int8 weights into float convolutions once and keeps onnxruntime's integer
kernels (saturating u8s8 on AVX2 CPUs without VNNI) out of the graph."""

from __future__ import annotations

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper, numpy_helper
from qat_fixtures import qat_model

from ppocr_bench.inference.backends import session_options
from ppocr_bench.inference.export import export_onnx
from ppocr_bench.slim.int8 import clip_codes

#: onnxruntime's integer kernels a fused QDQ graph may use
INTEGER_OPS = {"QLinearConv", "QLinearMatMul", "MatMulInteger", "MatMulIntegerToFloat",
               "ConvInteger", "DynamicQuantizeMatMul", "QGemm"}
STEP = 0.05


def _fake_quant_graph(bound: float, extra_reader: bool = False) -> onnx.ModelProto:
    """x -> Clip(-bound, bound) -> QuantizeLinear(STEP) -> DequantizeLinear -> y (and, with
    ``extra_reader``, the Clip's output also a second graph output)."""
    inits = [numpy_helper.from_array(np.array(v, np.float32), n)
             for n, v in (("low", -bound), ("high", bound), ("step", STEP))]
    inits.append(numpy_helper.from_array(np.array(0, np.int8), "zero"))
    nodes = [helper.make_node("Clip", ["x", "low", "high"], ["c"], name="clip"),
             helper.make_node("QuantizeLinear", ["c", "step", "zero"], ["q"], name="quant"),
             helper.make_node("DequantizeLinear", ["q", "step", "zero"], ["y"], name="dequant")]
    outputs = [helper.make_tensor_value_info(n, TensorProto.FLOAT, ["n"])
               for n in ("y", "c")[:1 + extra_reader]]
    graph = helper.make_graph(nodes, "fq", [helper.make_tensor_value_info(
        "x", TensorProto.FLOAT, ["n"])], outputs, inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def _run(model: onnx.ModelProto, x: np.ndarray) -> np.ndarray:
    session = ort.InferenceSession(model.SerializeToString(), session_options(1),
                                   providers=["CPUExecutionProvider"])
    return session.run(["y"], {"x": x})[0]


@pytest.mark.parametrize("bound", [127 * STEP, 3.33 * STEP, 3.5 * STEP])
def test_a_clip_on_the_codes_gives_the_codes_of_the_clipped_input(bound):
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.uniform(-10, 10, 4000), (np.arange(-300, 301) / 2) * STEP,
                        [bound, -bound, 1e9, -1e9]]).astype(np.float32)
    reference = _fake_quant_graph(bound)
    moved = onnx.ModelProto()
    moved.CopyFrom(reference)
    assert clip_codes(moved) == 1
    onnx.checker.check_model(moved)
    assert [n.op_type for n in moved.graph.node] == ["QuantizeLinear", "Clip",
                                                     "DequantizeLinear"]
    codes = round(bound / STEP)
    clip = moved.graph.node[1]
    bounds = {t.name: numpy_helper.to_array(t) for t in moved.graph.initializer}
    assert [bounds[n].dtype for n in clip.input[1:]] == [np.int8, np.int8]
    assert [int(bounds[n]) for n in clip.input[1:]] == [-codes, codes]
    np.testing.assert_array_equal(_run(moved, x), _run(reference, x))
    assert np.abs(_run(moved, x)).max() == pytest.approx(codes * STEP)


def test_a_clip_read_by_anything_else_stays_on_the_float_input():
    model = _fake_quant_graph(2.0, extra_reader=True)
    assert clip_codes(model) == 0
    assert [n.op_type for n in model.graph.node] == ["Clip", "QuantizeLinear",
                                                     "DequantizeLinear"]


def _optimized(path, tmp_path, fuse_qdq: bool) -> onnx.GraphProto:
    """The graph onnxruntime runs for ``path`` under :func:`session_options`."""
    options = session_options(1, fuse_qdq=fuse_qdq)
    options.optimized_model_filepath = str(tmp_path / f"optimized_{fuse_qdq}.onnx")
    ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    return onnx.load(options.optimized_model_filepath).graph


def test_the_runner_folds_int8_weights_and_keeps_integer_kernels_out(tmp_path):
    path = export_onnx(qat_model("rec_mv3_crnn"), tmp_path / "rec.onnx")
    exported = onnx.load(str(path)).graph
    quantised = sum(n.op_type == "QuantizeLinear" for n in exported.node)
    assert quantised == sum(n.op_type == "Clip" and n.input[0].endswith("_unclipped")
                            for n in exported.node)  # every input clipped on its codes
    graph = _optimized(path, tmp_path, fuse_qdq=False)
    ops = [n.op_type for n in graph.node]
    assert not INTEGER_OPS & set(ops)
    # the activations' quantisers run (the transpose optimiser may copy one across a
    # Transpose), the convolutions are float ones
    assert ops.count("QuantizeLinear") >= quantised and "Conv" in ops
    assert not _weight_dequantizers(graph)  # folded into float initializers
    # what the session option buys: fused, every weight is dequantised at run time (and the
    # NCHWc float convolutions need constant weights)
    assert len(_weight_dequantizers(_optimized(path, tmp_path, fuse_qdq=True))) >= quantised


def _weight_dequantizers(graph: onnx.GraphProto) -> list[onnx.NodeProto]:
    constants = {t.name for t in graph.initializer}
    return [n for n in graph.node if n.op_type == "DequantizeLinear" and n.input[0] in constants]
