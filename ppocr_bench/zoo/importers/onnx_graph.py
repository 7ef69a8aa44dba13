"""Read the weight-carrying layers of an ONNX graph, Paddle or PyTorch export alike.

Paddle exports (paddle2onnx) keep every weight as a ``Constant`` node and leave
``graph.initializer`` empty; PyTorch exports use initializers. Both are read the same way:
:func:`read_onnx_layers` walks the graph in topological order and groups the constant operands
into layers:

=================  =====================================================================
kind               ONNX pattern -> tensors
=================  =====================================================================
conv               Conv (W [, B])                                -> weight, bias?
conv_transpose     ConvTranspose (W [, B]) [+ Add C[1, C, 1, 1]]  -> weight, bias?
bn                 BatchNormalization                            -> weight, bias, mean, var
linear             MatMul C[in, out] [+ Add C[out]], or Gemm     -> weight (out, in), bias?
norm               LayerNormalization, or the decomposed form ending in
                   Div -> Mul C[C] -> Add C[C]                   -> weight, bias
affine             Mul C[1] -> Add C[1] (PP-LCNetV3's learnable affine; 0-d constants,
                   as ``0.2 * x + 0.5``, are structure)          -> scale, bias
lstm               LSTM (W, R [, B]), one per layer              -> weight_ih, weight_hh,
                                                                    bias_ih, bias_hh
=================  =====================================================================

LSTM tensors keep ONNX's leading direction axis ([D, 4H, in], [D, 4H, H], [D, 4H]) but come in
PyTorch's gate order (input, forget, cell, output; ONNX stores input, output, forget, cell).
Other constants (activation slopes, the +3 of hardswish, reshape targets, the attention scale,
also where older paddle2onnx writes it as ``Mul C[1] -> Add C[1]`` of 0 in front of a MatMul
of two activations) are structure, not weights. Identity nodes on activations are skipped.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import onnx
from google.protobuf.message import DecodeError
from onnx import helper, numpy_helper

from ppocr_bench.errors import PpocrError


@dataclass
class OnnxLayer:
    """One weight-carrying layer of an ONNX graph: ``kind`` (see the module docstring), the
    name of the node that starts it, its tensors and, for conv, its stride and groups."""

    kind: str
    node: str
    tensors: dict[str, np.ndarray]
    attrs: dict[str, object] = field(default_factory=dict)

    def describe(self) -> str:
        shapes = ", ".join(f"{k} {list(v.shape)}" for k, v in self.tensors.items())
        return f"ONNX {self.kind} at node {self.node!r} ({shapes})"


def _load(source: str | Path | onnx.ModelProto) -> onnx.ModelProto:
    if isinstance(source, onnx.ModelProto):
        return source
    try:
        return onnx.load(str(source))
    except (OSError, ValueError, DecodeError) as error:
        raise PpocrError(f"{source}: not a readable ONNX model ({error})") from None


def _constants(graph: onnx.GraphProto) -> dict[str, np.ndarray]:
    consts = {init.name: numpy_helper.to_array(init) for init in graph.initializer}
    for node in graph.node:
        if node.op_type == "Constant" and node.attribute:
            value = helper.get_attribute_value(node.attribute[0])
            if isinstance(value, onnx.TensorProto):
                value = numpy_helper.to_array(value)
            consts[node.output[0]] = np.asarray(value)
    return consts


_FOLDED_OPS = ("Reshape", "Unsqueeze", "Squeeze", "Identity", "Cast", "Concat", "Slice")


def _fold_constant_ops(nodes: list[onnx.NodeProto], consts: dict[str, np.ndarray]) -> None:
    """Add to ``consts`` the outputs of Reshape/Unsqueeze/Squeeze/Identity/Cast/Concat/Slice
    nodes whose inputs are all constant: Paddle exports reshape a conv bias to [1, C, 1, 1]
    this way, and assemble an LSTM's W, R and B from per-direction weights with Unsqueeze,
    Concat and Slice (reordering the gates). A 1-D constant reshaped to a shape computed at run
    time (older paddle2onnx: a LayerNorm weight reshaped to ``x.shape[-1:]``) stays 1-D."""
    for node in nodes:
        if node.op_type not in _FOLDED_OPS or node.input[0] not in consts:
            continue
        if all(x in consts for x in node.input if x):
            consts[node.output[0]] = _folded(node, [consts.get(x) for x in node.input])
        elif node.op_type == "Reshape" and consts[node.input[0]].ndim == 1:
            consts[node.output[0]] = consts[node.input[0]]


def _folded(node: onnx.NodeProto, inputs: list[np.ndarray | None]) -> np.ndarray:
    """The output of one foldable node (see :func:`_fold_constant_ops`) on constant inputs."""
    value, attrs, op = inputs[0], _attrs(node), node.op_type
    if op == "Reshape":
        return value.reshape([d if d != 0 else value.shape[i]
                              for i, d in enumerate(inputs[1].tolist())])
    if op in ("Unsqueeze", "Squeeze"):
        axes = attrs.get("axes") or (inputs[1].tolist() if len(inputs) > 1 else None)
        if op == "Squeeze":
            return np.squeeze(value, axis=tuple(axes) if axes else None)
        for axis in sorted(a % (value.ndim + len(axes)) for a in axes):
            value = np.expand_dims(value, axis)
        return value
    if op == "Cast":
        return value.astype(helper.tensor_dtype_to_np_dtype(attrs["to"]))
    if op == "Concat":
        return np.concatenate(inputs, axis=attrs["axis"])
    if op == "Slice":
        return value[_slices(value.ndim, attrs, inputs)]
    return value  # Identity


def _slices(ndim: int, attrs: dict[str, object],
            inputs: list[np.ndarray | None]) -> tuple[slice, ...]:
    """The index of an ONNX Slice: starts, ends, axes, steps as inputs (opset >= 10) or
    attributes (opset < 10)."""
    def operand(index: int, name: str):
        if len(inputs) > index and inputs[index] is not None:
            return inputs[index].tolist()
        return attrs.get(name)

    starts, ends = operand(1, "starts"), operand(2, "ends")
    axes = operand(3, "axes") or list(range(len(starts)))
    steps = operand(4, "steps") or [1] * len(starts)
    index = [slice(None)] * ndim
    for axis, start, end, step in zip(axes, starts, ends, steps):
        index[axis % ndim] = slice(start, end, step)
    return tuple(index)


def _without_identities(nodes: list[onnx.NodeProto],
                        consts: dict[str, np.ndarray]) -> list[onnx.NodeProto]:
    """``nodes`` without the Identity nodes on activations (newer paddle2onnx puts one after
    almost every op): their users read the Identity's input instead (copies; the graph is left
    as it was)."""
    alias: dict[str, str] = {}
    kept = []
    for node in nodes:
        if node.op_type == "Identity" and node.input[0] not in consts:
            alias[node.output[0]] = alias.get(node.input[0], node.input[0])
            continue
        if any(x in alias for x in node.input):
            copy = onnx.NodeProto()
            copy.CopyFrom(node)
            copy.input[:] = [alias.get(x, x) for x in node.input]
            node = copy
        kept.append(node)
    return kept


def _toposorted(graph: onnx.GraphProto) -> list[onnx.NodeProto]:
    """Non-Constant nodes in topological order; among the nodes ready to run, the one first in
    the file goes first (so a file already in execution order is kept as it is)."""
    nodes = [n for n in graph.node if n.op_type != "Constant"]
    produced_by = {out: i for i, n in enumerate(nodes) for out in n.output}
    waiting = [len({produced_by[x] for x in n.input if x in produced_by}) for n in nodes]
    users: dict[int, set[int]] = {}
    for i, node in enumerate(nodes):
        for dep in {produced_by[x] for x in node.input if x in produced_by}:
            users.setdefault(dep, set()).add(i)
    ready = [i for i, count in enumerate(waiting) if count == 0]
    heapq.heapify(ready)
    order: list[onnx.NodeProto] = []
    while ready:
        i = heapq.heappop(ready)
        order.append(nodes[i])
        for user in users.get(i, ()):
            waiting[user] -= 1
            if waiting[user] == 0:
                heapq.heappush(ready, user)
    if len(order) != len(nodes):
        raise PpocrError("the ONNX graph has a cycle")
    return order


def _attrs(node: onnx.NodeProto) -> dict[str, object]:
    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def read_onnx_layers(source: str | Path | onnx.ModelProto) -> list[OnnxLayer]:
    """The weight-carrying layers of an ONNX model in topological order (module docstring)."""
    graph = _load(source).graph
    consts = _constants(graph)
    nodes = _toposorted(graph)
    _fold_constant_ops(nodes, consts)
    nodes = _without_identities(nodes, consts)
    consumers: dict[str, list[onnx.NodeProto]] = {}
    producer: dict[str, onnx.NodeProto] = {}
    for node in nodes:
        for name in node.input:
            consumers.setdefault(name, []).append(node)
        for name in node.output:
            producer[name] = node

    def const(node: onnx.NodeProto, index: int) -> np.ndarray | None:
        return consts.get(node.input[index]) if len(node.input) > index else None

    def const_operand(node: onnx.NodeProto) -> tuple[np.ndarray | None, str | None]:
        """(constant, other input) of a binary node with exactly one constant operand."""
        a, b = (consts.get(x) for x in node.input[:2])
        if (a is None) == (b is None):
            return None, None
        return (a, node.input[1]) if a is not None else (b, node.input[0])

    def bias_add(node: onnx.NodeProto) -> tuple[onnx.NodeProto | None, np.ndarray | None]:
        """The Add with a constant that is the only consumer of ``node``'s output."""
        users = consumers.get(node.output[0], [])
        if len(users) == 1 and users[0].op_type == "Add":
            value, _ = const_operand(users[0])
            if value is not None:
                return users[0], value
        return None, None

    def feeds_attention(node: onnx.NodeProto) -> bool:
        """Whether ``node``'s output goes into a MatMul of two activations (q @ k^T)."""
        return any(user.op_type == "MatMul" and not any(x in consts for x in user.input)
                   for user in consumers.get(node.output[0], []))

    layers: list[OnnxLayer] = []
    absorbed: set[int] = set()
    for node in nodes:
        if id(node) in absorbed:
            continue
        op, name = node.op_type, node.name or node.output[0]
        if op in ("Conv", "ConvTranspose") and const(node, 1) is not None:
            tensors = {"weight": const(node, 1)}
            bias = const(node, 2)
            if bias is None:  # a bias added after the conv: Add C[C] or C[1, C, 1, 1]
                add, bias = bias_add(node)
                channels = tensors["weight"].shape[1 if op == "ConvTranspose" else 0]
                if add is not None and bias.size == channels and bias.ndim in (1, 4):
                    absorbed.add(id(add))
                else:
                    bias = None
            if bias is not None:
                tensors["bias"] = bias.reshape(-1)
            attrs = _attrs(node)
            kind = "conv" if op == "Conv" else "conv_transpose"
            layers.append(OnnxLayer(kind, name, tensors, {
                "stride": tuple(attrs.get("strides", (1, 1))), "groups": attrs.get("group", 1)}))
        elif op == "BatchNormalization":
            weight, bias, mean, var = (const(node, i) for i in range(1, 5))
            layers.append(OnnxLayer("bn", name, {"weight": weight, "bias": bias,
                                                 "running_mean": mean, "running_var": var},
                                    {"eps": _attrs(node).get("epsilon", 1e-5)}))
        elif op == "LayerNormalization" and const(node, 1) is not None:
            tensors = {"weight": const(node, 1)}
            if const(node, 2) is not None:
                tensors["bias"] = const(node, 2)
            layers.append(OnnxLayer("norm", name, tensors,
                                    {"eps": _attrs(node).get("epsilon", 1e-5)}))
        elif op == "MatMul" and const(node, 1) is not None and const(node, 1).ndim == 2:
            tensors = {"weight": const(node, 1).T}
            add, bias = bias_add(node)
            if add is not None:
                absorbed.add(id(add))
                tensors["bias"] = bias.reshape(-1)
            layers.append(OnnxLayer("linear", name, tensors))
        elif op == "Gemm" and const(node, 1) is not None:
            attrs = _attrs(node)
            weight = const(node, 1)
            tensors = {"weight": weight if attrs.get("transB", 0) else weight.T}
            if const(node, 2) is not None:
                tensors["bias"] = const(node, 2).reshape(-1)
            layers.append(OnnxLayer("linear", name, tensors))
        elif op == "LSTM" and const(node, 1) is not None and const(node, 2) is not None:
            layers.append(_lstm_layer(node, name, const(node, 1), const(node, 2),
                                      const(node, 3)))
        elif op == "Mul":
            scale, source_name = const_operand(node)
            add, bias = bias_add(node) if scale is not None else (None, None)
            if add is None or feeds_attention(add):
                continue  # a slope or scale constant: structure, not a weight
            if scale.shape == bias.shape == (1,):
                absorbed.add(id(add))
                layers.append(OnnxLayer("affine", name, {"scale": scale, "bias": bias}))
            elif scale.ndim == bias.ndim == 1 and scale.size == bias.size > 1:
                absorbed.add(id(add))
                source = producer.get(source_name)
                layers.append(OnnxLayer("norm", name, {"weight": scale.reshape(-1),
                                                       "bias": bias.reshape(-1)},
                                        {"eps": _layer_norm_eps(source, producer, consts)}))
    return layers


def _layer_norm_eps(div: onnx.NodeProto | None, producer: dict[str, onnx.NodeProto],
                    consts: dict[str, np.ndarray]) -> float | None:
    """eps of a decomposed LayerNorm: Div(x - mean, Sqrt(var + eps)); None if not that form."""
    if div is None or div.op_type != "Div":
        return None
    sqrt = producer.get(div.input[1])
    add = producer.get(sqrt.input[0]) if sqrt is not None and sqrt.op_type == "Sqrt" else None
    if add is None or add.op_type != "Add":
        return None
    for name in add.input:
        if name in consts:
            return float(consts[name].reshape(-1)[0])
    return None


#: ONNX LSTM gate blocks (input, output, forget, cell) in PyTorch's order (i, f, cell, o)
_TORCH_GATES = (0, 2, 3, 1)


def _torch_gates(value: np.ndarray, hidden: int) -> np.ndarray:
    """[D, 4H, ...] in ONNX's gate order -> the same in PyTorch's."""
    blocks = [value[:, g * hidden:(g + 1) * hidden] for g in _TORCH_GATES]
    return np.concatenate(blocks, axis=1)


def _lstm_layer(node: onnx.NodeProto, name: str, w: np.ndarray, r: np.ndarray,
                b: np.ndarray | None) -> OnnxLayer:
    """One ONNX LSTM layer as PyTorch tensors (see the module docstring)."""
    directions, four_hidden, _ = w.shape
    hidden = four_hidden // 4
    if b is None:
        b = np.zeros((directions, 2 * four_hidden), np.float32)
    tensors = {"weight_ih": w, "weight_hh": r, "bias_ih": b[:, :four_hidden],
               "bias_hh": b[:, four_hidden:]}
    attrs = _attrs(node)
    direction = attrs.get("direction", b"forward")
    return OnnxLayer("lstm", name, {k: _torch_gates(v, hidden) for k, v in tensors.items()},
                     {"hidden_size": hidden, "directions": directions,
                      "direction": direction.decode() if isinstance(direction, bytes)
                      else direction})
