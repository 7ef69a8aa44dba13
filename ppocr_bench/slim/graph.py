"""Pruning groups: the channels that must be removed together, found by probing the network.

A group is a set of channels that a conv (its *leader*, the first of the group's convs to run)
writes and that every layer after it reads at known input positions: BatchNorm and depthwise
convs (pruned in step, never criterion layers themselves), the input channels of the next convs,
transposed convs, linears and LSTMs, wherever concatenations put them. Convs whose outputs are
added or multiplied channel by channel share a group: the squeeze-excite gate's second conv
joins the expansion conv it scales, and the convs of a residual chain (MobileNetV3's projections
and their identity shortcuts, the FPN's lateral convs merged top-down) form one group that is
pruned as a whole, by the leader's FPGM scores, as PaddleSlim prunes a collection by its master
parameter. See :mod:`.probe` for how the dependencies are found.

Skipped, with the reason kept (``PruneGroup.skip``), as PaddleOCR skips them: transposed convs,
linears and LSTMs are never criterion layers (the DB head's upsampling, the cls/rec heads' final
Linear of the classes); depthwise convs are pruned only in step with their input; a conv whose
channels reach a model output (a leaf); the convs of the DB head (PaddleOCR's
``sensitivity_anal.py`` leaves its 3x3 convs, conv2d_56/57, alone); a group tied to channels
that are never pruned (a transposed conv's, linear's or LSTM's output), mixed by a parameter-free
op (attention), or read by a layer of unknown layout (LayerNorm, a grouped conv).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import torch
from torch import nn

from ppocr_bench.errors import PpocrError
from ppocr_bench.models.heads.db_head import DBHead
from ppocr_bench.slim.probe import ProbeResult, code_bits, layer_kind, run_probe

#: modules whose convs are never pruned -> why (PaddleOCR's sensitivity analysis skips the DB
#: head's convs)
SKIP_OWNERS: dict[type[nn.Module], str] = {DBHead: "in the DB head (PaddleOCR does not prune it)"}
CACHE_SIZE = 16  # architectures whose groups are kept (a probe costs about a second)
_CACHE: dict[tuple, list[PruneGroup]] = {}


@dataclass(frozen=True)
class PruneGroup:
    """Channels pruned together. ``size``: the leader's output channels. ``producers``: conv ->
    its output channel for each group channel (the leader's is 0..size-1). ``slots``: layer ->
    its input channels for each group channel (BatchNorm and depthwise convs: their channels).
    ``skip``: why the group is not prunable, None when it is. Read-only."""

    leader: str
    size: int
    producers: dict[str, list[int]]
    slots: dict[str, list[list[int]]]
    skip: str | None = None


class _Sets:
    """Union-find over hashable nodes."""

    def __init__(self) -> None:
        self.parent: dict = {}

    def find(self, node: object) -> object:
        self.parent.setdefault(node, node)
        while self.parent[node] != node:
            self.parent[node] = self.parent[self.parent[node]]
            node = self.parent[node]
        return node

    def union(self, a: object, b: object) -> None:
        self.parent[self.find(a)] = self.find(b)


def find_groups(model: nn.Module) -> list[PruneGroup]:
    """Every conv group of ``model`` (an OcrModel), prunable or not, in forward order of their
    leaders. Cached per architecture (module names, types and parameter shapes). A
    quantisation-aware model is refused (the probe would feed its moving averages NaN)."""
    if getattr(model, "quant", None):
        raise PpocrError(f"{model.preset}: quantisation-aware ({model.quant}) model: prune the "
                         "float model, then quantise it")
    key = _signature(model)
    if key not in _CACHE:
        if len(_CACHE) >= CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = _groups(model, run_probe(model))
    return _CACHE[key]


def prunable_groups(model: nn.Module) -> dict[str, PruneGroup]:
    """The prunable groups of ``model`` by leader name."""
    return {g.leader: g for g in find_groups(model) if g.skip is None}


def _signature(model: nn.Module) -> tuple:
    layers = tuple((name, type(m).__name__, tuple(
        (p, tuple(t.shape)) for p, t in m.named_parameters(recurse=False)))
        for name, m in model.named_modules())
    return (model.task, tuple(model.input_size), layers)


def _groups(model: nn.Module, probe: ProbeResult) -> list[PruneGroup]:
    sets, problems = _connect(model, probe)
    members: dict[object, list[tuple]] = defaultdict(list)
    for node in list(sets.parent):
        members[sets.find(node)].append(node)
    tied = _Sets()
    convs = [name for name in probe.order if layer_kind(model.get_submodule(name)) == "conv"]
    for nodes in members.values():
        names = [n[1] for n in nodes if n[0] == "p"]
        for other in names[1:]:
            tied.union(names[0], other)
    by_root: dict[object, list[str]] = defaultdict(list)
    for name in convs:
        by_root[tied.find(name)].append(name)
    owned = _owned(model)
    return [_group(model, names, sets, members, problems, owned) for names in by_root.values()]


def _connect(model: nn.Module, probe: ProbeResult) -> tuple[_Sets, dict[str, str]]:
    """Union each conv channel ("p", conv, i) and each fixed layer ("f", name) with the input
    channels ("s", layer, j) it reaches; problems: conv -> why it cannot be pruned."""
    sets, problems = _Sets(), {}
    for name, (first, stop) in probe.rows.items():
        module = model.get_submodule(name)
        if name not in probe.order:
            problems[name] = "it does not run in the forward pass"
            continue
        if layer_kind(module) == "fixed":
            for layer, seen in probe.channels.items():
                for j in seen[first].nonzero().flatten().tolist():
                    sets.union(("f", name), ("s", layer, j))
            continue
        problem = _reach_problem(name, first, stop, probe)
        if problem:
            problems[name] = problem
        for layer, seen in probe.channels.items():
            bad = _decode(name, module.out_channels, layer, seen[first:stop], sets)
            if bad and name not in problems:
                problems[name] = f"its channels mix before reaching {layer}"
    return sets, problems


def _reach_problem(name: str, first: int, stop: int, probe: ProbeResult) -> str | None:
    assert probe.output is not None
    if probe.output[first:stop].any():
        return "a leaf: its channels reach a model output"
    for layer, rows in probe.reached.items():
        if rows[first:stop].any():
            return f"its channels reach {layer}, a layer of unknown channel layout"
    return None


def _decode(name: str, channels: int, layer: str, seen: torch.Tensor, sets: _Sets) -> bool:
    """Union conv ``name``'s channels with the input channels of ``layer`` they reach (``seen``:
    its (2 * bits, C_in) probe rows). True when some input channel is fed by several."""
    ones, zeros = seen[0::2], seen[1::2]
    reached = (ones | zeros).any(0)
    if not reached.any():
        return False
    weights = (1 << torch.arange(code_bits(channels))).unsqueeze(1)
    index = (ones.long() * weights).sum(0)
    bad = reached & (~(ones ^ zeros).all(0) | (index >= channels))
    for j in (reached & ~bad).nonzero().flatten().tolist():
        sets.union(("p", name, int(index[j])), ("s", layer, j))
    return bool(bad.any())


def _owned(model: nn.Module) -> dict[str, str]:
    """Name prefix of each module of a :data:`SKIP_OWNERS` type -> why its convs stay."""
    return {name + ".": why for name, m in model.named_modules()
            for owner, why in SKIP_OWNERS.items() if isinstance(m, owner)}


def _group(model: nn.Module, names: list[str], sets: _Sets, members: dict,
           problems: dict[str, str], owned: dict[str, str]) -> PruneGroup:
    """The group of tied convs ``names`` (forward order), with its channel map or its skip."""
    leader, size = names[0], model.get_submodule(names[0]).out_channels
    skip = next((f"{n}: {problems[n]}" if n != leader else problems[n]
                 for n in names if n in problems), None)
    if skip is None:
        skip = next((why for n in names for prefix, why in owned.items()
                     if n.startswith(prefix)), None)
    if skip is None and any(model.get_submodule(n).out_channels != size for n in names):
        skip = "tied to convs of another width"
    producers: dict[str, list[int]] = {n: [] for n in names}
    slots: dict[str, list[list[int]]] = defaultdict(lambda: [[] for _ in range(size)])
    for i in range(size):
        nodes = members[sets.find(("p", leader, i))]
        fixed = [n[1] for n in nodes if n[0] == "f"]
        if skip is None and fixed:
            skip = f"its channels meet the output of {fixed[0]}, which is never pruned"
        for name in names:
            own = [n[2] for n in nodes if n[0] == "p" and n[1] == name]
            if len(own) != 1 and skip is None:
                skip = f"its channels do not map one to one onto {name}'s"
            producers[name].append(own[0] if own else -1)
        for node in nodes:
            if node[0] == "s":
                slots[node[1]][i].append(node[2])
    if skip is None and any(sorted(c) != list(range(size)) for c in producers.values()):
        skip = "its channels do not map one to one onto the convs tied to it"
    return PruneGroup(leader, size, producers, dict(slots), skip)
