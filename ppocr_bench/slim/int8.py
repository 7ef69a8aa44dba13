"""int8 deployment of a PACT-trained model: a QDQ ONNX graph from the QAT scales, and sizes.

:func:`ppocr_bench.inference.export.export_onnx` traces a quantised model (``model.quant``) with
the quantisers in their export form (:class:`ppocr_bench.slim.quant.InputQuant`): each
quantised layer reads ``DequantizeLinear(QuantizeLinear(Clip(x, -m, m), s / 127))`` with the
learned moving-average scale s (m = min(alpha, s): the PACT clip and the quantiser's clip in
one), and a per-channel ``QuantizeLinear`` / ``DequantizeLinear`` pair of scales ``max|w_c| /
127`` on its float weight. :func:`int8_weights` then replaces each weight's QuantizeLinear by
the int8 initializer it computes, so the file holds int8 weights (zero point 0, codes
-127..127), and :func:`clip_codes` moves each input's clip onto its int8 codes
(``Clip(QuantizeLinear(x), -K, K)``, K = round(m * 127 / s): the same codes, the clip on one
byte per value instead of four). The graph is the QAT model's arithmetic: ``onnx_file``'s
place, ``eval --backend onnx`` runs it with onnxruntime (how, and why not onnxruntime's
integer kernels: :class:`ppocr_bench.inference.backends.OnnxRunner`). Layers PaddleOCR leaves
in float (LSTM, transposed convolutions, norms) stay float ops.

onnxruntime's own ``quantize_static`` is not used: it would recompute the weight scales (as
max|w| / 127.5) and quantise tensors the QAT model never quantised, so the int8 model would not
be the trained one. The size of an int8 model (:func:`deployed_bytes`) is the bytes of its
weights as stored: 1 byte per int8 weight and 4 per float value left (per-channel and
activation scales, biases, norms, the float layers).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import onnx
from onnx import numpy_helper

from ppocr_bench.errors import PpocrError

#: ONNX metadata of an int8 export (besides ``quant``, the QAT method)
INT8_FORMAT = "qdq"
_SCALE_KEYS = ("input_quant.accum", "input_quant.state")


def graph_constants(graph: onnx.GraphProto) -> dict[str, np.ndarray]:
    """Initializers and Constant-node outputs of ``graph`` by name."""
    values = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    for node in graph.node:
        if node.op_type == "Constant":
            attr = next(a for a in node.attribute if a.name == "value")
            values[node.output[0]] = numpy_helper.to_array(attr.t)
    return values


def quantize_array(x: np.ndarray, scale: np.ndarray, zero: np.ndarray, axis: int = 1
                   ) -> np.ndarray:
    """ONNX ``QuantizeLinear`` to int8: saturate(round_half_even(x / scale) + zero), the
    (N,) scale and zero point of a per-channel pair along ``axis``. Shape of ``x``."""
    shape = [1] * x.ndim
    if scale.size > 1:
        shape[axis] = -1
    scale = scale.astype(np.float32).reshape(shape)
    codes = np.round(x.astype(np.float32) / scale) + zero.astype(np.int32).reshape(shape)
    return np.clip(codes, -128, 127).astype(np.int8)


def int8_weights(model: onnx.ModelProto) -> int:
    """Replace, in place, every QuantizeLinear of a float initializer (a quantised layer's
    weight) by the int8 initializer it computes, feeding its DequantizeLinear; float weights
    no longer read are dropped. Returns how many weights became int8."""
    graph = model.graph
    values = graph_constants(graph)
    floats = {t.name for t in graph.initializer if t.data_type == onnx.TensorProto.FLOAT}
    done, keep = 0, []
    for node in graph.node:
        if node.op_type != "QuantizeLinear" or node.input[0] not in floats:
            keep.append(node)
            continue
        axis = next((a.i for a in node.attribute if a.name == "axis"), 1)
        codes = quantize_array(values[node.input[0]], values[node.input[1]],
                               values[node.input[2]], axis)
        graph.initializer.append(numpy_helper.from_array(codes, node.output[0]))
        done += 1
    del graph.node[:]
    graph.node.extend(keep)
    used = {name for node in graph.node for name in node.input}
    unused = [t for t in graph.initializer if t.name in floats and t.name not in used]
    for tensor in unused:
        graph.initializer.remove(tensor)
    return done


def _symmetric_bound(values: dict[str, np.ndarray], clip: onnx.NodeProto) -> float | None:
    """m of a ``Clip(x, -m, m)`` with constant bounds, else None."""
    if len(clip.input) != 3 or not all(name in values for name in clip.input[1:]):
        return None
    low, high = (float(values[name]) for name in clip.input[1:])
    return high if low == -high else None


def clip_codes(model: onnx.ModelProto) -> int:
    """Move, in place, the clip of each quantised input onto its int8 codes:
    ``QuantizeLinear(Clip(x, -m, m), step)`` becomes ``Clip(QuantizeLinear(x, step), -K, K)``
    with K = round(m / step), the same codes (rounding is monotone: every x beyond m rounds to
    K or more), one byte per value clipped instead of four. Only a Clip read by that
    QuantizeLinear alone (not a graph output either), of zero point 0, moves; Constant nodes no longer read are dropped.
    Returns how many clips moved."""
    graph = model.graph
    values = graph_constants(graph)
    producer = {out: node for node in graph.node for out in node.output}
    readers = Counter(name for node in graph.node for name in node.input)
    readers.update(output.name for output in graph.output)
    moves: dict[str, tuple[onnx.NodeProto, int]] = {}  # quantised output -> (its Clip, K)
    for node in graph.node:
        clip = producer.get(node.input[0]) if node.op_type == "QuantizeLinear" else None
        if clip is None or clip.op_type != "Clip" or readers[clip.output[0]] != 1:
            continue
        bound, zero = _symmetric_bound(values, clip), values.get(node.input[2])
        if bound is not None and zero is not None and zero.dtype == np.int8 and not zero.any():
            step = values[node.input[1]].astype(np.float32)
            moves[node.output[0]] = clip, min(int(np.round(np.float32(bound) / step)), 127)
    dropped = {clip.output[0] for clip, _ in moves.values()}
    nodes: list[onnx.NodeProto] = []
    for node in graph.node:
        if node.op_type == "Clip" and node.output[0] in dropped:
            continue
        nodes.append(node)
        if node.output[0] in moves:
            nodes.append(_code_clip(graph, node, *moves[node.output[0]]))
    del graph.node[:]
    graph.node.extend(nodes)
    _drop_unread_constants(graph)
    return len(moves)


def _code_clip(graph: onnx.GraphProto, quant: onnx.NodeProto, clip: onnx.NodeProto,
               codes: int) -> onnx.NodeProto:
    """Rewire ``quant`` to read the clip's input and return the int8 Clip(-codes, codes) that
    now writes the quantised output."""
    out = quant.output[0]
    low, high = f"{out}_code_min", f"{out}_code_max"
    graph.initializer.extend([numpy_helper.from_array(np.array(-codes, np.int8), low),
                              numpy_helper.from_array(np.array(codes, np.int8), high)])
    quant.input[0], quant.output[0] = clip.input[0], f"{out}_unclipped"
    return onnx.helper.make_node("Clip", [quant.output[0], low, high], [out],
                                 name=f"{clip.name}_codes")


def _drop_unread_constants(graph: onnx.GraphProto) -> None:
    read = {name for node in graph.node for name in node.input} | {o.name for o in graph.output}
    kept = [n for n in graph.node if n.op_type != "Constant" or n.output[0] in read]
    del graph.node[:]
    graph.node.extend(kept)


def onnx_weight_bytes(path: Path) -> int:
    """Bytes of an ONNX model's weights: its initializers and Constant tensors as stored."""
    graph = onnx.load(str(path)).graph
    return sum(int(v.nbytes) for v in graph_constants(graph).values())


def is_int8_onnx(path: Path) -> bool:
    """Whether ``path`` is an int8 export (its ``int8`` metadata)."""
    model = onnx.load(str(path), load_external_data=False)
    return any(p.key == "int8" and p.value == INT8_FORMAT for p in model.metadata_props)


def qat_weight_bytes(path: Path) -> int | None:
    """Bytes the int8 deployment of QAT weights (a safetensors file whose metadata names a
    ``quant`` method) stores: 1 byte per quantised weight plus 4 per output channel (its
    scale), 4 per layer for the activation scale, every other float tensor at its size;
    None for float weights."""
    from safetensors import SafetensorError, safe_open

    try:
        handle = safe_open(str(path), framework="pt", device="cpu")
    except SafetensorError as exc:
        raise PpocrError(f"{path}: not a readable safetensors file ({exc})") from None
    with handle:
        if not (handle.metadata() or {}).get("quant"):
            return None
        tensors = {key: handle.get_slice(key) for key in handle.keys()}  # noqa: SIM118
        quantised = {key.removesuffix("input_quant.alpha") + "weight" for key in tensors
                     if key.endswith("input_quant.alpha")}
        total = 0
        for key, tensor in tensors.items():
            shape, dtype = tensor.get_shape(), tensor.get_dtype()
            if key in quantised:
                total += int(np.prod(shape)) + 4 * shape[0]
            elif key.endswith(_SCALE_KEYS[0]):
                total += 4  # accum and state: one activation scale
            elif dtype.startswith(("F", "BF")) and not key.endswith(_SCALE_KEYS[1]):
                total += int(np.prod(shape)) * (2 if "16" in dtype else 4)
        return total


def deployed_bytes(path: Path) -> int | None:
    """The int8 size of a QAT weights file or an int8 ONNX export; None for anything else
    (a float model: its file size is its size)."""
    path = Path(path)
    if path.suffix == ".onnx":
        return onnx_weight_bytes(path) if is_int8_onnx(path) else None
    if path.suffix == ".safetensors":
        return qat_weight_bytes(path)
    return None
