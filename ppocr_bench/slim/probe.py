"""Which channels feed which layers, found by running the network on NaN-marked channels.

Every conv, transposed conv, linear and LSTM ("producers") has its output replaced by zeros
during the probe, so a mark stops at the first layer that mixes channels. A conv with n output
channels gets 2 * ceil(log2 n) batch rows: in row 2k its channels whose index has bit k set are
NaN, in row 2k + 1 those whose bit k is clear. Parameter-free ops (activations, pooling,
upsampling, concatenation, residual adds, the squeeze-excite product, reshapes) carry the
marks along, as do BatchNorm and depthwise convs (per-channel layers). Each layer's input is
read back per channel: a channel fed by exactly one channel i of the conv shows NaN in one row
of every pair, and those rows spell i in binary; a channel fed by several shows both rows of
some pair. The transposed convs, linears and LSTMs (never pruned) get one all-NaN row each, so
a conv whose channels meet theirs can be told apart. Batch rows stay independent: BatchNorm and
dropout run in eval mode, everything else in training mode (the DB head's threshold branch
runs only in training).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn
from torch.nn.modules.batchnorm import _BatchNorm
from torch.nn.modules.conv import _ConvTransposeNd

#: layer kinds: "conv" (a pruning criterion candidate), "depthwise" and "norm" (per-channel,
#: pruned in step with what feeds them), "fixed" (channels never pruned), "other" (parameters
#: of unknown layout: a conv whose marks reach one cannot be pruned)
KINDS = ("conv", "depthwise", "norm", "fixed", "other")


def layer_kind(module: nn.Module) -> str | None:
    """The kind of ``module`` (see :data:`KINDS`); None for a module without parameters or
    with scalar ones only (it cannot hold per-channel state; if it mixed channels, the layers
    after it would show it)."""
    if isinstance(module, _ConvTransposeNd):
        return "fixed"
    if isinstance(module, nn.Conv2d):
        if module.groups == 1:
            return "conv"
        depthwise = module.groups == module.in_channels == module.out_channels
        return "depthwise" if depthwise else "fixed"
    if isinstance(module, _BatchNorm):
        return "norm"
    if isinstance(module, nn.Linear) or (isinstance(module, nn.RNNBase) and module.batch_first):
        return "fixed"
    if any(p.numel() > 1 for p in module.parameters(recurse=False)):
        return "other"
    return None  # parameter-free, or scalar parameters only (PP-LCNetV3's a * x + b)


def channel_dim(module: nn.Module) -> int:
    """The channel axis of ``module``'s input: last for linears and LSTMs, 1 otherwise."""
    return -1 if isinstance(module, (nn.Linear, nn.RNNBase)) else 1


@dataclass
class ProbeResult:
    """What one probe run saw. Rows index the probe batch.

    rows: producer -> (first row, stop row); a conv's 2 * bits rows, a fixed layer's one.
    channels: layer with a channel axis -> (rows, C_in) bool, which input channels were NaN.
    reached: "other" layer -> (rows,) bool, whether any NaN reached it.
    output: (rows,) bool, whether any NaN reached a model output.
    order: producers in the order they first ran.
    """

    rows: dict[str, tuple[int, int]]
    channels: dict[str, torch.Tensor] = field(default_factory=dict)
    reached: dict[str, torch.Tensor] = field(default_factory=dict)
    output: torch.Tensor | None = None
    order: list[str] = field(default_factory=list)


def code_bits(channels: int) -> int:
    """Bits that spell every index below ``channels`` (at least 1)."""
    return max(1, (channels - 1).bit_length())


def channel_codes(channels: int) -> torch.Tensor:
    """(2 * bits, channels) bool: row 2k marks the channels with bit k set, row 2k + 1 the
    others."""
    index = torch.arange(channels)
    bits = torch.stack([(index >> k) & 1 == 1 for k in range(code_bits(channels))])
    return torch.stack([bits, ~bits], 1).reshape(-1, channels)


def probe_input_size(model: nn.Module) -> tuple[int, int, int]:
    """(C, H, W) of the probe: det 32 x 32 (its coarsest map is 1 x 1); cls and rec the
    preset's height, 8 px wide."""
    c, h, w = model.input_size
    return (c, 32, 32) if model.task == "det" else (c, h, min(w, 8))


def run_probe(model: nn.Module) -> ProbeResult:
    """Probe every producer of ``model`` in one batched forward pass (module docstring); the
    model's modes are restored and its weights untouched."""
    kinds = {name: layer_kind(m) for name, m in model.named_modules()}
    rows: dict[str, tuple[int, int]] = {}
    start = 0
    for name, module in model.named_modules():
        if kinds[name] in ("conv", "fixed"):
            width = 2 * code_bits(module.out_channels) if kinds[name] == "conv" else 1
            rows[name] = (start, start + width)
            start += width
    result = ProbeResult(rows)
    modes = {m: m.training for m in model.modules()}
    handles = _hooks(model, kinds, result)
    try:
        model.train()
        for module in model.modules():
            if isinstance(module, (_BatchNorm, nn.Dropout)):
                module.eval()
        with torch.no_grad():
            out = model(torch.zeros(start, *probe_input_size(model)))
        result.output = _nan_rows(out, start)
    finally:
        for handle in handles:
            handle.remove()
        for name, module in model.named_modules():
            module.__dict__.pop("forward", None)  # the producers' marking forwards
        for module, training in modes.items():
            module.training = training
    return result


def _hooks(model: nn.Module, kinds: dict[str, str | None], result: ProbeResult) -> list[Any]:
    """Input readers on every layer with parameters; producers' forwards replaced by
    :func:`_marking_forward` (an instance attribute, removed after the probe)."""
    handles = []
    for name, module in model.named_modules():
        kind = kinds[name]
        if kind in ("conv", "fixed"):
            module.forward = _marking_forward(name, module, kind == "conv", result)
        if kind in ("conv", "depthwise", "norm", "fixed"):
            handles.append(module.register_forward_pre_hook(_channels_hook(name, result)))
        elif kind == "other":
            handles.append(module.register_forward_pre_hook(_reached_hook(name, result)))
    return handles


def _marking_forward(name: str, module: nn.Module, conv: bool, result: ProbeResult) -> Any:
    """A producer's probe forward: zeros of the output's shape (computed on one row only)
    with the producer's own rows marked (a conv's channel codes, a fixed layer's NaN row)."""
    compute = type(module).forward

    def forward(x: torch.Tensor, *args: Any) -> Any:
        if name not in result.order:
            result.order.append(name)
        output = compute(module, x[:1], *args)
        tensor = output[0] if isinstance(output, tuple) else output
        marked = tensor.new_zeros((x.shape[0], *tensor.shape[1:]))
        first, stop = result.rows[name]
        if conv:
            marked[first:stop][channel_codes(tensor.shape[1])] = float("nan")
        else:
            marked[first:stop] = float("nan")
        if isinstance(output, tuple):  # an LSTM: (output, (h, c)); the state is not read
            return marked, tuple(t.new_zeros((t.shape[0], x.shape[0], *t.shape[2:]))
                                 for t in output[1])
        return marked
    return forward


def _channels_hook(name: str, result: ProbeResult) -> Any:
    def hook(module: nn.Module, inputs: tuple) -> None:
        x = inputs[0].isnan().movedim(channel_dim(module), 1)
        seen = x.reshape(x.shape[0], x.shape[1], -1).any(2)
        previous = result.channels.get(name)
        result.channels[name] = seen if previous is None else previous | seen
    return hook


def _reached_hook(name: str, result: ProbeResult) -> Any:
    def hook(module: nn.Module, inputs: tuple) -> None:
        rows = _nan_rows(inputs, None)
        if rows is not None:
            previous = result.reached.get(name)
            result.reached[name] = rows if previous is None else previous | rows
    return hook


def _nan_rows(value: Any, batch: int | None) -> torch.Tensor | None:
    """(rows,) bool: which batch rows hold a NaN anywhere in ``value`` (tensors, possibly
    nested in tuples, lists and dicts); None when there is no tensor (and ``batch`` is None)."""
    found: torch.Tensor | None = None
    if isinstance(value, torch.Tensor) and value.dim() > 0 and value.is_floating_point():
        found = value.isnan().reshape(value.shape[0], -1).any(1)
    elif isinstance(value, (tuple, list, dict)):
        for item in (value.values() if isinstance(value, dict) else value):
            rows = _nan_rows(item, None)
            if rows is not None:
                found = rows if found is None else found | rows
    if found is None and batch is not None:
        found = torch.zeros(batch, dtype=torch.bool)
    return found
