"""Feature pyramids for DB detection: DBFPN (PP-OCR) and RSE-FPN (PP-OCRv3).

Both take the four backbone taps at strides 4/8/16/32, reduce each to ``inner_channels`` with a
1x1 conv, merge top-down (nearest upsample + add), reduce each level to ``inner_channels // 4``
with a 3x3 conv, upsample all to stride 4 and concatenate:
[(B, C_i, H / 2^(i+2), W / 2^(i+2)) for i in 0..3] -> (B, inner_channels, H / 4, W / 4).
No BatchNorm or activation. RSE-FPN wraps each conv in a residual squeeze-excite:
``y = conv(x); y + SE(y)``.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from ppocr_bench.models.layers import SqueezeExcite


def _conv(in_channels: int, out_channels: int, kernel_size: int) -> nn.Conv2d:
    return nn.Conv2d(
        in_channels, out_channels, kernel_size, padding=kernel_size // 2, bias=False
    )


class RSEConv(nn.Module):
    """Conv (no bias) followed by a residual squeeze-excite: (B, C_in, H, W) -> (B, C_out, H, W)."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int) -> None:
        super().__init__()
        self.conv = _conv(in_channels, out_channels, kernel_size)
        self.se = SqueezeExcite(out_channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.conv(x)
        return x + self.se(x)


def _upsample_to(x: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
    return F.interpolate(x, size=like.shape[-2:], mode="nearest")


class _PyramidFusion(nn.Module):
    """Top-down merge and fuse; subclasses fill ``lateral`` and ``smooth`` (4 modules each)."""

    lateral: nn.ModuleList
    smooth: nn.ModuleList

    def __init__(self, in_channels: list[int], inner_channels: int) -> None:
        super().__init__()
        if len(in_channels) != 4:
            raise ValueError(f"FPN needs 4 input levels, got {len(in_channels)}")
        if inner_channels % 4:
            raise ValueError(f"FPN inner_channels must be a multiple of 4, got {inner_channels}")
        self.in_channels = list(in_channels)
        self.out_channels = inner_channels

    def forward(self, features: list[torch.Tensor]) -> torch.Tensor:
        lateral = [conv(f) for conv, f in zip(self.lateral, features)]
        merged = [lateral[3]]
        for level in (2, 1, 0):  # top-down: 1/16, 1/8, 1/4
            merged.insert(0, lateral[level] + _upsample_to(merged[0], lateral[level]))
        smoothed = [conv(m) for conv, m in zip(self.smooth, merged)]
        finest = smoothed[0]
        return torch.cat([_upsample_to(p, finest) for p in reversed(smoothed[1:])] + [finest], 1)


class DBFPN(_PyramidFusion):
    """PP-OCR's DB neck: plain 1x1 lateral and 3x3 output convs (see module docstring)."""

    def __init__(self, in_channels: list[int], inner_channels: int = 96) -> None:
        super().__init__(in_channels, inner_channels)
        self.lateral = nn.ModuleList(_conv(c, inner_channels, 1) for c in in_channels)
        self.smooth = nn.ModuleList(
            _conv(inner_channels, inner_channels // 4, 3) for _ in in_channels
        )


class RSEFPN(_PyramidFusion):
    """PP-OCRv3's DB neck: DBFPN with every conv an :class:`RSEConv`."""

    def __init__(self, in_channels: list[int], inner_channels: int = 96) -> None:
        super().__init__(in_channels, inner_channels)
        self.lateral = nn.ModuleList(RSEConv(c, inner_channels, 1) for c in in_channels)
        self.smooth = nn.ModuleList(
            RSEConv(inner_channels, inner_channels // 4, 3) for _ in in_channels
        )
