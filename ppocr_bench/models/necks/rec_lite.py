"""Light sequence necks of the PP-OCRv6 recognizers (read off the official ONNX exports).

Both take the backbone's (B, C, 1, W) feature map and return a (B, W, out_channels) sequence.

:class:`SVTRLiteNeck` (PP-OCRv6 small, C 384, hidden 120, k 7)::

    shortcut = 1x1 C -> hidden + BN + swish
    z = 1x1 C -> hidden + BN + swish;  z = z + (depthwise 1 x k + BN + swish)(z)
    ``depth`` pre-norm transformer blocks on the W tokens (8 heads, MLP hidden * 2 with swish,
    LayerNorm eps 1e-5), LayerNorm (eps 1e-6), back to (B, hidden, 1, W)
    z + shortcut -> (B, W, hidden)

:class:`DWConvNeck` (PP-OCRv6 tiny, C 160, k 5): depthwise 1 x k + BN + hardswish, 1x1 C -> C
+ BN + hardswish -> (B, W, C); the CTC head's 80-wide middle linear follows.
"""

from __future__ import annotations

import torch
from torch import nn

from ppocr_bench.models.necks.sequence import Im2Seq
from ppocr_bench.models.necks.svtr import SVTRBlock


class LineConvBN(nn.Sequential):
    """Conv 1 x k along the line (no bias, "same" padding) + BN + ``act``:
    (B, C_in, H, W) -> (B, C_out, H, W); ``groups`` = C_in for a depthwise conv."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int, act: nn.Module,
                 groups: int = 1) -> None:
        super().__init__(
            nn.Conv2d(in_channels, out_channels, (1, kernel_size),
                      padding=(0, kernel_size // 2), groups=groups, bias=False),
            nn.BatchNorm2d(out_channels),
            act,
        )
        self.out_channels = out_channels


class SVTRLiteNeck(nn.Module):
    """(B, in_channels, 1, W) -> (B, W, hidden_size); see the module docstring."""

    def __init__(self, in_channels: int, hidden_size: int = 120, kernel_size: int = 7,
                 depth: int = 2, num_heads: int = 8, mlp_ratio: float = 2.0) -> None:
        super().__init__()
        self.shortcut = LineConvBN(in_channels, hidden_size, 1, nn.SiLU())
        self.conv_in = LineConvBN(in_channels, hidden_size, 1, nn.SiLU())
        self.local = LineConvBN(hidden_size, hidden_size, kernel_size, nn.SiLU(),
                                groups=hidden_size)
        self.blocks = nn.ModuleList(
            SVTRBlock(hidden_size, num_heads, mlp_ratio) for _ in range(depth)
        )
        self.norm = nn.LayerNorm(hidden_size, eps=1e-6)
        self.reshape = Im2Seq(hidden_size)
        self.out_channels = hidden_size

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shortcut = self.shortcut(x)
        z = self.conv_in(x)
        z = z + self.local(z)
        batch, channels, height, width = z.shape
        tokens = z.flatten(2).transpose(1, 2)
        for block in self.blocks:
            tokens = block(tokens)
        z = self.norm(tokens).transpose(1, 2).reshape(batch, channels, height, width)
        return self.reshape(z + shortcut)


class DWConvNeck(nn.Sequential):
    """(B, in_channels, 1, W) -> (B, W, in_channels); see the module docstring."""

    def __init__(self, in_channels: int, kernel_size: int = 5) -> None:
        super().__init__(
            LineConvBN(in_channels, in_channels, kernel_size, nn.Hardswish(),
                       groups=in_channels),
            LineConvBN(in_channels, in_channels, 1, nn.Hardswish()),
            Im2Seq(in_channels),
        )
        self.out_channels = in_channels
