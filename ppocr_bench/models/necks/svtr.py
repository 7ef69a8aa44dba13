"""SVTR sequence neck of the PP-OCRv4 recognizers (PaddleOCR ``EncoderWithSVTR``).

(B, C, 1, W) feature map -> (B, W, dims) sequence:

    h = x
    conv1  1x3 conv C -> C/8 + BN + swish        conv2  1x1 C/8 -> hidden + BN + swish
    flatten to (B, H*W, hidden), ``depth`` pre-norm transformer blocks (global multi-head
    attention, MLP hidden*mlp_ratio with swish, LayerNorm eps 1e-5), LayerNorm (eps 1e-6)
    conv3  1x1 hidden -> C + BN + swish          concat [h, conv3] on channels (2C)
    conv4  1x3 conv 2C -> C/8 + BN + swish       conv1x1  1x1 C/8 -> dims + BN + swish
    squeeze the height (must be 1) -> (B, W, dims)

PP-OCRv4: C 480, hidden 120, dims 120, depth 2, 8 heads, mlp_ratio 2, kernel (1, 3).
"""

from __future__ import annotations

import torch
from torch import nn

from ppocr_bench.models.necks.sequence import Im2Seq


class ConvBNSwish(nn.Sequential):
    """Conv (no bias, "same" padding) + BN + swish: (B, C_in, H, W) -> (B, C_out, H, W)."""

    def __init__(self, in_channels: int, out_channels: int,
                 kernel_size: tuple[int, int] = (1, 1)) -> None:
        padding = (kernel_size[0] // 2, kernel_size[1] // 2)
        super().__init__(
            nn.Conv2d(in_channels, out_channels, kernel_size, padding=padding, bias=False),
            nn.BatchNorm2d(out_channels),
            nn.SiLU(),
        )
        self.out_channels = out_channels


class Attention(nn.Module):
    """Global multi-head self-attention: (B, N, dim) -> (B, N, dim)."""

    def __init__(self, dim: int, num_heads: int = 8) -> None:
        super().__init__()
        if dim % num_heads:
            raise ValueError(f"attention width {dim} is not a multiple of {num_heads} heads")
        self.num_heads = num_heads
        self.scale = (dim // num_heads) ** -0.5
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        batch, steps, dim = x.shape
        qkv = self.qkv(x).reshape(batch, steps, 3, self.num_heads, dim // self.num_heads)
        q, k, v = qkv.permute(2, 0, 3, 1, 4)  # each (B, heads, N, head_dim)
        attn = ((q * self.scale) @ k.transpose(-2, -1)).softmax(-1)
        return self.proj((attn @ v).transpose(1, 2).reshape(batch, steps, dim))


class SVTRBlock(nn.Module):
    """Pre-norm transformer block: x + attn(norm1(x)), then + mlp(norm2(x)). (B, N, dim)."""

    def __init__(self, dim: int, num_heads: int = 8, mlp_ratio: float = 2.0,
                 eps: float = 1e-5) -> None:
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=eps)
        self.attn = Attention(dim, num_heads)
        self.norm2 = nn.LayerNorm(dim, eps=eps)
        hidden = int(dim * mlp_ratio)
        self.mlp = nn.Sequential(nn.Linear(dim, hidden), nn.SiLU(), nn.Linear(hidden, dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class SVTRNeck(nn.Module):
    """(B, in_channels, 1, W) -> (B, W, dims); see the module docstring."""

    def __init__(self, in_channels: int, hidden_size: int = 120, dims: int | None = None,
                 depth: int = 2, num_heads: int = 8, mlp_ratio: float = 2.0,
                 kernel_size: tuple[int, int] = (1, 3)) -> None:
        super().__init__()
        dims = hidden_size if dims is None else dims
        squeezed = in_channels // 8
        self.conv1 = ConvBNSwish(in_channels, squeezed, kernel_size)
        self.conv2 = ConvBNSwish(squeezed, hidden_size)
        self.blocks = nn.ModuleList(
            SVTRBlock(hidden_size, num_heads, mlp_ratio) for _ in range(depth)
        )
        self.norm = nn.LayerNorm(hidden_size, eps=1e-6)
        self.conv3 = ConvBNSwish(hidden_size, in_channels)
        self.conv4 = ConvBNSwish(2 * in_channels, squeezed, kernel_size)
        self.conv1x1 = ConvBNSwish(squeezed, dims)
        self.reshape = Im2Seq(dims)
        self.out_channels = dims

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        z = self.conv2(self.conv1(x))
        batch, channels, height, width = z.shape
        z = z.flatten(2).transpose(1, 2)
        for block in self.blocks:
            z = block(z)
        z = self.norm(z).transpose(1, 2).reshape(batch, channels, height, width)
        z = torch.cat([x, self.conv3(z)], 1)
        return self.reshape(self.conv1x1(self.conv4(z)))
