"""CRNN sequence neck: squeeze the height-1 feature map into a sequence, then a BiLSTM."""

from __future__ import annotations

import torch
from torch import nn

from ppocr_bench.errors import PpocrError


class Im2Seq(nn.Module):
    """(B, C, 1, W) -> (B, W, C): one time step per feature column."""

    def __init__(self, in_channels: int) -> None:
        super().__init__()
        self.out_channels = in_channels

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.shape[2] != 1:
            raise PpocrError(
                f"the recognizer's feature map must have height 1, got {x.shape[2]}: "
                "resize text lines to the model's input height (32 for the PP-OCR recognizers)"
            )
        return x.squeeze(2).transpose(1, 2)


class BiLSTMEncoder(nn.Module):
    """Stacked bidirectional LSTM: (B, T, in_channels) -> (B, T, 2 * hidden_size)."""

    def __init__(self, in_channels: int, hidden_size: int, num_layers: int = 2) -> None:
        super().__init__()
        self.lstm = nn.LSTM(
            in_channels, hidden_size, num_layers=num_layers, bidirectional=True, batch_first=True
        )
        self.out_channels = 2 * hidden_size

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.lstm(x)[0]


class SequenceNeck(nn.Module):
    """Im2Seq then a stacked BiLSTM: (B, C, 1, W) -> (B, W, 2 * hidden_size)."""

    def __init__(self, in_channels: int, hidden_size: int = 48, num_layers: int = 2) -> None:
        super().__init__()
        self.reshape = Im2Seq(in_channels)
        self.encoder = BiLSTMEncoder(self.reshape.out_channels, hidden_size, num_layers)
        self.out_channels = self.encoder.out_channels

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.encoder(self.reshape(x))
