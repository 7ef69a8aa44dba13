"""Text direction classifier head: global average pool + linear."""

from __future__ import annotations

import torch
from torch import nn


class ClsHead(nn.Module):
    """(B, in_channels, H, W) -> (B, num_classes): logits in training, softmax in eval
    (PaddleOCR's convention; for cls_mv3 the classes are 0 and 180 degrees)."""

    def __init__(self, in_channels: int, num_classes: int = 2) -> None:
        super().__init__()
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(in_channels, num_classes)
        self.out_channels = num_classes

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        logits = self.fc(self.pool(x).flatten(1))
        return logits if self.training else logits.softmax(1)
