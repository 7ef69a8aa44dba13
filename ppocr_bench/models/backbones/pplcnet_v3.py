"""PP-LCNetV3, the PP-OCRv4 backbone (detection and recognition), in its deployed form.

PaddleOCR trains each PP-LCNetV3 conv as a "learnable rep layer": four kxk conv+BN branches, a
1x1 conv+BN branch and an identity BN, summed, then a learnable scalar affine ``a * x + b`` and
(unless the layer halves both axes) hardswish followed by another scalar affine. For inference
the branches are folded into one conv with a bias, and that is what the official ONNX exports
hold, so :class:`RepConv` is that folded layer. It trains as well (it is the same function
class; only the over-parameterisation that eases optimisation is gone).

Layout (channels before ``make_divisible(c * scale, 16)``; stride 2 = both axes)::

    stem      3x3 s2 conv + BN (no activation), 16
    blocks2   [3, 16 -> 32, s1]
    blocks3   [3, 32 -> 64, s(det 2 | rec 1)], [3, 64 -> 64]
    blocks4   [3, 64 -> 128, s(det 2 | rec (2, 1))], [3, 128 -> 128]
    blocks5   [3, 128 -> 256, s(det 2 | rec (1, 2))], 4 x [5, 256 -> 256]
    blocks6   [5, 256 -> 512, s(det 2 | rec (2, 1)), SE], [5, 512, SE],
              [5, 512, s(det 1 | rec (2, 1))], [5, 512]

Each block is a depthwise :class:`RepConv` (carries the stride), optional squeeze-excite
(PyTorch hard sigmoid, x / 6 + 0.5) and a pointwise :class:`RepConv`.

- det (``det=True``, x0.75 in ch_PP-OCRv4_det): taps after blocks3..6 at strides 4/8/16/32,
  each through a 1x1 conv (with bias) to int([16, 24, 56, 480] * scale) channels.
- rec (x0.95 in PP-OCRv4 rec): 48 x W -> (B, 480, 3, W / 4), then the mean over the height
  and an average pool over 2 columns: (B, 480, 1, W / 8). PaddleOCR pools 3 x 2 at inference,
  which is the same at the 48 px input height (and lines 32 px high work too).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from ppocr_bench.models.layers import HardSqueezeExcite

Stride = int | tuple[int, int]

# (kernel, in, out, stride, se) per block, channels before scaling; None = det/rec stride below.
_BLOCKS: tuple[tuple[tuple[int, int, int, str | int, bool], ...], ...] = (
    ((3, 16, 32, 1, False),),
    ((3, 32, 64, "a", False), (3, 64, 64, 1, False)),
    ((3, 64, 128, "b", False), (3, 128, 128, 1, False)),
    ((3, 128, 256, "c", False),) + ((5, 256, 256, 1, False),) * 4,
    ((5, 256, 512, "b", True), (5, 512, 512, 1, True), (5, 512, 512, "d", False),
     (5, 512, 512, 1, False)),
)
_DET_STRIDES: dict[str, Stride] = {"a": 2, "b": 2, "c": 2, "d": 1}
_REC_STRIDES: dict[str, Stride] = {"a": 1, "b": (2, 1), "c": (1, 2), "d": (2, 1)}
DET_TAP_CHANNELS = (16, 24, 56, 480)
STEM_CHANNELS = 16
LAST_CHANNELS = 512


def make_divisible_16(value: float, divisor: int = 16) -> int:
    """PP-LCNetV3 channel rounding: to the nearest multiple of 16 (at least 16), never more
    than 10% below ``value``."""
    rounded = max(divisor, int(value + divisor / 2) // divisor * divisor)
    return rounded + divisor if rounded < 0.9 * value else rounded


class LearnableAffine(nn.Module):
    """``scale * x + bias`` with two learnable scalars (PaddleOCR's LearnableAffineBlock)."""

    def __init__(self, scale: float = 1.0, bias: float = 0.0) -> None:
        super().__init__()
        self.scale = nn.Parameter(torch.tensor([scale]))
        self.bias = nn.Parameter(torch.tensor([bias]))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.scale * x + self.bias


class AffineHardswish(nn.Sequential):
    """Hardswish followed by a :class:`LearnableAffine` (PaddleOCR's ``Act``)."""

    def __init__(self) -> None:
        super().__init__(nn.Hardswish(), LearnableAffine())


class RepConv(nn.Module):
    """Folded learnable rep layer: conv (with bias) -> scalar affine -> hardswish + scalar
    affine, the activation skipped when the stride is 2 on both axes (as PaddleOCR).

    (B, in_channels, H, W) -> (B, out_channels, H / s_h, W / s_w), "same" padding.
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int, stride: Stride = 1,
                 groups: int = 1) -> None:
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, kernel_size, stride,
                              padding=(kernel_size - 1) // 2, groups=groups)
        self.affine = LearnableAffine()
        self.act = AffineHardswish() if stride != 2 else nn.Identity()
        self.out_channels = out_channels

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.act(self.affine(self.conv(x)))


class LCNetV3Block(nn.Module):
    """Depthwise kxk :class:`RepConv` (stride), optional SE, pointwise :class:`RepConv`."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int, stride: Stride,
                 use_se: bool) -> None:
        super().__init__()
        self.depthwise = RepConv(in_channels, in_channels, kernel_size, stride, in_channels)
        self.se = HardSqueezeExcite(in_channels) if use_se else nn.Identity()
        self.pointwise = RepConv(in_channels, out_channels, 1)
        self.out_channels = out_channels

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.pointwise(self.se(self.depthwise(x)))


class PPLCNetV3(nn.Module):
    """PP-LCNetV3 (see the module docstring).

    det: (B, in_channels, H, W) -> 4 maps (B, out_channels[i], H / 2^(i+2), W / 2^(i+2)),
    H and W multiples of 32; x0.75: out_channels [12, 18, 42, 360].
    rec: (B, in_channels, H, W) -> (B, out_channels, 1, W / 8) for H = 48 (any H that the
    backbone brings to 1..3 rows); x0.95: 480 channels.
    """

    def __init__(self, in_channels: int = 3, scale: float = 1.0, det: bool = False) -> None:
        super().__init__()
        self.det = det
        strides = _DET_STRIDES if det else _REC_STRIDES
        stem = make_divisible_16(STEM_CHANNELS * scale)
        self.stem = nn.Sequential(
            nn.Conv2d(in_channels, stem, 3, 2, padding=1, bias=False), nn.BatchNorm2d(stem)
        )
        stages = []
        for blocks in _BLOCKS:
            stages.append(nn.Sequential(*(
                LCNetV3Block(make_divisible_16(c_in * scale), make_divisible_16(c_out * scale),
                             k, strides[s] if isinstance(s, str) else s, se)
                for k, c_in, c_out, s, se in blocks
            )))
        self.stages = nn.ModuleList(stages)
        if det:
            taps = [make_divisible_16(stage[-1][2] * scale) for stage in _BLOCKS[1:]]
            self.out_channels: list[int] | int = [int(c * scale) for c in DET_TAP_CHANNELS]
            self.taps = nn.ModuleList(
                nn.Conv2d(c_in, c_out, 1) for c_in, c_out in zip(taps, self.out_channels)
            )
        else:
            self.out_channels = make_divisible_16(LAST_CHANNELS * scale)

    def forward(self, x: torch.Tensor) -> list[torch.Tensor] | torch.Tensor:
        x = self.stages[0](self.stem(x))
        features = []
        for stage in self.stages[1:]:
            x = stage(x)
            features.append(x)
        if self.det:
            return [tap(f) for tap, f in zip(self.taps, features)]
        return F.avg_pool2d(x.mean(2, keepdim=True), (1, 2))  # static kernel: exportable
