"""MobileNetV3 backbones as PP-OCR uses them.

Two variants, as in PaddleOCR ``ch_ppocr_mobile_v2.0``:

- :class:`MobileNetV3Large` for detection: square strides, four feature taps at strides
  4/8/16/32 for the FPN (x0.5, SE off: channels [16, 24, 56, 480]).
- :class:`MobileNetV3Small` for recognition and direction classification: after the stem,
  the four downsampling blocks shrink the height only (stride ``(small_stride[i], 1)``), then a
  1x1 conv and a 2x2 max pool; one feature map out (x0.5: 288 channels, 32x320 -> 1x80).
"""

from __future__ import annotations

from typing import NamedTuple

import torch
from torch import nn

from ppocr_bench.models.layers import ConvBNAct, SqueezeExcite

SUPPORTED_SCALES = (0.35, 0.5, 0.75, 1.0, 1.25)


class BlockSpec(NamedTuple):
    """One inverted-residual block of the MobileNetV3 table (channels before scaling)."""

    kernel: int
    expand: int
    out: int
    se: bool
    act: str
    downsample: bool


_B = BlockSpec
LARGE_BLOCKS: tuple[BlockSpec, ...] = (
    _B(3, 16, 16, False, "relu", False),
    _B(3, 64, 24, False, "relu", True),
    _B(3, 72, 24, False, "relu", False),
    _B(5, 72, 40, True, "relu", True),
    _B(5, 120, 40, True, "relu", False),
    _B(5, 120, 40, True, "relu", False),
    _B(3, 240, 80, False, "hardswish", True),
    _B(3, 200, 80, False, "hardswish", False),
    _B(3, 184, 80, False, "hardswish", False),
    _B(3, 184, 80, False, "hardswish", False),
    _B(3, 480, 112, True, "hardswish", False),
    _B(3, 672, 112, True, "hardswish", False),
    _B(5, 672, 160, True, "hardswish", True),
    _B(5, 960, 160, True, "hardswish", False),
    _B(5, 960, 160, True, "hardswish", False),
)
LARGE_LAST_CONV = 960

SMALL_BLOCKS: tuple[BlockSpec, ...] = (
    _B(3, 16, 16, True, "relu", True),
    _B(3, 72, 24, False, "relu", True),
    _B(3, 88, 24, False, "relu", False),
    _B(5, 96, 40, True, "hardswish", True),
    _B(5, 240, 40, True, "hardswish", False),
    _B(5, 240, 40, True, "hardswish", False),
    _B(5, 120, 48, True, "hardswish", False),
    _B(5, 144, 48, True, "hardswish", False),
    _B(5, 288, 96, True, "hardswish", True),
    _B(5, 576, 96, True, "hardswish", False),
    _B(5, 576, 96, True, "hardswish", False),
)
SMALL_LAST_CONV = 576
STEM_CHANNELS = 16


def make_divisible(value: float, divisor: int = 8) -> int:
    """Round ``value`` to the nearest multiple of ``divisor`` (at least ``divisor``), never
    going more than 10% below it: max(8, int(v + 4) // 8 * 8), plus 8 if that is < 0.9 v."""
    rounded = max(divisor, int(value + divisor / 2) // divisor * divisor)
    if rounded < 0.9 * value:
        rounded += divisor
    return rounded


def check_scale(scale: float) -> None:
    if scale not in SUPPORTED_SCALES:
        raise ValueError(f"MobileNetV3 scale must be one of {SUPPORTED_SCALES}, got {scale}")


class InvertedResidual(nn.Module):
    """1x1 expand, kxk depthwise (carries the stride), optional SE, 1x1 linear projection.

    (B, in_channels, H, W) -> (B, out_channels, H / stride_h, W / stride_w). The identity
    shortcut is added when ``residual`` is true; PaddleOCR adds it only to blocks outside the
    downsampling slots whose channels match, even when a slot's stride is (1, 1).
    """

    def __init__(
        self,
        in_channels: int,
        mid_channels: int,
        out_channels: int,
        kernel_size: int,
        stride: int | tuple[int, int],
        use_se: bool,
        act: str,
        residual: bool,
    ) -> None:
        super().__init__()
        self.residual = residual and in_channels == out_channels
        self.expand = ConvBNAct(in_channels, mid_channels, 1, act=act)
        self.depthwise = ConvBNAct(
            mid_channels, mid_channels, kernel_size, stride, groups=mid_channels, act=act
        )
        self.se = SqueezeExcite(mid_channels) if use_se else nn.Identity()
        self.project = ConvBNAct(mid_channels, out_channels, 1, act=None)
        self.out_channels = out_channels

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.project(self.se(self.depthwise(self.expand(x))))
        return x + y if self.residual else y


def _stem(in_channels: int, scale: float) -> ConvBNAct:
    return ConvBNAct(in_channels, make_divisible(STEM_CHANNELS * scale), 3, 2, act="hardswish")


def _block(
    spec: BlockSpec, in_channels: int, scale: float, use_se: bool, stride: int | tuple[int, int]
) -> InvertedResidual:
    return InvertedResidual(
        in_channels,
        make_divisible(scale * spec.expand),
        make_divisible(scale * spec.out),
        spec.kernel,
        stride,
        use_se=spec.se and use_se,
        act=spec.act,
        residual=not spec.downsample,
    )


class MobileNetV3Large(nn.Module):
    """Detection backbone: MobileNetV3-large with four taps at strides 4, 8, 16 and 32.

    (B, in_channels, H, W) -> list of 4 maps (B, out_channels[i], H / 2^(i+2), W / 2^(i+2)),
    H and W multiples of 32. x0.5 without SE: out_channels [16, 24, 56, 480].
    """

    def __init__(self, in_channels: int = 3, scale: float = 0.5, use_se: bool = True) -> None:
        super().__init__()
        check_scale(scale)
        self.stem = _stem(in_channels, scale)
        channels = self.stem.out_channels
        stride = 2
        stages: list[nn.Sequential] = []
        current: list[nn.Module] = []
        self.out_channels: list[int] = []
        for spec in LARGE_BLOCKS:
            if spec.downsample and stride >= 4:  # close the stage before it halves the map
                stages.append(nn.Sequential(*current))
                self.out_channels.append(channels)
                current = []
            block = _block(spec, channels, scale, use_se, 2 if spec.downsample else 1)
            current.append(block)
            channels = block.out_channels
            stride *= 2 if spec.downsample else 1
        last = make_divisible(scale * LARGE_LAST_CONV)
        current.append(ConvBNAct(channels, last, 1, act="hardswish"))
        stages.append(nn.Sequential(*current))
        self.out_channels.append(last)
        self.stages = nn.ModuleList(stages)

    def forward(self, x: torch.Tensor) -> list[torch.Tensor]:
        x = self.stem(x)
        taps = []
        for stage in self.stages:
            x = stage(x)
            taps.append(x)
        return taps


class MobileNetV3Small(nn.Module):
    """Recognition/classification backbone: MobileNetV3-small with height-only late strides.

    The stem halves both axes; the i-th of the four downsampling blocks has stride
    ``(small_stride[i], 1)``; a 1x1 conv to ``make_divisible(576 * scale)`` channels and a 2x2
    max pool follow. (B, in_channels, H, W) -> (B, out_channels, H / (4 * prod(small_stride)),
    W / 4): [1, 2, 2, 2] maps 32x320 to 1x80; [2, 2, 2, 2] maps 48x192 to 1x48.
    """

    def __init__(
        self,
        in_channels: int = 3,
        scale: float = 0.5,
        use_se: bool = True,
        small_stride: tuple[int, int, int, int] = (2, 2, 2, 2),
    ) -> None:
        super().__init__()
        check_scale(scale)
        if len(small_stride) != 4:
            raise ValueError(f"small_stride needs 4 entries, got {small_stride}")
        self.stem = _stem(in_channels, scale)
        channels = self.stem.out_channels
        late_strides = iter(small_stride)
        blocks = []
        for spec in SMALL_BLOCKS:
            stride = (next(late_strides), 1) if spec.downsample else 1
            blocks.append(_block(spec, channels, scale, use_se, stride))
            channels = blocks[-1].out_channels
        self.blocks = nn.Sequential(*blocks)
        self.out_channels = make_divisible(scale * SMALL_LAST_CONV)
        self.last_conv = ConvBNAct(channels, self.out_channels, 1, act="hardswish")
        self.pool = nn.MaxPool2d(2, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.pool(self.last_conv(self.blocks(self.stem(x))))
