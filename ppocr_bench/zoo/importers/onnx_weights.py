"""Map the weights of an ONNX export onto one of our models by structure.

:func:`~ppocr_bench.zoo.importers.onnx_graph.read_onnx_layers` turns the graph into weight-carrying
layers (conv, conv_transpose, bn, linear, norm, affine) in topological order;
:func:`map_onnx_weights` pairs them, in order, with our model's weight-carrying modules in
execution order, checks kinds, shapes, strides, groups and eps one by one and returns a complete
state dict. A conv exported with a bias where our model has conv + BatchNorm is BN folded into
the conv: the conv takes the weight and the BatchNorm becomes ``y = x + bias`` (weight 1, mean 0,
var 1 - eps); a conv of ours with a bias of its own (a DB head's transposed convs, as PP-OCRv6
exports them) takes the bias and the BatchNorm becomes the identity. An ``nn.LSTM`` of L layers
meets L ONNX LSTM layers, one per layer (both directions each). Anything left over on either
side is a PpocrError naming it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnx
import torch
from torch import nn

from ppocr_bench.errors import PpocrError
from ppocr_bench.zoo.importers.onnx_graph import OnnxLayer, read_onnx_layers
from ppocr_bench.models.backbones.pplcnet_v3 import LearnableAffine
from ppocr_bench.models.necks.db_fpn import DBFPN, RSEFPN

_KINDS: tuple[tuple[type[nn.Module], str], ...] = (
    (nn.Conv2d, "conv"),
    (nn.ConvTranspose2d, "conv_transpose"),
    (nn.BatchNorm2d, "bn"),
    (nn.Linear, "linear"),
    (nn.LayerNorm, "norm"),
    (LearnableAffine, "affine"),
    (nn.LSTM, "lstm"),
)

_CONV_KINDS = ("conv", "conv_transpose")


# ---------------------------------------------------------------- our side
@dataclass
class TorchLayer:
    """One weight-carrying module of our model: its kind, qualified name and the module
    (``layer``: which layer of a stacked ``nn.LSTM``)."""

    kind: str
    name: str
    module: nn.Module
    layer: int = 0


def _kind(module: nn.Module) -> str | None:
    for cls, kind in _KINDS:
        if isinstance(module, cls):
            return kind
    return None


def torch_layers(model: nn.Module, paddle_order: bool = True) -> list[TorchLayer]:
    """Our model's weight-carrying modules in the order their layers run.

    That is registration order, except that Paddle's DB FPNs run their convs coarse to fine
    (lateral 1/32 .. 1/4, then output convs 1/32 .. 1/4), so with ``paddle_order`` the FPN's
    ``lateral`` and ``smooth`` lists are visited in reverse. A module with parameters of a type
    the importer does not know is a PpocrError.
    """
    layers: list[TorchLayer] = []

    def visit(module: nn.Module, prefix: str) -> None:
        kind = _kind(module)
        if kind == "lstm":
            layers.extend(TorchLayer(kind, prefix, module, i) for i in range(module.num_layers))
            return
        if kind is not None:
            layers.append(TorchLayer(kind, prefix, module))
            return
        children = list(module.named_children())
        if paddle_order and isinstance(module, (DBFPN, RSEFPN)):
            children = [(f"lateral.{i}", module.lateral[i]) for i in reversed(range(4))] + [
                (f"smooth.{i}", module.smooth[i]) for i in reversed(range(4))]
        elif not children and any(True for _ in module.parameters(recurse=False)):
            raise PpocrError(f"cannot import into {prefix} ({type(module).__name__}): "
                             "no ONNX pattern known for it")
        for name, child in children:
            visit(child, f"{prefix}.{name}" if prefix else name)

    visit(model, "")
    return layers


# ---------------------------------------------------------------- mapping
def _tensor(value: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(np.array(value, dtype=np.float32))


def _expect(ours: TorchLayer, theirs: OnnxLayer, key: str, wanted: tuple[int, ...]) -> None:
    got = tuple(theirs.tensors[key].shape)
    if got != tuple(wanted):
        raise PpocrError(f"{ours.name}.{key} is {list(wanted)} in our model but "
                         f"{list(got)} in {theirs.describe()}")


def _assign_lstm(ours: TorchLayer, theirs: OnnxLayer, state: dict[str, torch.Tensor]) -> None:
    """One layer of a stacked nn.LSTM from one ONNX LSTM (direction axis first)."""
    lstm = ours.module
    suffixes = ("", "_reverse") if lstm.bidirectional else ("",)
    if (theirs.attrs["directions"], theirs.attrs["hidden_size"]) != (len(suffixes),
                                                                     lstm.hidden_size):
        raise PpocrError(f"{ours.name} layer {ours.layer} has {len(suffixes)} direction(s) of "
                         f"hidden size {lstm.hidden_size} but {theirs.describe()} has "
                         f"{theirs.attrs['directions']} of {theirs.attrs['hidden_size']}")
    for key, value in theirs.tensors.items():
        for direction, suffix in enumerate(suffixes):
            name = f"{key}_l{ours.layer}{suffix}"
            target = getattr(lstm, name, None)
            if target is None or tuple(target.shape) != value.shape[1:]:
                wanted = "nothing" if target is None else list(target.shape)
                raise PpocrError(f"{ours.name}.{name} is {wanted} in our model but "
                                 f"{list(value.shape[1:])} in {theirs.describe()}")
            state[f"{ours.name}.{name}"] = _tensor(value[direction])


def _assign(ours: TorchLayer, theirs: OnnxLayer, state: dict[str, torch.Tensor]) -> None:
    if ours.kind == "lstm":
        _assign_lstm(ours, theirs, state)
        return
    module = ours.module
    for key, value in theirs.tensors.items():
        target = getattr(module, key, None)
        if target is None:  # e.g. a bias our layer does not have
            if key == "bias" and not np.any(value):
                continue
            raise PpocrError(f"{ours.name} has no {key} but {theirs.describe()} does")
        _expect(ours, theirs, key, tuple(target.shape))
        state[f"{ours.name}.{key}"] = _tensor(value)
    for key in ("weight", "bias", "scale"):
        target = getattr(module, key, None)
        if isinstance(target, torch.Tensor) and f"{ours.name}.{key}" not in state:
            raise PpocrError(f"{theirs.describe()} lacks the {key} of {ours.name}")
    if ours.kind in _CONV_KINDS:
        _expect_stride(ours, theirs)
    eps = theirs.attrs.get("eps")
    if eps is not None and not np.isclose(eps, module.eps, rtol=1e-3, atol=0):
        raise PpocrError(f"{ours.name} has eps {module.eps:g} but {theirs.describe()} "
                         f"has eps {eps:g}")


def _expect_stride(ours: TorchLayer, theirs: OnnxLayer) -> None:
    module = ours.module
    stride, groups = tuple(module.stride), module.groups
    if (tuple(theirs.attrs["stride"]), theirs.attrs["groups"]) != (stride, groups):
        raise PpocrError(f"{ours.name} has stride {stride}, groups {groups} but "
                         f"{theirs.describe()} has stride {theirs.attrs['stride']}, "
                         f"groups {theirs.attrs['groups']}")


def _fold_bn(conv: TorchLayer, bn: TorchLayer, theirs: OnnxLayer,
             state: dict[str, torch.Tensor]) -> None:
    """BN folded into an exported conv: conv takes the weight (and the bias where it has one),
    BN becomes y = x + bias (the identity when the conv took the bias)."""
    _expect(conv, theirs, "weight", tuple(conv.module.weight.shape))
    _expect(bn, theirs, "bias", tuple(bn.module.bias.shape))
    _expect_stride(conv, theirs)
    state[f"{conv.name}.weight"] = _tensor(theirs.tensors["weight"])
    channels = bn.module.num_features
    bias = _tensor(theirs.tensors["bias"])
    if conv.module.bias is not None:
        state[f"{conv.name}.bias"], bias = bias, torch.zeros(channels)
    state[f"{bn.name}.weight"] = torch.ones(channels)
    state[f"{bn.name}.bias"] = bias
    state[f"{bn.name}.running_mean"] = torch.zeros(channels)
    state[f"{bn.name}.running_var"] = torch.full((channels,), 1.0 - bn.module.eps)


def map_onnx_weights(model: nn.Module, source: str | Path | onnx.ModelProto, *,
                     paddle_order: bool = True,
                     not_exported: tuple[str, ...] = ()) -> dict[str, torch.Tensor]:
    """The state dict for ``model`` from the ONNX model ``source`` (see the module docstring).

    ``not_exported``: name prefixes of our modules that the export legitimately lacks (the DB
    head's threshold branch: inference exports compute the probability map only); they keep
    their current values. Every other tensor of ``model`` and every ONNX layer must be mapped,
    else PpocrError naming the first one left over.
    """
    theirs = read_onnx_layers(source)
    ours = [layer for layer in torch_layers(model, paddle_order)
            if not layer.name.startswith(tuple(p for p in not_exported if p))]
    state: dict[str, torch.Tensor] = {}
    i = j = 0
    while i < len(ours) and j < len(theirs):
        mine, other = ours[i], theirs[j]
        folded = (mine.kind == other.kind and mine.kind in _CONV_KINDS
                  and "bias" in other.tensors and i + 1 < len(ours) and ours[i + 1].kind == "bn"
                  and (j + 1 == len(theirs) or theirs[j + 1].kind != "bn"))
        if folded:
            _fold_bn(mine, ours[i + 1], other, state)
            i += 2
        elif mine.kind != other.kind:
            raise PpocrError(f"layer {i} of our model, {mine.name} ({mine.kind}), meets "
                             f"{other.describe()}: the architectures differ here")
        else:
            _assign(mine, other, state)
            i += 1
        j += 1
    if j < len(theirs):
        raise PpocrError(f"{len(theirs) - j} ONNX layers left unmapped, first "
                         f"{theirs[j].describe()}")
    if i < len(ours):
        raise PpocrError(f"{len(ours) - i} layers of our model left unmapped, first "
                         f"{ours[i].name} ({ours[i].kind})")
    full = model.state_dict()
    for key, value in full.items():
        if key not in state and key.startswith(tuple(p for p in not_exported if p)):
            state[key] = value.detach().clone()
        elif key not in state and not key.endswith("num_batches_tracked"):
            raise PpocrError(f"model tensor {key} received no value from the ONNX model")
        elif key not in state:
            state[key] = value.detach().clone()
    return state


def load_onnx_weights(model: nn.Module, source: str | Path | onnx.ModelProto, *,
                      paddle_order: bool = True, not_exported: tuple[str, ...] = ()) -> None:
    """:func:`map_onnx_weights` and load the result into ``model`` (strict), in place."""
    state = map_onnx_weights(model, source, paddle_order=paddle_order,
                             not_exported=not_exported)
    model.load_state_dict(state, strict=True)
