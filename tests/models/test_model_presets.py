"""Every preset trains on tiny inputs; shapes, sizes and knobs match PAPER.md."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from ppocr_bench.errors import PpocrError
from ppocr_bench.models import (
    PRESETS,
    DBMaps,
    Task,
    count_parameters,
    create_model,
    ctc_vocabulary,
    get_preset,
)

torch.set_num_threads(2)

TINY_CHARSET = list("abcdef")
CHINESE_6623 = [chr(0x4E00 + i) for i in range(6623)]  # stands in for ppocr_keys_v1
TINY_INPUT = {Task.DET: (1, 64, 64), Task.CLS: (2, 48, 96), Task.REC: (2, 32, 64)}


def build(name: str, charset: list[str] = TINY_CHARSET, **overrides) -> torch.nn.Module:
    torch.manual_seed(0)
    rec = PRESETS[name].task is Task.REC
    return create_model(name, charset=charset if rec else None, **overrides)


def tiny_batch(name: str) -> torch.Tensor:
    spec = PRESETS[name]
    batch, height, width = TINY_INPUT[spec.task]
    generator = torch.Generator().manual_seed(1)
    return torch.randn(batch, spec.input_size[0], height, width, generator=generator)


def task_loss(task: Task, output, images: torch.Tensor) -> torch.Tensor:
    if task is Task.DET:
        assert isinstance(output, DBMaps)
        target = (images[:, :1] > 0).float()
        return (
            F.mse_loss(output.prob, target)
            + F.l1_loss(output.thresh, torch.full_like(target, 0.5))
            + F.binary_cross_entropy(output.binary.clamp(1e-6, 1 - 1e-6), target)
        )
    if task is Task.CLS:
        return F.cross_entropy(output, torch.tensor([0, 1]))
    log_probs = output.log_softmax(2).transpose(0, 1)  # (T, B, C)
    targets = torch.tensor([[1, 2, 3], [4, 5, 6]])
    steps = torch.full((output.shape[0],), output.shape[1], dtype=torch.long)
    return F.ctc_loss(log_probs, targets, steps, torch.tensor([3, 2]), blank=0)


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_every_preset_trains_on_tiny_input(name: str) -> None:
    model = build(name).train()
    images = tiny_batch(name)
    loss = task_loss(PRESETS[name].task, model(images), images)
    loss.backward()
    assert torch.isfinite(loss)
    no_grad = [n for n, p in model.named_parameters() if p.grad is None]
    assert not no_grad, f"parameters without gradient: {no_grad[:5]}"
    assert all(torch.isfinite(p.grad).all() for p in model.parameters())


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_every_preset_records_task_and_input_size(name: str) -> None:
    spec = get_preset(name)
    model = build(name)
    assert model.preset == name and model.spec == spec
    assert model.task == spec.task.value in ("det", "cls", "rec")
    assert model.input_size == spec.input_size and len(spec.input_size) == 3


@pytest.mark.parametrize("name", [n for n, s in PRESETS.items() if s.task is Task.DET])
def test_det_maps_have_the_input_size(name: str) -> None:
    model = build(name)
    images = torch.randn(1, 3, 64, 96)
    maps = model.train()(images)
    assert [tuple(m.shape) for m in maps] == [(1, 1, 64, 96)] * 3
    with torch.no_grad():
        prob = model.eval()(images)
    assert prob.shape == (1, 1, 64, 96)
    assert 0.0 <= prob.min() and prob.max() <= 1.0


def test_det_binary_map_is_the_step_of_prob_minus_thresh() -> None:
    maps = build("det_mv3_db").train()(torch.randn(1, 3, 64, 64))
    assert torch.allclose(maps.binary, torch.sigmoid(50 * (maps.prob - maps.thresh)))


@pytest.mark.parametrize("name", ["rec_mv3_crnn", "rec_r34_crnn"])
def test_rec_32x320_gives_80_steps_over_all_classes(name: str) -> None:
    model = build(name).eval()
    with torch.no_grad():
        probs = model(torch.randn(1, 3, 32, 320))
    assert probs.shape == (1, 80, len(TINY_CHARSET) + 2)  # blank + charset + space
    assert torch.allclose(probs.sum(2), torch.ones(1, 80), atol=1e-5)


def test_rec_backbone_gives_288_channels_at_height_1() -> None:
    model = build("rec_mv3_crnn")
    assert model.backbone.out_channels == 288
    assert model.backbone(torch.randn(1, 3, 32, 320)).shape == (1, 288, 1, 80)
    assert model.neck.out_channels == 96 and model.head.fc.in_features == 96


def test_rec_of_wrong_height_is_a_user_error() -> None:
    with pytest.raises(PpocrError, match="height 1, got 2"):
        build("rec_mv3_crnn")(torch.randn(1, 3, 64, 64))


def test_cls_gives_two_logits_in_training_and_probabilities_in_eval() -> None:
    model = build("cls_mv3")
    images = torch.randn(2, 3, 48, 192)
    assert model.backbone(images).shape == (2, 200, 1, 48)
    logits = model.train()(images)
    with torch.no_grad():
        probs = model.eval()(images)
    assert logits.shape == probs.shape == (2, 2)
    assert torch.allclose(probs.sum(1), torch.ones(2))


def test_rec_carries_its_charset_and_class_layout() -> None:
    model = build("rec_mv3_crnn", charset=list("xyz"))
    assert model.charset == ["x", "y", "z"] and model.use_space
    assert model.vocabulary == ["", "x", "y", "z", " "]
    assert model.head.out_channels == 5
    no_space = build("rec_mv3_crnn", charset=list("xyz"), use_space=False)
    assert no_space.vocabulary == ctc_vocabulary(list("xyz"), False) == ["", "x", "y", "z"]
    assert build("det_mv3_db").charset is None


# PAPER.md sizes: MB of fp32 weights, or parameter counts; "treat as approximate" -> 15%.
PAPER_SIZES_MB = [
    ("det_mv3_db", {}, 2.6),
    ("det_mv3_db", {"use_se": True}, 4.1),  # detector ablation: SE kept
    ("det_mv3_db", {"use_se": True, "inner_channels": 256}, 7.0),  # FPN inner 256
    ("det_r18_db", {}, 47.2),
    ("rec_mv3_crnn", {}, 4.6),
    ("rec_mv3_crnn", {"hidden_size": 64}, 5.6),  # recognizer head-width ablation
    ("rec_mv3_crnn", {"hidden_size": 96}, 8.0),
    ("rec_mv3_crnn", {"hidden_size": 256}, 23.0),
    ("rec_r34_crnn", {}, 107.0),
]


@pytest.mark.parametrize(("name", "overrides", "paper_mb"), PAPER_SIZES_MB)
def test_weight_size_matches_paper(name: str, overrides: dict, paper_mb: float) -> None:
    megabytes = count_parameters(build(name, CHINESE_6623, **overrides)) * 4 / 1e6
    assert megabytes == pytest.approx(paper_mb, rel=0.15)


def test_parameter_counts_match_paper() -> None:
    assert count_parameters(build("det_mv3_db")) == pytest.approx(0.58e6, rel=0.15)
    rec = build("rec_mv3_crnn", CHINESE_6623)
    assert rec.head.out_channels == 6625
    assert count_parameters(rec) == pytest.approx(1.08e6, rel=0.15)
    assert count_parameters(rec.head) == pytest.approx(0.64e6, rel=0.15)


def test_cls_matches_the_released_paddleocr_classifier() -> None:
    # PAPER.md's 0.9 MB / 0.85M are not weights-only: ch_ppocr_mobile_v2.0_cls_infer.onnx holds
    # 133,628 floats (weights and BatchNorm statistics), 0.53 MB; that is the reference here.
    state = build("cls_mv3").state_dict()
    floats = sum(t.numel() for t in state.values() if t.is_floating_point())
    assert floats == 133_628


def test_backbone_taps_feed_the_neck_by_out_channels() -> None:
    det = build("det_mv3_db")
    assert det.backbone.out_channels == [16, 24, 56, 480]
    assert det.neck.in_channels == det.backbone.out_channels
    taps = det.backbone(torch.randn(1, 3, 64, 64))
    assert [tuple(t.shape[1:]) for t in taps] == [(16, 16, 16), (24, 8, 8), (56, 4, 4), (480, 2, 2)]
    assert build("det_r18_db").backbone.out_channels == [64, 128, 256, 512]


def test_knobs_change_the_network() -> None:
    base = count_parameters(build("det_mv3_db"))
    assert count_parameters(build("det_mv3_db", neck="rse_fpn")) > base
    assert build("det_mv3_db", inner_channels=64).neck.out_channels == 64
    assert build("det_mv3_db", scale=0.35).backbone.out_channels[-1] == 336
    assert build("rec_mv3_crnn", hidden_size=96).neck.out_channels == 192
    wide = build("rec_mv3_crnn", small_stride=[2, 2, 2, 1], input_size=[3, 32, 320])
    assert wide.spec.small_stride == (2, 2, 2, 1) and wide.input_size == (3, 32, 320)
    assert wide.backbone(torch.randn(1, 3, 32, 64)).shape == (1, 288, 1, 16)
    gray = build("cls_mv3", input_size=(1, 48, 192))
    assert gray.backbone.stem[0].in_channels == 1


@pytest.mark.parametrize(
    ("name", "overrides", "message"),
    [
        ("det_mv3_db", {"hidden_size": 96}, "'hidden_size' does not apply to a det model"),
        ("rec_r34_crnn", {"scale": 0.5}, "'scale' does not apply"),
        ("det_mv3_db", {"scale": 0.6}, "scale must be one of"),
        ("det_mv3_db", {"neck": "bilstm"}, "neck of a det model must be db_fpn or rse_fpn"),
        ("det_mv3_db", {"neck": "fpn"}, "neck must be one of"),
        ("det_mv3_db", {"inner_channels": 90}, "multiple of 4"),
        ("det_mv3_db", {"task": "rec"}, "task is fixed to det"),
        ("det_mv3_db", {"width": 3}, "unknown model argument 'width'"),
        ("cls_mv3", {"small_stride": (2, 2, 3, 2)}, "small_stride must be 4 values"),
        ("cls_mv3", {"input_size": (3, 48)}, "input_size must be 3 positive ints"),
        ("rec_mv3_crnn", {"hidden_size": 0}, "hidden_size must be an int >= 1"),
        ("rec_mv3_crnn", {"use_se": None}, "'use_se' needs a value"),
    ],
)
def test_bad_arguments_are_user_errors(name: str, overrides: dict, message: str) -> None:
    with pytest.raises(PpocrError, match=message):
        build(name, **overrides)


def test_charset_errors() -> None:
    with pytest.raises(PpocrError, match="unknown model preset 'rec_x'; choose one of: det_mv3_db"):
        create_model("rec_x")
    with pytest.raises(PpocrError, match="needs a charset"):
        create_model("rec_mv3_crnn")
    with pytest.raises(PpocrError, match="takes no charset"):
        create_model("det_mv3_db", charset=["a"])
    with pytest.raises(PpocrError, match="entry 2 \\('a'\\) is a duplicate"):
        create_model("rec_mv3_crnn", charset=["a", "b", "a"])
    with pytest.raises(PpocrError, match="holds ' ' before its end"):
        create_model("rec_mv3_crnn", charset=[" ", "a"])
    paddle_en = create_model("rec_mv3_crnn", charset=["a", " "])  # en_dict.txt ends in " "
    assert paddle_en.vocabulary == ["", "a", " ", " "]
    assert create_model("rec_mv3_crnn", charset=["a", " "], use_space=False).head.out_channels == 3
    with pytest.raises(PpocrError, match="empty"):
        create_model("rec_mv3_crnn", charset=[])


def test_count_parameters_counts_learnable_tensors_only():
    model = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.BatchNorm2d(4))
    # conv weight and bias, BN weight and bias; BN running statistics are buffers, not counted
    assert count_parameters(model) == 3 * 4 * 9 + 4 + 4 + 4


def test_every_spec_value_has_a_builder():
    from ppocr_bench.models import Backbone, Neck
    from ppocr_bench.models.presets import BACKBONES, HEADS, NECKS

    assert set(BACKBONES) == set(Backbone)
    assert set(NECKS) == {*Neck, None}
    assert set(HEADS) == set(Task)


def test_a_backbone_without_a_builder_is_an_error_not_another_network(monkeypatch):
    """The dispatch used to fall through to ResNet34 for any backbone it did not know."""
    from ppocr_bench.models import Backbone
    from ppocr_bench.models.presets import BACKBONES, NECKS

    monkeypatch.delitem(BACKBONES, Backbone.MV3_LARGE)
    with pytest.raises(PpocrError, match=r"^det_mv3_db: no backbone builder for "
                                         r"'mobilenet_v3_large'; known: mobilenet_v3_small, "
                                         r"resnet18_vd, resnet34_vd, pplcnet_v3, "
                                         r"mobilenet_v1_enhance, repvit$"):
        create_model("det_mv3_db")
    monkeypatch.delitem(NECKS, None)
    with pytest.raises(PpocrError, match=r"^cls_mv3: no neck builder for None; known: db_fpn"):
        create_model("cls_mv3")
