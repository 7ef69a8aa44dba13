"""PP-OCRv4 building blocks: PP-LCNetV3 (det and rec) and the SVTR neck."""

from __future__ import annotations

import pytest
import torch

from ppocr_bench.models import create_model
from ppocr_bench.models.backbones.pplcnet_v3 import RepConv, make_divisible_16
from ppocr_bench.models.necks.svtr import SVTRNeck


@pytest.mark.parametrize(("value", "rounded"), [(12, 16), (24, 32), (48, 48), (486.4, 480),
                                                (60.8, 64), (243.2, 240)])
def test_channels_round_to_multiples_of_16(value: float, rounded: int) -> None:
    assert make_divisible_16(value) == rounded


def test_rep_conv_drops_its_activation_only_at_stride_2_on_both_axes() -> None:
    assert isinstance(RepConv(8, 8, 3, 2, 8).act, torch.nn.Identity)
    assert not isinstance(RepConv(8, 8, 3, (2, 1), 8).act, torch.nn.Identity)
    assert not isinstance(RepConv(8, 8, 1).act, torch.nn.Identity)


def test_det_backbone_taps_match_ch_ppocr_v4_det() -> None:
    model = create_model("det_lcnetv3_db")
    assert model.backbone.out_channels == [12, 18, 42, 360]
    assert model.neck.in_channels == model.backbone.out_channels
    taps = model.backbone(torch.randn(1, 3, 64, 96))
    assert [tuple(t.shape[1:]) for t in taps] == [(12, 16, 24), (18, 8, 12), (42, 4, 6),
                                                  (360, 2, 3)]


def test_rec_48_px_lines_give_one_step_per_8_columns() -> None:
    model = create_model("rec_lcnetv3_svtr", charset=list("ab")).eval()
    assert model.backbone.out_channels == 480 and model.neck.out_channels == 120
    with torch.no_grad():
        assert model.backbone(torch.randn(1, 3, 48, 320)).shape == (1, 480, 1, 40)
        probs = model(torch.randn(2, 3, 48, 96))
    assert probs.shape == (2, 12, 4)
    assert torch.allclose(probs.sum(2), torch.ones(2, 12))


def test_svtr_neck_keeps_the_sequence_length_and_mixes_all_steps() -> None:
    torch.manual_seed(0)
    neck = SVTRNeck(64, hidden_size=16, depth=1, num_heads=2).eval()
    x = torch.randn(1, 64, 1, 10)
    y = neck(x)
    assert y.shape == (1, 10, 16)
    x2 = x.clone()
    x2[..., 9] += 1.0  # global attention: the last column changes the first step
    assert not torch.allclose(neck(x2)[:, 0], y[:, 0])
