"""A requantised copy of an int8 export, for timing what onnxruntime's integer kernels could
give (``slim_latency.py``'s ``requant`` rows); not the QAT model, and not shipped.

``export --onnx --int8`` quantises what the QAT model quantises, each quantised layer's input,
so onnxruntime finds no DequantizeLinear -> Conv -> QuantizeLinear group to run as a
QLinearConv. This copy makes one of every quantised convolution: BN folded into the int8
weights' per-channel scales (exact: the codes keep their values, a negative BN factor flips
their sign), the convolution's output quantised at a scale calibrated on one sample (max |y|
/ 127: an output quantiser the QAT model does not have), and every activation's codes as
uint8 with zero point 128 (the same values; onnxruntime's x86 kernels take uint8
activations). Hard-swish, residual sums and the other float ops stay float between
DequantizeLinear and QuantizeLinear.
"""

from __future__ import annotations

import numpy as np
import onnx
import onnxruntime as ort
from onnx import helper, numpy_helper

from ppocr_bench.inference.backends import session_options
from ppocr_bench.slim.int8 import graph_constants


def requantise(model: onnx.ModelProto, sample: np.ndarray) -> onnx.ModelProto:
    """The requantised copy of an int8 export (see the module docstring); ``sample`` an
    N x C x H x W input it is calibrated on."""
    copy = onnx.ModelProto()
    copy.CopyFrom(model)
    outputs = [_fold_batchnorm(copy, conv) for conv in _int8_convs(copy)]
    peaks = _peaks(copy, outputs, sample)
    for name in outputs:
        _quantise_output(copy, name, peaks[name] / 127)
    _to_uint8(copy)
    onnx.checker.check_model(copy)
    return copy


def _int8_convs(model: onnx.ModelProto) -> list[onnx.NodeProto]:
    producer = {out: n for n in model.graph.node for out in n.output}
    weights = {t.name for t in model.graph.initializer if t.data_type == onnx.TensorProto.INT8}
    return [n for n in model.graph.node if n.op_type == "Conv" and n.input[1] in producer
            and producer[n.input[1]].input[0] in weights]


def _readers(graph: onnx.GraphProto, name: str) -> list[onnx.NodeProto]:
    return [n for n in graph.node if name in n.input]


def _fold_batchnorm(model: onnx.ModelProto, conv: onnx.NodeProto) -> str:
    """Fold the BatchNormalization that alone reads ``conv`` (if any) into its int8 weight's
    scales and a float bias; returns the name of the convolution's output."""
    graph = model.graph
    readers = _readers(graph, conv.output[0])
    if len(readers) != 1 or readers[0].op_type != "BatchNormalization":
        return conv.output[0]
    norm, values = readers[0], graph_constants(graph)
    dequant = next(n for n in graph.node if n.output[0] == conv.input[1])
    gamma, beta, mean, var = (values[name] for name in norm.input[1:5])
    eps = next((a.f for a in norm.attribute if a.name == "epsilon"), 1e-5)
    factor = gamma / np.sqrt(var + eps)
    sign = np.where(factor < 0, -1, 1).astype(np.int32).reshape(-1, 1, 1, 1)
    codes = (values[dequant.input[0]].astype(np.int32) * sign).astype(np.int8)
    bias = values[conv.input[2]] if len(conv.input) > 2 else np.zeros_like(factor)
    names = [f"{conv.output[0]}_{part}" for part in ("codes", "scales", "bias")]
    arrays = [codes, (values[dequant.input[1]] * np.abs(factor)).astype(np.float32),
              ((bias - mean) * factor + beta).astype(np.float32)]
    graph.initializer.extend(numpy_helper.from_array(a, n) for a, n in zip(arrays, names))
    dequant.input[0], dequant.input[1] = names[0], names[1]
    del conv.input[2:]
    conv.input.append(names[2])
    conv.output[0] = norm.output[0]
    graph.node.remove(norm)
    return conv.output[0]


def _peaks(model: onnx.ModelProto, names: list[str], sample: np.ndarray) -> dict[str, float]:
    """max |value| of each named tensor on ``sample`` (the QDQ graph run unfused)."""
    probe = onnx.ModelProto()
    probe.CopyFrom(model)
    probe.graph.output.extend(helper.make_tensor_value_info(n, onnx.TensorProto.FLOAT, None)
                              for n in names)
    session = ort.InferenceSession(probe.SerializeToString(), session_options(1),
                                   providers=["CPUExecutionProvider"])
    values = session.run(names, {session.get_inputs()[0].name: sample})
    return {n: max(float(np.abs(v).max()), 1e-6) for n, v in zip(names, values)}


def _quantise_output(model: onnx.ModelProto, name: str, step: float) -> None:
    """Insert QuantizeLinear / DequantizeLinear (int8, ``step``) after tensor ``name``."""
    graph = model.graph
    readers = _readers(graph, name)
    graph.initializer.extend([numpy_helper.from_array(np.array(step, np.float32), name + "_s"),
                              numpy_helper.from_array(np.array(0, np.int8), name + "_z")])
    pair = [helper.make_node("QuantizeLinear", [name, name + "_s", name + "_z"], [name + "_q"]),
            helper.make_node("DequantizeLinear", [name + "_q", name + "_s", name + "_z"],
                             [name + "_dq"])]
    for reader in readers:
        reader.input[:] = [name + "_dq" if i == name else i for i in reader.input]
    at = next(i for i, n in enumerate(graph.node) if name in n.output) + 1
    for offset, node in enumerate(pair):
        graph.node.insert(at + offset, node)


def _to_uint8(model: onnx.ModelProto) -> None:
    """Activation codes as uint8, zero point 128 (weights stay int8); the int8 code clips
    follow."""
    graph = model.graph
    values = graph_constants(graph)
    weights = {t.name for t in graph.initializer if t.data_type == onnx.TensorProto.INT8
               and len(t.dims) > 0}
    graph.initializer.append(numpy_helper.from_array(np.array(128, np.uint8), "u8_zero"))
    for node in graph.node:
        if node.op_type in ("QuantizeLinear", "DequantizeLinear") and \
                node.input[0] not in weights and values[node.input[2]].ndim == 0:
            node.input[2] = "u8_zero"
        elif node.op_type == "Clip" and node.input[1] in values and \
                values[node.input[1]].dtype == np.int8:
            for i in (1, 2):
                code = int(values[node.input[i]]) + 128
                node.input[i] = f"{node.input[i]}_u8"
                graph.initializer.append(numpy_helper.from_array(np.array(code, np.uint8),
                                                                 node.input[i]))
