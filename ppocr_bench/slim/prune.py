"""Real channel removal: a smaller dense network, not masks.

:func:`prune_model` removes each named group's FPGM-chosen channels (:mod:`.fpgm`) from a copy
of the model: the group's convs lose filters (and biases), its BatchNorms and depthwise convs
lose channels, the layers reading it lose input channels (conv, transposed conv, linear and LSTM
input weights), and every module's ``in_channels`` / ``out_channels`` attribute is made true
again. The new shape is recorded in ``model.spec.pruned`` (leader conv -> channels kept), which
travels with saved weights and zoo cards: :func:`shrink_to` rebuilds that shape on a freshly
built preset, which is how ``create_model`` makes a pruned network from its spec.
"""

from __future__ import annotations

import copy
import dataclasses
from collections import defaultdict
from typing import Any

import torch
from torch import nn

from ppocr_bench.errors import PpocrError
from ppocr_bench.models.model import OcrModel
from ppocr_bench.slim.fpgm import fpgm_pruned
from ppocr_bench.slim.graph import PruneGroup, find_groups, prunable_groups
from ppocr_bench.slim.probe import layer_kind, probe_input_size


def prune_model(model: OcrModel, ratios: dict[str, float]) -> OcrModel:
    """A pruned copy of ``model`` (left untouched): group leader -> ratio in (0, 1), each
    group losing the ``round(size * ratio)`` channels (at most size - 1) that FPGM scores
    lowest on the leader's filters. A name that is no prunable leader is a PpocrError saying
    why."""
    groups = checked_groups(model, ratios)
    for name, ratio in ratios.items():
        if not 0.0 < ratio < 1.0:
            raise PpocrError(f"pruning ratio of {name} must lie in (0, 1), got {ratio}")
    removals = [(groups[name], fpgm_pruned(model.get_submodule(name).weight, ratio))
                for name, ratio in ratios.items()]
    pruned = copy.deepcopy(model)
    remove_channels(pruned, removals)
    return pruned


def shrink_to(model: OcrModel, counts: dict[str, int]) -> None:
    """Cut ``model`` (a fresh, unpruned preset) in place to ``counts`` (leader -> channels
    kept, :attr:`ModelSpec.pruned`), keeping each group's first channels: the shape a pruned
    checkpoint needs before its weights are loaded."""
    try:
        groups = checked_groups(model, counts)
    except PpocrError as error:
        raise PpocrError(f"pruned: {error}") from None
    removals = []
    for name, count in counts.items():
        size = groups[name].size
        if isinstance(count, bool) or not isinstance(count, int) or not 0 < count <= size:
            raise PpocrError(f"pruned: {name} keeps {count!r} channels; it has {size}, "
                             "keep 1 to all of them")
        removals.append((groups[name], list(range(count, size))))
    remove_channels(model, removals)


def checked_groups(model: OcrModel, names: dict[str, Any]) -> dict[str, PruneGroup]:
    """The prunable groups of ``model``; a PpocrError for the first of ``names`` that is not
    a prunable group's leader (what it is instead, the prunable layers otherwise)."""
    groups = prunable_groups(model)
    for name in names:
        if name not in groups:
            raise PpocrError(f"{name}: {describe_layer(model, name)}")
    return groups


def describe_layer(model: OcrModel, name: str) -> str:
    """Why ``name`` is no prunable layer of ``model``, in a few words."""
    modules = dict(model.named_modules())
    for group in find_groups(model):
        if group.leader == name and group.skip:
            return f"not prunable: {group.skip}"
        if name in group.producers and name != group.leader:
            return f"pruned with its group: name its leader {group.leader}"
    if name not in modules:
        known = ", ".join(list(prunable_groups(model))[:4])
        return f"no such layer in {model.preset} (prunable layers: {known}, ...)"
    kind = layer_kind(modules[name])
    if kind == "depthwise":
        return "a depthwise conv: pruned in step with the conv that feeds it"
    return f"a {type(modules[name]).__name__}, not a conv that FPGM prunes"


def remove_channels(model: OcrModel, removals: list[tuple[PruneGroup, list[int]]]) -> None:
    """Remove, in place, each group's channels (indices into the group) from every layer of
    the group; then fix the ``*_channels`` attributes and ``spec.pruned``."""
    outputs: dict[str, set[int]] = defaultdict(set)
    inputs: dict[str, set[int]] = defaultdict(set)
    for group, channels in removals:
        for name, mapping in group.producers.items():
            outputs[name].update(mapping[k] for k in channels)
        for name, per_channel in group.slots.items():
            inputs[name].update(j for k in channels for j in per_channel[k])
    before = observed_channels(model)
    for name in outputs.keys() | inputs.keys():
        _shrink_layer(model.get_submodule(name), outputs[name], inputs[name])
    after = observed_channels(model)
    for name, seen in before.items():
        module = model.get_submodule(name)
        for attr, value in seen.items():
            if getattr(module, attr) == value:  # an attribute meaning something else stays
                setattr(module, attr, after[name][attr])
    counts = dict(model.spec.pruned or ())
    counts.update({g.leader: g.size - len(c) for g, c in removals})
    model.spec = dataclasses.replace(model.spec, pruned=tuple(sorted(counts.items())) or None)


def _keep(size: int, removed: set[int]) -> torch.Tensor:
    return torch.tensor([i for i in range(size) if i not in removed], dtype=torch.long)


def _assign(module: nn.Module, name: str, value: torch.Tensor) -> None:
    """Replace parameter or buffer ``name`` of ``module`` by a copy of ``value``."""
    old, value = getattr(module, name), value.detach().clone()
    if isinstance(old, nn.Parameter):
        value = nn.Parameter(value, requires_grad=old.requires_grad)
    setattr(module, name, value)


def _shrink_layer(module: nn.Module, outputs: set[int], inputs: set[int]) -> None:
    """Remove output channels ``outputs`` and input channels ``inputs`` from one layer."""
    kind = layer_kind(module)
    if kind in ("depthwise", "norm"):  # per-channel: its input channels are its channels
        size = module.num_features if kind == "norm" else module.out_channels
        keep = _keep(size, inputs | outputs)
        names = ("weight", "bias", "running_mean", "running_var")
        for name in names:
            if getattr(module, name, None) is not None:
                _assign(module, name, getattr(module, name)[keep])
        if kind == "norm":
            module.num_features = len(keep)
        else:
            module.in_channels = module.out_channels = module.groups = len(keep)
        return
    if isinstance(module, nn.RNNBase):
        keep = _keep(module.input_size, inputs)
        for name in ("weight_ih_l0", "weight_ih_l0_reverse"):
            if hasattr(module, name):
                _assign(module, name, getattr(module, name)[:, keep])
        module.input_size = len(keep)
        module._init_flat_weights()
        return
    if isinstance(module, nn.Linear):
        keep = _keep(module.in_features, inputs)
        _assign(module, "weight", module.weight[:, keep])
        module.in_features = len(keep)
        return
    _shrink_conv(module, outputs, inputs)


def _shrink_conv(module: nn.Module, outputs: set[int], inputs: set[int]) -> None:
    """A conv (weight (out, in, k, k)) or transposed conv (weight (in, out, k, k))."""
    transposed = isinstance(module, nn.modules.conv._ConvTransposeNd)
    out_axis, in_axis = (1, 0) if transposed else (0, 1)
    keep_out = _keep(module.out_channels, outputs)
    keep_in = _keep(module.in_channels, inputs)
    weight = module.weight.index_select(out_axis, keep_out).index_select(in_axis, keep_in)
    _assign(module, "weight", weight)
    if module.bias is not None:
        _assign(module, "bias", module.bias[keep_out])
    module.out_channels, module.in_channels = len(keep_out), len(keep_in)


def observed_channels(model: OcrModel) -> dict[str, dict[str, Any]]:
    """For each composite module with ``in_channels`` / ``out_channels`` attributes (backbones,
    blocks, necks, heads), the channels its input and output really have in an eval forward
    pass of one probe-sized image: ints, or lists for lists of maps."""
    seen: dict[str, dict[str, Any]] = {}
    handles = []
    for name, module in model.named_modules():
        attrs = [a for a in ("in_channels", "out_channels") if hasattr(module, a)]
        if attrs and layer_kind(module) is None:
            handles.append(module.register_forward_hook(_recorder(name, attrs, seen)))
    training = model.training
    try:
        with torch.no_grad():
            model.eval()(torch.zeros(1, *probe_input_size(model)))
    finally:
        model.train(training)
        for handle in handles:
            handle.remove()
    return seen


def _recorder(name: str, attrs: list[str], seen: dict[str, dict[str, Any]]) -> Any:
    def hook(module: nn.Module, inputs: tuple, output: Any) -> None:
        values = {"in_channels": _channels(inputs[0]), "out_channels": _channels(output)}
        seen[name] = {a: values[a] for a in attrs}
    return hook


def _channels(value: Any) -> Any:
    """Channels of a (B, C, H, W) map, a (B, T, C) sequence or (B, C) logits; a list of those
    for a list of maps."""
    if isinstance(value, (list, tuple)):
        return [_channels(v) for v in value]
    return value.shape[1] if value.dim() == 4 else value.shape[-1]
