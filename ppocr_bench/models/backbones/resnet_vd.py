"""ResNet-vd backbones of the PP-OCR server models (BasicBlock depths 18 and 34).

"vd" = three 3x3 convs in the stem instead of one 7x7, and downsampling shortcuts that average
pool before their 1x1 conv instead of striding it.

- :class:`ResNetVdDet` (ResNet18-vd for DB): stem stride 2, square stage strides, four taps at
  strides 4/8/16/32 with [64, 128, 256, 512] channels.
- :class:`ResNetVdRec` (ResNet34-vd for CRNN): stem stride 1, stage strides (2, 1) (height
  only), a final 2x2 max pool; 32x320 -> 512 x 1 x 80.
"""

from __future__ import annotations

import torch
from torch import nn

from ppocr_bench.models.layers import ConvBNAct

STAGE_DEPTHS: dict[int, tuple[int, int, int, int]] = {18: (2, 2, 2, 2), 34: (3, 4, 6, 3)}
STAGE_CHANNELS = (64, 128, 256, 512)


class BasicBlock(nn.Module):
    """Two 3x3 conv+BN (ReLU between), shortcut added, ReLU.

    (B, in_channels, H, W) -> (B, out_channels, H / stride_h, W / stride_w). ``project`` gives
    the shortcut a 1x1 conv+BN, preceded by a ``stride``-sized average pool when strided.
    """

    def __init__(
        self, in_channels: int, out_channels: int, stride: tuple[int, int], project: bool
    ) -> None:
        super().__init__()
        self.conv1 = ConvBNAct(in_channels, out_channels, 3, stride, act="relu")
        self.conv2 = ConvBNAct(out_channels, out_channels, 3, act=None)
        self.shortcut: nn.Module = nn.Identity()
        if project:
            layers: list[nn.Module] = []
            if stride != (1, 1):
                layers.append(nn.AvgPool2d(stride, stride, ceil_mode=True))
            layers.append(ConvBNAct(in_channels, out_channels, 1, act=None))
            self.shortcut = nn.Sequential(*layers)
        self.relu = nn.ReLU()
        self.out_channels = out_channels

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.relu(self.conv2(self.conv1(x)) + self.shortcut(x))


def _stem(in_channels: int, stride: int) -> nn.Sequential:
    return nn.Sequential(
        ConvBNAct(in_channels, 32, 3, stride),
        ConvBNAct(32, 32, 3),
        ConvBNAct(32, 64, 3),
        nn.MaxPool2d(3, 2, padding=1),
    )


def _stages(layers: int, stage_stride: tuple[int, int]) -> nn.ModuleList:
    if layers not in STAGE_DEPTHS:
        raise ValueError(f"ResNet-vd depth must be one of {sorted(STAGE_DEPTHS)}, got {layers}")
    stages = []
    channels = 64
    for index, (depth, width) in enumerate(zip(STAGE_DEPTHS[layers], STAGE_CHANNELS)):
        blocks = []
        for i in range(depth):
            stride = stage_stride if i == 0 and index > 0 else (1, 1)
            blocks.append(BasicBlock(channels, width, stride, project=i == 0))
            channels = width
        stages.append(nn.Sequential(*blocks))
    return nn.ModuleList(stages)


class ResNetVdDet(nn.Module):
    """Detection backbone: (B, in_channels, H, W) -> list of 4 maps
    (B, out_channels[i], H / 2^(i+2), W / 2^(i+2)) with out_channels [64, 128, 256, 512]."""

    def __init__(self, layers: int = 18, in_channels: int = 3) -> None:
        super().__init__()
        self.stem = _stem(in_channels, stride=2)
        self.stages = _stages(layers, stage_stride=(2, 2))
        self.out_channels = list(STAGE_CHANNELS)

    def forward(self, x: torch.Tensor) -> list[torch.Tensor]:
        x = self.stem(x)
        taps = []
        for stage in self.stages:
            x = stage(x)
            taps.append(x)
        return taps


class ResNetVdRec(nn.Module):
    """Recognition backbone: (B, in_channels, H, W) -> (B, 512, H / 32, W / 4)."""

    def __init__(self, layers: int = 34, in_channels: int = 3) -> None:
        super().__init__()
        self.stem = _stem(in_channels, stride=1)
        self.stages = _stages(layers, stage_stride=(2, 1))
        self.pool = nn.MaxPool2d(2, 2)
        self.out_channels = STAGE_CHANNELS[-1]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.stem(x)
        for stage in self.stages:
            x = stage(x)
        return self.pool(x)
