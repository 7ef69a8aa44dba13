"""DepthwiseConv2d: the same function and gradients as nn.Conv2d, only computed faster."""

import pytest
import torch
from torch import nn

from ppocr_bench.models.depthwise import DepthwiseConv2d, _DepthwiseFunction
from ppocr_bench.models.layers import ConvBNAct

CASES = [  # batch, channels, height, width, kernel, stride
    (2, 3, 4, 30, 5, (1, 1)),
    (2, 3, 9, 11, 3, (2, 2)),
    (2, 3, 8, 10, 3, (2, 1)),
    (2, 3, 7, 9, 5, (2, 1)),
    (1, 4, 8, 8, 5, (2, 2)),
]


@pytest.mark.parametrize("b,c,h,w,k,stride", CASES)
def test_gradients_match_numerical_ones(b, c, h, w, k, stride):
    x = torch.randn(b, c, h, w, dtype=torch.float64, requires_grad=True)
    weight = torch.randn(c, 1, k, k, dtype=torch.float64, requires_grad=True)
    pad = ((k - 1) // 2,) * 2
    assert torch.autograd.gradcheck(
        lambda x, weight: _DepthwiseFunction.apply(x, weight, stride, pad), (x, weight))


@pytest.mark.parametrize("layout", [torch.contiguous_format, torch.channels_last])
@pytest.mark.parametrize("stride", [1, 2, (2, 1)])
def test_same_outputs_and_gradients_as_conv2d(stride, layout):
    torch.manual_seed(0)
    fast = DepthwiseConv2d(24, 5, stride, 2).to(memory_format=layout)
    plain = nn.Conv2d(24, 24, 5, stride, 2, groups=24, bias=False)
    plain.load_state_dict(fast.state_dict())
    x = torch.randn(4, 24, 8, 40).contiguous(memory_format=layout)
    xa, xb = x.clone().requires_grad_(), x.clone().requires_grad_()
    ya, yb = fast(xa), plain(xb)
    torch.testing.assert_close(ya, yb)
    grad = torch.randn_like(ya)
    ya.backward(grad)
    yb.backward(grad)
    torch.testing.assert_close(xa.grad, xb.grad)
    torch.testing.assert_close(fast.weight.grad, plain.weight.grad, rtol=1e-4, atol=1e-4)


def test_conv_bn_act_uses_it_only_for_depthwise_layers():
    assert isinstance(ConvBNAct(16, 16, 3, groups=16)[0], DepthwiseConv2d)
    assert type(ConvBNAct(16, 32, 1)[0]) is nn.Conv2d
    assert type(ConvBNAct(16, 32, 3, groups=4)[0]) is nn.Conv2d
    assert list(ConvBNAct(16, 16, 3, groups=16).state_dict()) == \
        list(nn.Sequential(nn.Conv2d(16, 16, 3, groups=16, bias=False), nn.BatchNorm2d(16),
                           nn.ReLU()).state_dict())
