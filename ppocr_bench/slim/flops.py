"""FLOPs of a network on one image: ``torch.utils.flop_counter`` (convolutions, matrix
products; 2 FLOPs per multiply-add) plus the LSTMs it does not see."""

from __future__ import annotations

import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode


def count_flops(model: nn.Module, input_size: tuple[int, int, int] | None = None) -> int:
    """FLOPs of an eval forward pass of ``model`` on one (C, H, W) image (default: the
    preset's ``input_size``). The model's mode is restored."""
    size = input_size or model.input_size
    lstm = [0]
    handles = [m.register_forward_hook(_lstm_counter(lstm)) for m in model.modules()
               if isinstance(m, nn.LSTM)]
    training = model.training
    try:
        with FlopCounterMode(display=False) as counter, torch.no_grad():
            model.eval()(torch.zeros(1, *size))
    finally:
        model.train(training)
        for handle in handles:
            handle.remove()
    return int(counter.get_total_flops()) + lstm[0]


def lstm_flops(lstm: nn.LSTM, steps: int) -> int:
    """FLOPs of ``steps`` time steps of one sequence: per layer and direction, the four gates'
    input and recurrent products, 2 * 4H * (input + H) each step."""
    directions = 2 if lstm.bidirectional else 1
    total = 0
    for layer in range(lstm.num_layers):
        width = lstm.input_size if layer == 0 else lstm.hidden_size * directions
        total += directions * 2 * 4 * lstm.hidden_size * (width + lstm.hidden_size)
    return total * steps


def _lstm_counter(total: list[int]):
    def hook(module: nn.LSTM, inputs: tuple, output: tuple) -> None:
        x = inputs[0]
        steps = x.shape[1] if module.batch_first else x.shape[0]
        total[0] += lstm_flops(module, steps) * (x.shape[0] if module.batch_first else x.shape[1])
    return hook
