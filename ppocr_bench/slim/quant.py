"""PACT quantisation-aware training (PaddleOCR ``deploy/slim/quantization/quant.py``, PAPER.md
"Slim").

:func:`quantize_model` swaps every ``nn.Conv2d`` (depthwise ones included) and ``nn.Linear`` of
a model, in place, for :class:`QuantConv2d` / :class:`QuantLinear`, which keep the layer's
``weight`` and ``bias`` under the same state-dict keys and add an :class:`InputQuant` before it:

- PACT: ``y = x - relu(x - a) + relu(-a - x)``, i.e. ``y = clip(x, -a, a)``, one learned scalar
  ``a`` per quantised layer input, initialised to 20, with its own L2 of 2e-5
  (:func:`param_groups`). A fresh QAT run first fits the alphas to its first batch
  (:func:`fit_alphas`): an alpha whose layer's inputs exceed 20 starts at their abs-max
  instead. PaddleOCR's models stay within 20, ours need not: zoo/mobile v1's DB head reads
  features beyond it, and clipped at 20 its det hmean fell from 0.551 to 0.125 on 30 pages,
  too far for Adam, which moves an alpha by about the learning rate per step, to undo;
- activation fake-quant, moving-average abs-max: ``state = r * state + 1``,
  ``accum = r * accum + max|y|`` (rate r = 0.9, both start at 1, updated in training only),
  scale ``s = accum / state``;
- weight fake-quant, channel-wise abs-max: ``s_c = max|w_c|`` per output channel;
- both quantise as ``round(clip(x, -s, s) * 127 / s) * s / 127`` (8 bits, symmetric, rounding
  half to even as ``torch.round`` and ONNX ``QuantizeLinear`` do) with a straight-through
  gradient: identity, no clip mask.

Left in float, as PaddleOCR's QAT leaves them (its ``quantizable_layer_type`` is Conv2D and
Linear): LSTM, transposed convolutions (the DB head's upsampling), batch and layer norms,
activations, pooling, the attention matmuls and PP-LCNetV3's learnable affines. The alphas and
the moving-average ``accum`` / ``state`` are in the state dict, so a checkpoint resumes exactly;
``model.quant`` names the method and travels with saved weights.
"""

from __future__ import annotations

from collections.abc import Iterable

import torch
import torch.nn.functional as F
from torch import nn

from ppocr_bench.errors import PpocrError
from ppocr_bench.models.depthwise import DepthwiseConv2d, depthwise_forward

BITS = 8
LEVELS = 2 ** (BITS - 1) - 1  # 127: symmetric int8, -127..127
ALPHA_INIT = 20.0
ALPHA_L2 = 2e-5
MOVING_RATE = 0.9
MIN_SCALE = 1e-8  # an all-zero weight channel quantises to zeros, not NaN


def fake_quant(x: torch.Tensor, scale: torch.Tensor) -> torch.Tensor:
    """``round(clip(x, -s, s) * 127 / s) * s / 127`` with ``scale`` s broadcast against ``x``
    (a scalar, or (C, 1, ...) per channel); the gradient to ``x`` is the identity
    (straight-through, no clip mask) and none flows to ``scale``. Shape of ``x``."""
    s = scale.detach().clamp_min(MIN_SCALE)
    q = torch.round(torch.clamp(x.detach(), -s, s) * (LEVELS / s)) * (s / LEVELS)
    return q + (x - x.detach())  # the value q exactly, the gradient of x


def weight_scales(weight: torch.Tensor) -> torch.Tensor:
    """Channel-wise abs-max of an (out, ...) weight: (out,) ``max|w_c|``."""
    return weight.detach().abs().flatten(1).amax(dim=1).clamp_min(MIN_SCALE)


def quantize_weight(weight: torch.Tensor) -> torch.Tensor:
    """The (out, ...) weight fake-quantised per output channel (straight-through)."""
    scales = weight_scales(weight).reshape(-1, *([1] * (weight.dim() - 1)))
    return fake_quant(weight, scales)


class InputQuant(nn.Module):
    """PACT clip, then moving-average abs-max fake-quant, of a quantised layer's input.

    ``alpha`` (1,) parameter; ``accum``, ``state`` (1,) buffers; any input shape. In ONNX
    export the clip is ``Clip(-m, m)``, m = min(alpha, scale) (the same values: the quantiser
    clips at the scale) and the quantiser a QuantizeLinear / DequantizeLinear pair of scale
    ``scale / 127`` (see :mod:`ppocr_bench.slim.int8`).
    """

    def __init__(self) -> None:
        super().__init__()
        self.alpha = nn.Parameter(torch.full((1,), ALPHA_INIT))
        self.register_buffer("accum", torch.ones(1))
        self.register_buffer("state", torch.ones(1))

    @property
    def scale(self) -> torch.Tensor:
        """(1,) the activation scale s = accum / state."""
        return self.accum / self.state

    def pact(self, x: torch.Tensor) -> torch.Tensor:
        """``x - relu(x - a) + relu(-a - x)``: x clipped to [-a, a], with the PACT gradient
        to ``alpha`` (+1 where x > a, -1 where x < -a)."""
        return x - F.relu(x - self.alpha) + F.relu(-self.alpha - x)

    @torch.no_grad()
    def observe(self, y: torch.Tensor) -> None:
        """One moving-average step with the batch's max|y|."""
        self.state.mul_(MOVING_RATE).add_(1.0)
        self.accum.mul_(MOVING_RATE).add_(y.detach().abs().max().float())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if torch.onnx.is_in_onnx_export():
            return self._export_forward(x)
        y = self.pact(x)
        if self.training:
            self.observe(y)
        return fake_quant(y, self.scale.to(y.dtype))

    def _export_forward(self, x: torch.Tensor) -> torch.Tensor:
        scale = float(self.scale)
        bound = min(float(self.alpha.detach()), scale)
        y = torch.clamp(x, -bound, bound)  # in [-s, s]: the int8 codes stay in -127..127
        return torch.fake_quantize_per_tensor_affine(y, scale / LEVELS, 0, -LEVELS - 1, LEVELS)


def export_weight(weight: torch.Tensor) -> torch.Tensor:
    """The weight as a per-channel QuantizeLinear / DequantizeLinear pair in ONNX export, its
    scales constants (``int8_weights`` turns the pair into an int8 initializer)."""
    scales = torch.tensor(weight_scales(weight).tolist()) / LEVELS
    zeros = torch.zeros(weight.shape[0], dtype=torch.int32)
    return torch.fake_quantize_per_channel_affine(weight, scales, zeros, 0, -LEVELS - 1, LEVELS)


def _weight(weight: torch.Tensor) -> torch.Tensor:
    return export_weight(weight) if torch.onnx.is_in_onnx_export() else quantize_weight(weight)


class QuantConv2d(nn.Module):
    """A quantised ``nn.Conv2d`` (or :class:`DepthwiseConv2d`, whose fast CPU weight gradient
    it keeps): (B, in_channels, H, W) -> (B, out_channels, H', W') as the layer it replaces,
    with PACT + fake-quantised input and per-channel fake-quantised weight."""

    def __init__(self, conv: nn.Conv2d) -> None:
        super().__init__()
        if conv.padding_mode != "zeros":
            raise PpocrError(f"QuantConv2d: padding mode {conv.padding_mode!r} is not supported")
        self.weight, self.bias = conv.weight, conv.bias
        self.in_channels, self.out_channels = conv.in_channels, conv.out_channels
        self.kernel_size, self.stride, self.padding = conv.kernel_size, conv.stride, conv.padding
        self.dilation, self.groups = conv.dilation, conv.groups
        self.depthwise = isinstance(conv, DepthwiseConv2d)
        self.input_quant = InputQuant()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x, weight = self.input_quant(x), _weight(self.weight)
        if self.depthwise:
            return depthwise_forward(x, weight, self.stride, self.padding)
        return F.conv2d(x, weight, self.bias, self.stride, self.padding, self.dilation,
                        self.groups)

    def extra_repr(self) -> str:
        return (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}, groups={self.groups}, int8 PACT")


class QuantLinear(nn.Module):
    """A quantised ``nn.Linear``: (..., in_features) -> (..., out_features), PACT +
    fake-quantised input, weight fake-quantised per output feature."""

    def __init__(self, linear: nn.Linear) -> None:
        super().__init__()
        self.weight, self.bias = linear.weight, linear.bias
        self.in_features, self.out_features = linear.in_features, linear.out_features
        self.input_quant = InputQuant()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.linear(self.input_quant(x), _weight(self.weight), self.bias)

    def extra_repr(self) -> str:
        return f"{self.in_features}, {self.out_features}, int8 PACT"


#: the float layer types that are quantised (exact types: a subclass such as the
#: ``out_proj`` of ``nn.MultiheadAttention`` is used by weight, not called, and stays float)
WRAPPERS: dict[type[nn.Module], type[nn.Module]] = {
    nn.Conv2d: QuantConv2d, DepthwiseConv2d: QuantConv2d, nn.Linear: QuantLinear,
}
QUANT_LAYERS = (QuantConv2d, QuantLinear)


def quantize_model(model: nn.Module, method: str = "pact") -> nn.Module:
    """Swap ``model``'s Conv2d and Linear layers for their quantised wrappers, in place (same
    parameters, same weight keys; see the module docstring), and set ``model.quant``.
    Returns ``model``. PpocrError for an unknown method or a model quantised already."""
    if method not in QUANTIZERS:
        raise PpocrError(f"unknown quantisation {method!r}: choose {', '.join(QUANTIZERS)}")
    if getattr(model, "quant", None) or any(isinstance(m, QUANT_LAYERS)
                                            for m in model.modules()):
        raise PpocrError(f"{getattr(model, 'preset', 'model')}: quantised already")
    for parent in list(model.modules()):
        for name, child in parent.named_children():
            wrapper = WRAPPERS.get(type(child))
            if wrapper is not None:
                setattr(parent, name, wrapper(child))
    model.quant = method
    return model


QUANTIZERS = {"pact": quantize_model}


def quant_layers(model: nn.Module) -> dict[str, nn.Module]:
    """The quantised layers of ``model`` by module name, in module order."""
    return {name: m for name, m in model.named_modules() if isinstance(m, QUANT_LAYERS)}


@torch.no_grad()
def calibrate(model: nn.Module, batches: Iterable[torch.Tensor]) -> nn.Module:
    """One moving-average step of every input quantiser of a quantised ``model`` per batch
    ((B, C, H, W) each), without training: the model in eval mode (BN statistics, dropout
    untouched) but its :class:`InputQuant` modules in training mode. Returns ``model`` in
    eval mode; PpocrError for a float model."""
    layers = quant_layers(model)
    if not layers:
        raise PpocrError(f"{getattr(model, 'preset', 'model')}: not quantised: nothing to "
                         "calibrate")
    model.eval()
    for layer in layers.values():
        layer.input_quant.train()
    try:
        for batch in batches:
            model(batch)
    finally:
        model.eval()
    return model


@torch.no_grad()
def fit_alphas(model: nn.Module, images: torch.Tensor) -> dict[str, float]:
    """Start a quantised ``model``'s input quantisers from one forward pass of ``images`` with
    every layer input left unquantised (the float network's activations; weights stay
    fake-quantised; the model in eval mode, restored after): an alpha below its layer's input
    abs-max m is raised to m, and every moving-average scale starts at the abs-max it will
    clip to (min(alpha, m)) rather than at 1. Returns {layer name: alpha} of those raised."""
    quantisers = {name: m.input_quant for name, m in quant_layers(model).items()}
    if not quantisers:
        raise PpocrError(f"{getattr(model, 'preset', 'model')}: not quantised: no alphas to fit")
    seen: dict[str, float] = {}

    def observer(name: str):
        def hook(module: nn.Module, args: tuple, output: torch.Tensor) -> torch.Tensor:
            seen[name] = max(seen.get(name, 0.0), float(args[0].detach().abs().max()))
            return args[0]  # the layer reads its input as it is
        return hook

    handles = [q.register_forward_hook(observer(name)) for name, q in quantisers.items()]
    training = model.training
    try:
        model.eval()
        model(images)
    finally:
        for handle in handles:
            handle.remove()
        model.train(training)
    raised = {}
    for name, q in quantisers.items():
        if name not in seen:
            continue
        if seen[name] > float(q.alpha):
            q.alpha.fill_(seen[name])
            raised[name] = seen[name]
        q.accum.fill_(max(min(float(q.alpha), seen[name]), MIN_SCALE))
        q.state.fill_(1.0)
    return raised


def param_groups(model: nn.Module, weight_decay: float) -> list[dict]:
    """Optimizer parameter groups: every parameter with ``weight_decay`` except the PACT
    alphas, which get their own L2 of :data:`ALPHA_L2` (PaddleOCR's ``L2Decay(2e-5)`` on
    alpha); one group for a float model."""
    named = list(model.named_parameters())
    alphas = [p for n, p in named if n.endswith("input_quant.alpha")]
    rest = [p for n, p in named if not n.endswith("input_quant.alpha")]
    groups = [{"params": rest, "weight_decay": weight_decay}]
    return groups + ([{"params": alphas, "weight_decay": ALPHA_L2}] if alphas else [])
