"""Small building blocks shared by backbones and necks: conv+BN+activation and squeeze-excite
(Paddle's gate slope 0.2, or PyTorch's hard sigmoid x/6 + 0.5)."""

from __future__ import annotations

import torch
from torch import nn

from ppocr_bench.models.depthwise import DepthwiseConv2d

_ACTIVATIONS: dict[str, type[nn.Module]] = {"relu": nn.ReLU, "hardswish": nn.Hardswish}


def make_activation(name: str | None) -> nn.Module:
    """``"relu"``, ``"hardswish"`` or ``None`` (identity) as a module."""
    if name is None:
        return nn.Identity()
    return _ACTIVATIONS[name]()


class ConvBNAct(nn.Sequential):
    """Conv2d without bias, BatchNorm, optional activation; padding keeps "same" size at stride 1.
    A depthwise conv (groups = channels) is a :class:`DepthwiseConv2d` (faster CPU training).

    (B, in_channels, H, W) -> (B, out_channels, H / stride_h, W / stride_w), sizes rounded up.
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int,
        stride: int | tuple[int, int] = 1,
        groups: int = 1,
        act: str | None = "relu",
    ) -> None:
        padding = (kernel_size - 1) // 2
        depthwise = groups > 1 and groups == in_channels == out_channels
        conv = (DepthwiseConv2d(in_channels, kernel_size, stride, padding) if depthwise else
                nn.Conv2d(in_channels, out_channels, kernel_size, stride=stride, padding=padding,
                          groups=groups, bias=False))
        super().__init__(
            conv,
            nn.BatchNorm2d(out_channels),
            make_activation(act),
        )
        self.out_channels = out_channels


class PaddleHardSigmoid(nn.Module):
    """``clip(0.2 x + 0.5, 0, 1)``: PaddleOCR's SE gate (slope 0.2, not PyTorch's 1/6)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.clamp(0.2 * x + 0.5, 0.0, 1.0)


class SqueezeExcite(nn.Module):
    """Channel attention: global average pool, 1x1 to C/reduction, ReLU, 1x1 back, hard sigmoid.

    (B, C, H, W) -> (B, C, H, W), the input scaled per channel by the gate.
    """

    def __init__(self, channels: int, reduction: int = 4) -> None:
        super().__init__()
        squeezed = channels // reduction
        self.gate = nn.Sequential(
            nn.AdaptiveAvgPool2d(1),
            nn.Conv2d(channels, squeezed, 1),
            nn.ReLU(),
            nn.Conv2d(squeezed, channels, 1),
            PaddleHardSigmoid(),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * self.gate(x)


class HardSqueezeExcite(nn.Module):
    """Squeeze-excite with PyTorch's hard sigmoid (x/6 + 0.5, Paddle's ``F.hardsigmoid``
    default), as PP-LCNet and MobileNetV1Enhance use it: avgpool, 1x1 to C/4, ReLU, 1x1 back.
    (B, C, H, W) -> (B, C, H, W)."""

    def __init__(self, channels: int, reduction: int = 4) -> None:
        super().__init__()
        self.gate = nn.Sequential(
            nn.AdaptiveAvgPool2d(1),
            nn.Conv2d(channels, channels // reduction, 1),
            nn.ReLU(),
            nn.Conv2d(channels // reduction, channels, 1),
            nn.Hardsigmoid(),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * self.gate(x)
