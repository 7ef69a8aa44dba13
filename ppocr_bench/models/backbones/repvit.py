"""RepViT-style backbone of the PP-OCRv6 small and tiny detectors and recognizers.

Read off the official ONNX exports (PaddleOCR ships no architecture names with them). Every
block is a RepViT block: a depthwise 3x3 "token mixer" (in the exports one conv with a bias,
its rep branches and BatchNorm folded in; here conv + BN, which the importer folds the same way),
optional squeeze-excite (ReLU, hard sigmoid x / 6 + 0.5) and a "channel mixer" 1x1 C -> 2C,
GELU, 1x1 2C -> C_out, added to the mixer's input when the block keeps size and width. A stage
after the first opens with such a block that downsamples (stride on the depthwise conv) and
widens (its channel mixer goes 2 C_in -> C_out, no residual).

Stems (stride 4):

- ``hgnet`` (PP-HGNetV2's): 3x3 s2 -> c; [2x2 -> c/2, 2x2 -> c] and a 2x2 max pool, both on
  the input padded right and below by one, concatenated (2c); 3x3 s2 -> c; 1x1 -> widths[0].
  Each conv + BN + ReLU.
- ``conv`` (RepViT's): 3x3 s2 -> c + BN + GELU, 3x3 s2 -> widths[0] + BN.

Layouts (:data:`LAYOUTS`, per task and variant; SE flags per block of each stage)::

    det small  hgnet 24  widths 48, 96, 192, 384   SE 10, 10, 1010, 10   (PP-OCRv6_small_det)
    det tiny   hgnet 16  widths 32, 48, 64, 160    SE 10, 10, 1010, 10   (PP-OCRv6_tiny_det)
    rec small  hgnet 48  widths 96, 192, 384       SE 100, 101010, 10    (PP-OCRv6_small_rec)
    rec tiny   conv 24   widths 48, 96, 160        SE 10, 10, 100        (PP-OCRv6_tiny_rec)

- det: downsampling stride 2; the four stage outputs at strides 4/8/16/32 are the taps.
- rec: downsampling stride (2, 1); 48 x W -> (B, widths[-1], 3, W / 4), then the mean over the
  height and an average pool over 2 columns: (B, widths[-1], 1, W / 8). The exports pool 3 x 2,
  the same at 48 px (and lines 32 px high work too).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from ppocr_bench.models.layers import ConvBNAct, HardSqueezeExcite

Stride = int | tuple[int, int]


@dataclass(frozen=True)
class RepViTLayout:
    """``stem`` "hgnet" or "conv" with ``stem_channels`` (its first conv's width), the width of
    each stage and, per stage, the SE flag (1 on, 0 off) of each of its stride-1 blocks."""

    stem: str
    stem_channels: int
    widths: tuple[int, ...]
    se: tuple[tuple[int, ...], ...]


#: (task, variant) -> layout, read off the PP-OCRv6 exports (module docstring)
LAYOUTS: dict[tuple[str, str], RepViTLayout] = {
    ("det", "small"): RepViTLayout("hgnet", 24, (48, 96, 192, 384),
                                   ((1, 0), (1, 0), (1, 0, 1, 0), (1, 0))),
    ("det", "tiny"): RepViTLayout("hgnet", 16, (32, 48, 64, 160),
                                  ((1, 0), (1, 0), (1, 0, 1, 0), (1, 0))),
    ("rec", "small"): RepViTLayout("hgnet", 48, (96, 192, 384),
                                   ((1, 0, 0), (1, 0, 1, 0, 1, 0), (1, 0))),
    ("rec", "tiny"): RepViTLayout("conv", 24, (48, 96, 160), ((1, 0), (1, 0), (1, 0, 0))),
}


def _pad_right_below(x: torch.Tensor) -> torch.Tensor:
    return F.pad(x, (0, 1, 0, 1))


class HGNetStem(nn.Module):
    """PP-HGNetV2's stem (module docstring): (B, C_in, H, W) -> (B, out_channels, H/4, W/4)."""

    def __init__(self, in_channels: int, channels: int, out_channels: int) -> None:
        super().__init__()
        self.stem1 = ConvBNAct(in_channels, channels, 3, 2)
        self.stem2a = ConvBNAct(channels, channels // 2, 2)
        self.stem2b = ConvBNAct(channels // 2, channels, 2)
        self.stem3 = ConvBNAct(2 * channels, channels, 3, 2)
        self.stem4 = ConvBNAct(channels, out_channels, 1)
        self.out_channels = out_channels

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = _pad_right_below(self.stem1(x))  # post-ReLU: zero padding is neutral for the max
        branch = self.stem2b(_pad_right_below(self.stem2a(x)))
        pooled = F.max_pool2d(x, 2, 1)
        return self.stem4(self.stem3(torch.cat([pooled, branch], 1)))


class ConvStem(nn.Sequential):
    """RepViT's stem: 3x3 s2 + BN + GELU, 3x3 s2 + BN; (B, C_in, H, W) -> (B, C_out, H/4, W/4)."""

    def __init__(self, in_channels: int, channels: int, out_channels: int) -> None:
        super().__init__(
            ConvBNAct(in_channels, channels, 3, 2, act=None),
            nn.GELU(),
            ConvBNAct(channels, out_channels, 3, 2, act=None),
        )
        self.out_channels = out_channels


_STEMS: dict[str, type[nn.Module]] = {"hgnet": HGNetStem, "conv": ConvStem}


class RepViTBlock(nn.Module):
    """Depthwise 3x3 conv + BN (carries the stride), optional SE, then 1x1 C_in -> 2 C_in + BN,
    GELU, 1x1 -> C_out + BN; the last part is residual when stride 1 and C_in == C_out.

    (B, C_in, H, W) -> (B, C_out, H / s_h, W / s_w).
    """

    def __init__(self, in_channels: int, out_channels: int, stride: Stride = 1,
                 use_se: bool = False) -> None:
        super().__init__()
        self.token_mixer = ConvBNAct(in_channels, in_channels, 3, stride, groups=in_channels,
                                     act=None)
        self.se = HardSqueezeExcite(in_channels) if use_se else nn.Identity()
        hidden = 2 * in_channels
        self.channel_mixer = nn.Sequential(
            ConvBNAct(in_channels, hidden, 1, act=None),
            nn.GELU(),
            ConvBNAct(hidden, out_channels, 1, act=None),
        )
        self.residual = stride == 1 and in_channels == out_channels
        self.out_channels = out_channels

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.se(self.token_mixer(x))
        y = self.channel_mixer(x)
        return x + y if self.residual else y


class RepViT(nn.Module):
    """The PP-OCRv6 backbone ``variant`` ("small" or "tiny") for det or rec (module docstring).

    det: (B, C_in, H, W) -> 4 maps (B, out_channels[i], H / 2^(i+2), W / 2^(i+2)), H and W
    multiples of 32; small out_channels [48, 96, 192, 384], tiny [32, 48, 64, 160].
    rec: (B, C_in, H, W) -> (B, out_channels, 1, W / 8) for H = 48 (or 32); small 384 channels,
    tiny 160.
    """

    def __init__(self, in_channels: int = 3, variant: str = "small", det: bool = False) -> None:
        super().__init__()
        self.det = det
        layout = LAYOUTS[("det" if det else "rec", variant)]
        widths = layout.widths
        self.stem = _STEMS[layout.stem](in_channels, layout.stem_channels, widths[0])
        down: Stride = 2 if det else (2, 1)
        stages = []
        for index, (width, flags) in enumerate(zip(widths, layout.se)):
            blocks = [RepViTBlock(widths[index - 1], width, down)] if index else []
            blocks += [RepViTBlock(width, width, 1, bool(se)) for se in flags]
            stages.append(nn.Sequential(*blocks))
        self.stages = nn.ModuleList(stages)
        self.out_channels: list[int] | int = list(widths) if det else widths[-1]

    def forward(self, x: torch.Tensor) -> list[torch.Tensor] | torch.Tensor:
        x = self.stem(x)
        features = []
        for stage in self.stages:
            x = stage(x)
            features.append(x)
        if self.det:
            return features
        return F.avg_pool2d(x.mean(2, keepdim=True), (1, 2))
