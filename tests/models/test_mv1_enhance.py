"""MobileNetV1Enhance and the PP-OCRv2 / PP-OCRv3 recognizer presets built on it: shapes and
sizes as the official ONNX exports have them (ch_PP-OCRv2_rec_infer, ch_PP-OCRv3_rec_infer)."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from ppocr_bench.errors import PpocrError
from ppocr_bench.models import count_parameters, create_model
from ppocr_bench.models.backbones.mobilenet_v1_enhance import MobileNetV1Enhance
from ppocr_bench.models.layers import HardSqueezeExcite

CHINESE_6623 = [chr(0x4E00 + i) for i in range(6623)]  # stands in for ppocr_keys_v1


def _floats(model: nn.Module) -> int:
    """Weights and BatchNorm statistics, as an ONNX export holds them."""
    return sum(t.numel() for t in model.state_dict().values() if t.is_floating_point())


@pytest.mark.parametrize(("last_stride", "pool", "height", "steps"),
                         [((1, 1), "max", 32, 80), ((1, 2), "avg", 48, 40),
                          ((1, 2), "avg", 32, 40), ((1, 1), "max", 48, 80)])
def test_lines_end_at_height_1_with_one_step_per_4_or_8_columns(last_stride, pool, height,
                                                                steps) -> None:
    backbone = MobileNetV1Enhance(3, 0.5, last_stride, pool).eval()
    with torch.no_grad():
        y = backbone(torch.randn(1, 3, height, 320))
    assert y.shape == (1, backbone.out_channels, 1, steps) and backbone.out_channels == 512


def test_layout_matches_paddleocr() -> None:
    backbone = MobileNetV1Enhance(3, 0.5, (1, 2), "avg")
    depthwise = [block[0][0] for block in backbone.blocks]
    assert [conv.kernel_size[0] for conv in depthwise] == [3] * 6 + [5] * 7
    assert [tuple(conv.stride) for conv in depthwise if tuple(conv.stride) != (1, 1)] == [
        (2, 1), (2, 1), (2, 1), (1, 2)]
    assert [isinstance(block[1], HardSqueezeExcite) for block in backbone.blocks] == [
        False] * 11 + [True] * 2
    assert backbone.stem.out_channels == 16 and isinstance(backbone.pool, nn.AvgPool2d)
    with pytest.raises(ValueError, match="pool must be one of max, avg"):
        MobileNetV1Enhance(pool="min")


def test_ppocrv2_rec_preset_is_the_official_crnn() -> None:
    rec = create_model("rec_mv1e_crnn", charset=CHINESE_6623).eval()
    with torch.no_grad():
        assert rec(torch.randn(2, 3, 32, 320)).shape == (2, 80, 6625)
    assert rec.neck.out_channels == 128 and rec.neck.encoder.lstm.hidden_size == 64
    assert (rec.head.mid.in_features, rec.head.mid.out_features) == (128, 96)
    assert rec.head.fc.in_features == 96
    assert count_parameters(rec) == 2_066_433


def test_ppocrv3_rec_preset_is_the_official_svtr_lcnet() -> None:
    rec = create_model("rec_mv1e_svtr", charset=CHINESE_6623).eval()
    with torch.no_grad():
        assert rec(torch.randn(2, 3, 48, 320)).shape == (2, 40, 6625)
    assert rec.neck.out_channels == 64 and rec.neck.conv1[0].kernel_size == (3, 3)
    assert isinstance(rec.head.mid, nn.Identity)
    assert _floats(rec) == 2_652_257  # the float constants of ch_PP-OCRv3_rec_infer.onnx


def test_ppocrv4_rec_keeps_its_svtr_layout() -> None:
    rec = create_model("rec_lcnetv3_svtr", charset=list("abc"))
    assert rec.neck.out_channels == 120 and rec.neck.conv1[0].kernel_size == (1, 3)


@pytest.mark.parametrize(("overrides", "message"), [
    ({"last_stride": (1, 3)}, "last_stride must be 2 values of 1 or 2"),
    ({"pool": "min"}, "pool must be one of max, avg"),
    ({"svtr_kernel": (2, 3)}, "svtr_kernel must be 2 positive odd ints"),
    ({"svtr_dims": 0}, "svtr_dims must be an int >= 1"),
    ({"scale": 2.5}, r"scale must be a number in \(0, 2\]"),
])
def test_bad_arguments_are_user_errors(overrides: dict, message: str) -> None:
    with pytest.raises(PpocrError, match=message):
        create_model("rec_mv1e_svtr", charset=list("abc"), **overrides)


def test_fields_of_other_backbones_and_heads_do_not_apply() -> None:
    with pytest.raises(PpocrError, match="'last_stride' does not apply"):
        create_model("rec_lcnetv3_svtr", charset=list("abc"), last_stride=(1, 1))
    with pytest.raises(PpocrError, match="'mid_channels' does not apply"):
        create_model("rec_mv1e_svtr", charset=list("abc"), mid_channels=96)
    wider = create_model("rec_mv1e_crnn", charset=list("abc"), mid_channels=48, pool="avg",
                         input_size=[3, 48, 320])
    assert wider.head.mid.out_features == 48 and isinstance(wider.backbone.pool, nn.AvgPool2d)
