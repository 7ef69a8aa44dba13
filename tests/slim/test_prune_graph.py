"""Pruning groups found by probing: what is tied, what each layer reads, what is skipped."""

from __future__ import annotations

import pytest
import torch
from prune_cases import PRESETS, small_model
from torch import nn

from ppocr_bench.models import OcrModel, get_preset
from ppocr_bench.slim.graph import find_groups, prunable_groups
from ppocr_bench.slim.probe import channel_codes, layer_kind


def test_channel_codes_spell_each_index_in_paired_rows():
    codes = channel_codes(5)  # 3 bits, rows (bit k set, bit k clear)
    assert codes.shape == (6, 5)
    assert codes[0].tolist() == [False, True, False, True, False]  # bit 0 set: 1, 3
    assert (codes[0::2] ^ codes[1::2]).all()
    assert channel_codes(1).tolist() == [[False], [True]]


@pytest.mark.parametrize("preset", PRESETS)
def test_every_prunable_group_maps_its_channels_one_to_one(preset):
    model = small_model(preset)
    for group in prunable_groups(model).values():
        for conv, channels in group.producers.items():
            assert sorted(channels) == list(range(group.size)), conv
            assert layer_kind(model.get_submodule(conv)) == "conv"
        for layer, per_channel in group.slots.items():
            flat = [j for js in per_channel for j in js]
            assert len(flat) == len(set(flat)), layer  # no input channel fed twice


def test_rec_ties_the_squeeze_excite_gate_and_the_residual_chain():
    groups = prunable_groups(small_model("rec_mv3_crnn"))
    expand = groups["backbone.blocks.3.expand.0"]
    assert set(expand.producers) == {"backbone.blocks.3.expand.0",
                                     "backbone.blocks.3.se.gate.3"}
    assert set(expand.slots) == {"backbone.blocks.3.expand.1", "backbone.blocks.3.depthwise.0",
                                 "backbone.blocks.3.depthwise.1", "backbone.blocks.3.se.gate.1",
                                 "backbone.blocks.3.project.0"}
    chain = groups["backbone.blocks.3.project.0"]  # blocks 4..7 add their input back
    assert set(chain.producers) == {f"backbone.blocks.{i}.project.0" for i in range(3, 8)}
    last = groups["backbone.last_conv.0"]
    assert set(last.slots) == {"backbone.last_conv.1", "neck.encoder.lstm"}
    assert last.slots["neck.encoder.lstm"] == [[j] for j in range(last.size)]
    assert "head.fc" not in {c for g in find_groups(small_model("rec_mv3_crnn"))
                             for c in g.producers}


def test_det_maps_the_fpn_concatenation_and_skips_the_head():
    model = small_model("det_mv3_db")
    groups = {g.leader: g for g in find_groups(model)}
    quarter = model.neck.out_channels // 4
    for level in range(4):  # concatenated coarsest first: smooth.3 at 0, smooth.0 last
        slots = groups[f"neck.smooth.{level}"].slots["head.prob.0"]
        assert slots == [[(3 - level) * quarter + i] for i in range(quarter)]
    assert set(groups["neck.lateral.0"].producers) == {f"neck.lateral.{i}" for i in range(4)}
    for name in ("head.prob.0", "head.thresh.0"):
        assert "DB head" in groups[name].skip
    convs = [n for n, m in model.named_modules() if isinstance(m, nn.Conv2d)]
    transposed = [n for n, m in model.named_modules() if isinstance(m, nn.ConvTranspose2d)]
    assert transposed and not set(transposed) & set(groups)
    depthwise = [n for n in convs if layer_kind(model.get_submodule(n)) == "depthwise"]
    assert depthwise and not set(depthwise) & {c for g in groups.values() for c in g.producers}


class _Toy(nn.Module):
    """conv a -> BN -> conv b -> (b's channels transposed into the width) -> conv c; conv d
    feeds the output directly (a leaf)."""

    def __init__(self) -> None:
        super().__init__()
        self.a, self.bn = nn.Conv2d(3, 4, 1), nn.BatchNorm2d(4)
        self.b, self.c = nn.Conv2d(4, 8, 1), nn.Conv2d(8, 2, 1)
        self.d = nn.Conv2d(2, 3, 1)
        self.out_channels = 3

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.b(self.bn(self.a(x)))
        mixed = y.transpose(1, 3).flip(3).transpose(1, 3) + y.mean(1, keepdim=True)
        return self.d(self.c(mixed))


def test_leaves_and_channels_mixed_by_parameter_free_ops_are_skipped():
    toy = OcrModel(_Toy(), nn.Identity(), nn.Identity(), preset="cls_mv3",
                   spec=get_preset("cls_mv3"))
    groups = {g.leader: g for g in find_groups(toy)}
    assert groups["backbone.a"].skip is None
    assert groups["backbone.a"].slots == {"backbone.bn": [[i] for i in range(4)],
                                          "backbone.b": [[i] for i in range(4)]}
    assert "mix" in groups["backbone.b"].skip  # the channel mean feeds every channel
    assert groups["backbone.c"].skip is None
    assert "leaf" in groups["backbone.d"].skip
