"""Large-kernel RSE-FPN, the DB neck of the PP-OCRv6 small and tiny detectors.

PP-OCRv3's RSE-FPN (:class:`~ppocr_bench.models.necks.db_fpn.RSEFPN`: 1x1 lateral convs with a
residual squeeze-excite, top-down merge, every level to ``inner_channels // 4``, upsampled to
stride 4 and concatenated) whose output convs are a depthwise k x k conv (with a bias) on the
merged level followed by a 1x1 residual-SE conv to ``inner_channels // 4``, instead of one
3x3 conv: a wide receptive field for long text lines at little cost.
PP-OCRv6 small: inner 96, k 7; tiny: inner 64, k 5 (read off the official ONNX exports).

[(B, C_i, H / 2^(i+2), W / 2^(i+2)) for i in 0..3] -> (B, inner_channels, H / 4, W / 4).
"""

from __future__ import annotations

from torch import nn

from ppocr_bench.models.necks.db_fpn import RSEConv, RSEFPN


class LargeKernelSmooth(nn.Sequential):
    """Depthwise k x k conv (bias, "same" padding), then a 1x1 :class:`RSEConv` to
    ``out_channels``: (B, C, H, W) -> (B, out_channels, H, W)."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int) -> None:
        super().__init__(
            nn.Conv2d(in_channels, in_channels, kernel_size, padding=kernel_size // 2,
                      groups=in_channels),
            RSEConv(in_channels, out_channels, 1),
        )


class LargeKernelRSEFPN(RSEFPN):
    """RSE-FPN with :class:`LargeKernelSmooth` output convs (see the module docstring)."""

    def __init__(self, in_channels: list[int], inner_channels: int = 96,
                 kernel_size: int = 7) -> None:
        super().__init__(in_channels, inner_channels)
        self.smooth = nn.ModuleList(
            LargeKernelSmooth(inner_channels, inner_channels // 4, kernel_size)
            for _ in in_channels
        )
