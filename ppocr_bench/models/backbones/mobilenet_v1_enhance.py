"""MobileNetV1Enhance, the conv backbone of the PP-OCRv2 and PP-OCRv3 recognizers.

PaddleOCR's ``rec_mv1_enhance.py``: MobileNetV1's depthwise-separable stack with hardswish
after every BatchNorm, 5x5 depthwise convs in the last stages, squeeze-excite (hard sigmoid
x/6 + 0.5) in the last two blocks, and after the stem downsampling on the height only.
Layout (channels before ``int(c * scale)``; both releases use x0.5)::

    stem     3x3 s2 conv + BN + hardswish, 32
    blocks   depthwise kxk (stride) + BN + hardswish, [SE], pointwise 1x1 + BN + hardswish:
             [3, 32 -> 64], [3, 64 -> 128], [3, 128 -> 128], [3, 128 -> 256, s(2, 1)],
             [3, 256 -> 256], [3, 256 -> 512, s(2, 1)], 5 x [5, 512 -> 512],
             [5, 512 -> 1024, s(2, 1), SE], [5, 1024 -> 1024, s last_stride, SE]
    pool     2x2 stride 2: max (PP-OCRv2) or average (PP-OCRv3)

- PP-OCRv2 rec (``last_stride`` (1, 1), max pool): 32 x W -> (B, 512, 1, W / 4).
- PP-OCRv3 rec (``last_stride`` (1, 2), average pool): 48 x W -> (B, 512, 1, W / 8)
  (the 3 rows left before the pool become 1).
"""

from __future__ import annotations

import torch
from torch import nn

from ppocr_bench.models.layers import ConvBNAct, HardSqueezeExcite

Stride = int | tuple[int, int]

# (kernel, in, out, stride, se) per block, channels before scaling; "last" = last_stride.
_BLOCKS: tuple[tuple[int, int, int, Stride | str, bool], ...] = (
    (3, 32, 64, 1, False),
    (3, 64, 128, 1, False),
    (3, 128, 128, 1, False),
    (3, 128, 256, (2, 1), False),
    (3, 256, 256, 1, False),
    (3, 256, 512, (2, 1), False),
    *((5, 512, 512, 1, False),) * 5,
    (5, 512, 1024, (2, 1), True),
    (5, 1024, 1024, "last", True),
)
STEM_CHANNELS = 32
POOLS: dict[str, type[nn.Module]] = {"max": nn.MaxPool2d, "avg": nn.AvgPool2d}


class DepthwiseSeparable(nn.Sequential):
    """Depthwise kxk conv + BN + hardswish (carries the stride), optional squeeze-excite,
    pointwise 1x1 conv + BN + hardswish: (B, C_in, H, W) -> (B, C_out, H / s_h, W / s_w)."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int, stride: Stride,
                 use_se: bool) -> None:
        super().__init__(
            ConvBNAct(in_channels, in_channels, kernel_size, stride, groups=in_channels,
                      act="hardswish"),
            HardSqueezeExcite(in_channels) if use_se else nn.Identity(),
            ConvBNAct(in_channels, out_channels, 1, act="hardswish"),
        )
        self.out_channels = out_channels


class MobileNetV1Enhance(nn.Module):
    """(B, in_channels, H, W) -> (B, out_channels, 1, W / (4 * last_stride[1])) for lines
    32 or 48 px high; x0.5: 512 channels. See the module docstring for the layout.

    ``pool``: "max" or "avg", the final 2x2 / 2 pool.
    """

    def __init__(self, in_channels: int = 3, scale: float = 0.5,
                 last_stride: tuple[int, int] = (1, 1), pool: str = "max") -> None:
        super().__init__()
        if pool not in POOLS:
            raise ValueError(f"pool must be one of {', '.join(POOLS)}, got {pool!r}")
        self.stem = ConvBNAct(in_channels, int(STEM_CHANNELS * scale), 3, 2, act="hardswish")
        self.blocks = nn.Sequential(*(
            DepthwiseSeparable(int(c_in * scale), int(c_out * scale), k,
                               last_stride if stride == "last" else stride, se)
            for k, c_in, c_out, stride, se in _BLOCKS
        ))
        self.pool = POOLS[pool](2, 2)
        self.out_channels = self.blocks[-1].out_channels

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.pool(self.blocks(self.stem(x)))
