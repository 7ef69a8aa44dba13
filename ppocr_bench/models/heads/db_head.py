"""Differentiable Binarization head: probability and threshold branches, approximate binary map."""

from __future__ import annotations

from typing import NamedTuple

import torch
from torch import nn


class DBMaps(NamedTuple):
    """Training outputs of :class:`DBHead`, each (B, 1, H, W) in [0, 1]."""

    prob: torch.Tensor
    thresh: torch.Tensor
    binary: torch.Tensor


class DBBranch(nn.Sequential):
    """3x3 conv C -> C/4 + BN + ReLU, 2x2/2 transposed conv + BN + ReLU, 2x2/2 transposed conv
    to 1 channel, sigmoid: (B, C, H, W) -> (B, 1, 4H, 4W)."""

    def __init__(self, in_channels: int) -> None:
        mid = in_channels // 4
        super().__init__(
            nn.Conv2d(in_channels, mid, 3, padding=1, bias=False),
            nn.BatchNorm2d(mid),
            nn.ReLU(),
            nn.ConvTranspose2d(mid, mid, 2, stride=2),
            nn.BatchNorm2d(mid),
            nn.ReLU(),
            nn.ConvTranspose2d(mid, 1, 2, stride=2),
            nn.Sigmoid(),
        )


class DBHead(nn.Module):
    """DB head on the FPN output (B, in_channels, H/4, W/4), maps at input size (B, 1, H, W).

    Training returns :class:`DBMaps` (probability P, threshold T and the approximate binary map
    1 / (1 + exp(-k (P - T)))); eval returns the probability map alone, (B, 1, H, W).
    """

    def __init__(self, in_channels: int, k: int = 50) -> None:
        super().__init__()
        self.k = k
        self.prob = DBBranch(in_channels)
        self.thresh = DBBranch(in_channels)
        self.out_channels = 1

    def forward(self, x: torch.Tensor) -> DBMaps | torch.Tensor:
        prob = self.prob(x)
        if not self.training:
            return prob
        thresh = self.thresh(x)
        return DBMaps(prob, thresh, torch.sigmoid(self.k * (prob - thresh)))
