"""``DepthwiseConv2d``: ``nn.Conv2d`` with groups == channels whose weight gradient on CPU, for
NCHW input, is a forward convolution rather than PyTorch's own.

Why: in training on CPU with NCHW tensors, PyTorch hands a depthwise convolution's weight
gradient to oneDNN's ``gemm:jit`` backward-weights path (an im2col and a 1 x k*k GEMM per
group), slow for the 5 x 5 depthwise layers of the mobile presets
(``benchmarks/train_limits.py`` measures the model-only rate with it and without it). The same
gradient is a per-channel correlation of the
input with the output gradient,

    dW[c, i, j] = sum_{b, y, x} X[b, c, s_h y + i - p_h, s_w x + j - p_w] * dY[b, c, y, x],

which is a depthwise *forward* convolution of the (B*C)-channel input with the (B*C)
output-gradient planes as kernels (dilation = the layer's stride), summed over the batch; oneDNN
runs that much faster. Forward and input gradient stay PyTorch's (oneDNN's fast depthwise
kernels). Same weights, same state dict, same ONNX export (tracing, eval mode or CUDA use the
plain convolution). On channels-last input (what ``train`` feeds) oneDNN's own backward is
used: in that layout it is about as fast, and the correlation would need NCHW copies
(``benchmarks/train_limits.py`` measures all four combinations).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class _DepthwiseFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x: torch.Tensor, weight: torch.Tensor, stride: tuple[int, int],
                padding: tuple[int, int]) -> torch.Tensor:
        ctx.save_for_backward(x, weight)
        ctx.stride, ctx.padding = stride, padding
        return F.conv2d(x, weight, None, stride, padding, 1, weight.shape[0])

    @staticmethod
    def backward(ctx, grad: torch.Tensor):  # type: ignore[override]
        x, weight = ctx.saved_tensors
        stride, padding = ctx.stride, ctx.padding
        channels, _, kh, kw = weight.shape
        grad = grad.contiguous()
        grad_x = grad_w = None
        if ctx.needs_input_grad[0]:
            grad_x = torch.ops.aten.convolution_backward(
                grad, x, weight, None, list(stride), list(padding), [1, 1], False, [0, 0],
                channels, [True, False, False])[0]
        if ctx.needs_input_grad[1]:
            b, _, h, w = x.shape
            planes = b * channels
            corr = F.conv2d(x.contiguous().reshape(1, planes, h, w),
                            grad.reshape(planes, 1, *grad.shape[2:]), None, 1, padding, stride,
                            planes)
            grad_w = corr[0, :, :kh, :kw].reshape(b, channels, kh, kw).sum(0).unsqueeze(1)
            grad_w = torch.empty_like(weight).copy_(grad_w)  # the weight's memory layout
        return grad_x, grad_w, None, None


class DepthwiseConv2d(nn.Conv2d):
    """A depthwise ``nn.Conv2d`` (groups = in = out channels, no bias, dilation 1, zero
    padding) whose training backward on CPU uses :class:`_DepthwiseFunction`."""

    def __init__(self, channels: int, kernel_size: int, stride: int | tuple[int, int] = 1,
                 padding: int | tuple[int, int] = 0) -> None:
        super().__init__(channels, channels, kernel_size, stride=stride, padding=padding,
                         groups=channels, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return depthwise_forward(x, self.weight, self.stride, self.padding)


def depthwise_forward(x: torch.Tensor, weight: torch.Tensor, stride: tuple[int, int],
                      padding: tuple[int, int]) -> torch.Tensor:
    """A depthwise convolution of (B, C, H, W) ``x`` with (C, 1, k, k) ``weight`` (the layer's
    own, or a fake-quantised copy of it): :func:`depthwise_conv` where its weight gradient
    helps (CPU training on NCHW input), PyTorch's convolution otherwise."""
    if (x.device.type != "cpu" or not torch.is_grad_enabled()
            or not weight.requires_grad or torch.jit.is_tracing()
            or torch.jit.is_scripting() or torch.onnx.is_in_onnx_export()
            or (x.is_contiguous(memory_format=torch.channels_last)
                and not x.is_contiguous())):
        # channels-last input: oneDNN's own backward runs on it as fast or faster than
        # the NCHW correlation plus the two layout copies it needs (train_limits.py)
        return F.conv2d(x, weight, None, stride, padding, 1, weight.shape[0])
    return depthwise_conv(x, weight, stride, padding)


def depthwise_conv(x: torch.Tensor, weight: torch.Tensor, stride: tuple[int, int],
                   padding: tuple[int, int]) -> torch.Tensor:
    """The depthwise convolution with the weight gradient of :class:`_DepthwiseFunction`."""
    return _DepthwiseFunction.apply(x, weight, stride, padding)
