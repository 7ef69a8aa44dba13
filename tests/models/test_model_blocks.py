"""Building blocks: channel rounding, strides, shapes, and the spec's JSON round trip."""

from __future__ import annotations

import pytest
import torch

from ppocr_bench.models import PRESETS, resolve_spec
from ppocr_bench.models.backbones.mobilenet_v3 import (
    MobileNetV3Large,
    MobileNetV3Small,
    make_divisible,
)
from ppocr_bench.models.backbones.resnet_vd import ResNetVdDet, ResNetVdRec
from ppocr_bench.models.heads.ctc_head import num_ctc_classes
from ppocr_bench.models.layers import SqueezeExcite
from ppocr_bench.models.necks.db_fpn import DBFPN, RSEFPN
from ppocr_bench.models.necks.sequence import SequenceNeck

torch.set_num_threads(2)


@pytest.mark.parametrize(
    ("value", "rounded"),
    [(8, 8), (3, 8), (12, 16), (20, 24), (36, 40), (56, 56), (60, 64), (201.6, 200), (480, 480),
     (11.5, 16), (27.2, 32), (44, 48), (9.5, 16)],
)
def test_make_divisible(value: float, rounded: int) -> None:
    assert make_divisible(value) == rounded


def test_make_divisible_never_drops_below_90_percent() -> None:
    assert all(make_divisible(v) >= 0.9 * v for v in range(1, 1000))


def test_squeeze_excite_uses_paddle_hard_sigmoid() -> None:
    se = SqueezeExcite(8)
    for conv in (se.gate[1], se.gate[3]):
        torch.nn.init.zeros_(conv.weight)
        torch.nn.init.zeros_(conv.bias)
    torch.nn.init.constant_(se.gate[3].bias, 1.0)  # gate = clip(0.2 * 1 + 0.5) = 0.7
    x = torch.randn(1, 8, 3, 3)
    assert torch.allclose(se(x), 0.7 * x)


@pytest.mark.parametrize("use_se", [True, False])
def test_large_backbone_taps_at_strides_4_to_32(use_se: bool) -> None:
    net = MobileNetV3Large(scale=0.5, use_se=use_se)
    has_se = any(isinstance(m, SqueezeExcite) for m in net.modules())
    assert has_se == use_se
    taps = net(torch.randn(1, 3, 64, 96))
    assert [tuple(t.shape[2:]) for t in taps] == [(16, 24), (8, 12), (4, 6), (2, 3)]
    assert [t.shape[1] for t in taps] == net.out_channels == [16, 24, 56, 480]


@pytest.mark.parametrize(
    ("small_stride", "height", "out_height"),
    [((1, 2, 2, 2), 32, 1), ((2, 2, 2, 2), 48, 1), ((2, 2, 2, 2), 64, 1), ((1, 1, 2, 2), 32, 2)],
)
def test_small_backbone_strides_height_only(small_stride, height: int, out_height: int) -> None:
    net = MobileNetV3Small(scale=0.35, small_stride=small_stride).eval()
    out = net(torch.randn(1, 3, height, 40))
    assert out.shape == (1, net.out_channels, out_height, 10)
    assert net.out_channels == 200


def test_resnet_vd_shapes() -> None:
    det = ResNetVdDet(18).eval()
    taps = det(torch.randn(1, 3, 64, 64))
    shapes = [tuple(t.shape[1:]) for t in taps]
    assert shapes == [(64, 16, 16), (128, 8, 8), (256, 4, 4), (512, 2, 2)]
    rec = ResNetVdRec(34).eval()
    assert rec(torch.randn(1, 3, 32, 48)).shape == (1, 512, 1, 12)
    # vd shortcut: average pool shaped like the stride, then a 1x1 conv
    shortcut = rec.stages[1][0].shortcut
    assert isinstance(shortcut[0], torch.nn.AvgPool2d) and shortcut[0].kernel_size == (2, 1)


@pytest.mark.parametrize("fpn", [DBFPN, RSEFPN])
def test_fpn_fuses_to_stride_4(fpn) -> None:
    neck = fpn([16, 24, 56, 480], inner_channels=64)
    features = [torch.randn(2, c, 32 // 2**i, 48 // 2**i) for i, c in enumerate([16, 24, 56, 480])]
    assert neck(features).shape == (2, 64, 32, 48)
    assert neck.out_channels == 64


def test_dbfpn_has_no_norm_or_bias() -> None:
    neck = DBFPN([16, 24, 56, 480], 96)
    assert all(name.endswith("weight") for name, _ in neck.named_parameters())
    assert sum(p.numel() for p in neck.parameters()) == (16 + 24 + 56 + 480) * 96 + 4 * 96 * 24 * 9


def test_sequence_neck() -> None:
    neck = SequenceNeck(288, hidden_size=48)
    assert neck(torch.randn(2, 288, 1, 80)).shape == (2, 80, 96)
    assert neck.encoder.lstm.num_layers == 2 and neck.encoder.lstm.bidirectional


def test_ctc_class_count() -> None:
    assert num_ctc_classes(["a"] * 6623, use_space=True) == 6625
    assert num_ctc_classes(["a"] * 95, use_space=False) == 96


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_spec_round_trips_through_json(name: str) -> None:
    spec = PRESETS[name]
    assert resolve_spec(name, **spec.to_dict()) == spec
