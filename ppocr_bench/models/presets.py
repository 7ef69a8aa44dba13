"""Named model presets and :func:`create_model`.

One literal table, :data:`PRESETS`, maps a name to a frozen :class:`ModelSpec`. Every knob the
PP-OCR paper ablates is a spec field that :func:`create_model` accepts as an override:

>>> model = create_model("det_mv3_db", inner_channels=256, use_se=True)
>>> rec = create_model("rec_mv3_crnn", charset=list("0123456789"), hidden_size=96)

A field that is None in a preset does not apply to it (``hidden_size`` for a detector,
``scale`` for a ResNet); overriding it is an error rather than a silent no-op. ``pruned``
applies to every preset: the channels an FPGM-pruned network keeps (:mod:`ppocr_bench.slim`).
The spec itself and the checks of its fields live in :mod:`ppocr_bench.models.spec`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from torch import nn

from ppocr_bench.data.labels import Task
from ppocr_bench.errors import PpocrError
from ppocr_bench.models.backbones.mobilenet_v1_enhance import MobileNetV1Enhance
from ppocr_bench.models.backbones.mobilenet_v3 import MobileNetV3Large, MobileNetV3Small
from ppocr_bench.models.backbones.pplcnet_v3 import PPLCNetV3
from ppocr_bench.models.backbones.repvit import RepViT
from ppocr_bench.models.backbones.resnet_vd import ResNetVdDet, ResNetVdRec
from ppocr_bench.models.heads.cls_head import ClsHead
from ppocr_bench.models.heads.ctc_head import CTCHead, check_charset, num_ctc_classes
from ppocr_bench.models.heads.db_head import DBHead
from ppocr_bench.models.model import OcrModel
from ppocr_bench.models.necks.db_fpn import DBFPN, RSEFPN
from ppocr_bench.models.necks.lk_rse_fpn import LargeKernelRSEFPN
from ppocr_bench.models.necks.rec_lite import DWConvNeck, SVTRLiteNeck
from ppocr_bench.models.necks.sequence import SequenceNeck
from ppocr_bench.models.necks.svtr import SVTRNeck
from ppocr_bench.models.spec import (
    EVERY_PRESET_FIELDS,
    FIXED_FIELDS,
    Backbone,
    ModelSpec,
    Neck,
    Pool,
    Variant,
    check_spec,
    coerce_field,
)

__all__ = ["BACKBONES", "HEADS", "NECKS", "PRESETS", "Backbone", "ModelSpec", "Neck", "Pool",
           "Task", "Variant", "create_model", "get_preset", "resolve_spec"]

PRESETS: dict[str, ModelSpec] = {
    # PP-OCR mobile detector: MobileNetV3-large x0.5 without SE, DBFPN 96, DB head (~0.58M).
    "det_mv3_db": ModelSpec(
        task=Task.DET,
        backbone=Backbone.MV3_LARGE,
        input_size=(3, 640, 640),
        neck=Neck.DB_FPN,
        scale=0.5,
        use_se=False,
        inner_channels=96,
        k=50,
    ),
    # PP-OCRv3 detector layout: the same with RSE-FPN (as en_PP-OCRv3_det_infer.onnx).
    "det_mv3_rse": ModelSpec(
        task=Task.DET,
        backbone=Backbone.MV3_LARGE,
        input_size=(3, 640, 640),
        neck=Neck.RSE_FPN,
        scale=0.5,
        use_se=False,
        inner_channels=96,
        k=50,
    ),
    # PP-OCR server detector: ResNet18-vd, DBFPN 256 (PaddleOCR ch_det_res18_db_v2.0).
    "det_r18_db": ModelSpec(
        task=Task.DET,
        backbone=Backbone.RESNET18_VD,
        input_size=(3, 960, 960),
        neck=Neck.DB_FPN,
        inner_channels=256,
        k=50,
    ),
    # Direction classifier: MobileNetV3-small x0.35 with SE, global pool + FC to 0/180.
    "cls_mv3": ModelSpec(
        task=Task.CLS,
        backbone=Backbone.MV3_SMALL,
        input_size=(3, 48, 192),
        scale=0.35,
        use_se=True,
        small_stride=(2, 2, 2, 2),
        num_classes=2,
    ),
    # PP-OCR mobile recognizer: MobileNetV3-small x0.5, BiLSTM 48, CTC (~1.08M at 6,625 classes).
    "rec_mv3_crnn": ModelSpec(
        task=Task.REC,
        backbone=Backbone.MV3_SMALL,
        input_size=(3, 32, 320),
        neck=Neck.BILSTM,
        scale=0.5,
        use_se=True,
        small_stride=(1, 2, 2, 2),
        hidden_size=48,
        use_space=True,
    ),
    # PP-OCR server recognizer: ResNet34-vd, BiLSTM 256, CTC.
    "rec_r34_crnn": ModelSpec(
        task=Task.REC,
        backbone=Backbone.RESNET34_VD,
        input_size=(3, 32, 320),
        neck=Neck.BILSTM,
        hidden_size=256,
        use_space=True,
    ),
    # PP-OCRv4 detector: PP-LCNetV3 x0.75 (deployed form), RSE-FPN 96, DB head
    # (ch_PP-OCRv4_det_infer.onnx).
    "det_lcnetv3_db": ModelSpec(
        task=Task.DET,
        backbone=Backbone.PPLCNET_V3,
        input_size=(3, 640, 640),
        neck=Neck.RSE_FPN,
        scale=0.75,
        inner_channels=96,
        k=50,
    ),
    # PP-OCRv4 recognizer: PP-LCNetV3 x0.95, SVTR neck 120 (2 blocks), CTC; 48 px lines,
    # 48x320 -> 40 steps (ch_/en_PP-OCRv4_rec_infer.onnx).
    "rec_lcnetv3_svtr": ModelSpec(
        task=Task.REC,
        backbone=Backbone.PPLCNET_V3,
        input_size=(3, 48, 320),
        neck=Neck.SVTR,
        scale=0.95,
        hidden_size=120,
        svtr_dims=120,
        svtr_kernel=(1, 3),
        use_space=True,
    ),
    # PP-OCRv2 recognizer: MobileNetV1Enhance x0.5, BiLSTM 64, CTC head 128 -> 96 -> classes;
    # 32x320 -> 80 steps (ch_PP-OCRv2_rec_infer.onnx, ~2.07M at 6,625 classes).
    "rec_mv1e_crnn": ModelSpec(
        task=Task.REC,
        backbone=Backbone.MV1_ENHANCE,
        input_size=(3, 32, 320),
        neck=Neck.BILSTM,
        scale=0.5,
        last_stride=(1, 1),
        pool=Pool.MAX,
        hidden_size=64,
        mid_channels=96,
        use_space=True,
    ),
    # PP-OCRv3 recognizer (SVTR-LCNet): MobileNetV1Enhance x0.5 with the last stride (1, 2)
    # and an average pool, SVTR neck 120 -> 64 with 3x3 convs, CTC; 48x320 -> 40 steps
    # (ch_PP-OCRv3_rec_infer.onnx, ~2.6M at 6,625 classes).
    "rec_mv1e_svtr": ModelSpec(
        task=Task.REC,
        backbone=Backbone.MV1_ENHANCE,
        input_size=(3, 48, 320),
        neck=Neck.SVTR,
        scale=0.5,
        last_stride=(1, 2),
        pool=Pool.AVG,
        hidden_size=120,
        svtr_dims=64,
        svtr_kernel=(3, 3),
        use_space=True,
    ),
    # PP-OCRv6 small detector: RepViT small (PP-HGNetV2 stem), large-kernel RSE-FPN 96 with
    # 7x7 depthwise output convs, DB head (PP-OCRv6_small_det, ~2.45M).
    "det_repvit_db_small": ModelSpec(
        task=Task.DET,
        backbone=Backbone.REPVIT,
        input_size=(3, 640, 640),
        neck=Neck.LK_RSE_FPN,
        variant=Variant.SMALL,
        inner_channels=96,
        mixer_kernel=7,
        k=50,
    ),
    # PP-OCRv6 tiny detector: RepViT tiny (PP-HGNetV2 stem), large-kernel RSE-FPN 64 with 5x5
    # depthwise output convs, DB head (PP-OCRv6_tiny_det, ~0.43M).
    "det_repvit_db_tiny": ModelSpec(
        task=Task.DET,
        backbone=Backbone.REPVIT,
        input_size=(3, 640, 640),
        neck=Neck.LK_RSE_FPN,
        variant=Variant.TINY,
        inner_channels=64,
        mixer_kernel=5,
        k=50,
    ),
    # PP-OCRv6 small recognizer: RepViT small (PP-HGNetV2 stem), SVTR-lite neck 120 (1x7 local
    # conv, 2 blocks), CTC; 48x320 -> 40 steps (PP-OCRv6_small_rec, ~5.27M at 18,710 classes).
    "rec_repvit_svtr_small": ModelSpec(
        task=Task.REC,
        backbone=Backbone.REPVIT,
        input_size=(3, 48, 320),
        neck=Neck.SVTR_LITE,
        variant=Variant.SMALL,
        hidden_size=120,
        mixer_kernel=7,
        use_space=True,
    ),
    # PP-OCRv6 tiny recognizer: RepViT tiny (RepViT stem), 1x5 depthwise + 1x1 conv neck, CTC
    # head 160 -> 80 -> classes; 48x320 -> 40 steps (PP-OCRv6_tiny_rec, ~1.10M at 6,906 classes).
    "rec_repvit_ctc_tiny": ModelSpec(
        task=Task.REC,
        backbone=Backbone.REPVIT,
        input_size=(3, 48, 320),
        neck=Neck.DW_CONV,
        variant=Variant.TINY,
        mixer_kernel=5,
        mid_channels=80,
        use_space=True,
    ),
}

def get_preset(name: str) -> ModelSpec:
    """The spec of preset ``name``; a PpocrError listing the presets otherwise."""
    try:
        return PRESETS[name]
    except KeyError:
        raise PpocrError(
            f"unknown model preset {name!r}; choose one of: {', '.join(PRESETS)}"
        ) from None


def resolve_spec(name: str, **overrides: Any) -> ModelSpec:
    """Preset ``name`` with ``overrides`` applied and checked (PpocrError naming the field).

    Lists are accepted for tuple fields and strings for enum fields, so a spec read back from
    JSON (``ModelSpec.to_dict``) passes as overrides unchanged.
    """
    preset = get_preset(name)
    fields = {f.name for f in dataclasses.fields(ModelSpec)}
    changes: dict[str, Any] = {}
    for key, value in overrides.items():
        if key not in fields:
            raise PpocrError(f"{name}: unknown model argument {key!r}; known: {', '.join(fields)}")
        current = getattr(preset, key)
        if key in FIXED_FIELDS:
            if coerce_field(key, value) != current:
                raise PpocrError(f"{name}: {key} is fixed to {current.value}; pick another preset")
            continue
        if current is None and value is not None and key not in EVERY_PRESET_FIELDS:
            raise PpocrError(
                f"{name}: {key!r} does not apply to a {preset.task.value} model "
                f"with {preset.backbone.value}"
            )
        if current is not None and value is None:
            raise PpocrError(f"{name}: {key!r} needs a value (preset default {current!r})")
        changes[key] = coerce_field(key, value)
    spec = dataclasses.replace(preset, **changes)
    check_spec(name, spec)
    return spec


def create_model(name: str, charset: list[str] | None = None, **overrides: Any) -> OcrModel:
    """Build preset ``name`` with ``overrides`` (see :class:`ModelSpec`), in training mode.

    Recognizers need ``charset`` (their dictionary, without the blank; the space class is added
    when ``use_space``); detectors and classifiers take none.
    """
    spec = resolve_spec(name, **overrides)
    if spec.task is Task.REC:
        if charset is None:
            raise PpocrError(f"{name} is a recognizer and needs a charset")
        check_charset(charset, bool(spec.use_space))
    elif charset is not None:
        raise PpocrError(f"{name} is a {spec.task.value} model and takes no charset")
    backbone = _builder(BACKBONES, spec.backbone, "backbone", name)(spec)
    neck = _builder(NECKS, spec.neck, "neck", name)(spec, backbone.out_channels)
    head = _builder(HEADS, spec.task, "head", name)(spec, neck.out_channels, charset)
    model = OcrModel(backbone, neck, head, preset=name, spec=spec, charset=charset)
    if spec.pruned:  # cut to the pruned shape (slim builds on models: imported here, late)
        from ppocr_bench.slim.prune import shrink_to

        model.spec = dataclasses.replace(spec, pruned=None)
        shrink_to(model, dict(spec.pruned))
    return model


class _NoNeck(nn.Identity):
    """The neck of a model without one (cls): passes the backbone's output on."""

    def __init__(self, in_channels: int) -> None:
        super().__init__()
        self.out_channels = in_channels


#: spec.backbone -> the backbone it builds (input channels from spec.input_size[0])
BACKBONES: dict[Backbone, Callable[[ModelSpec], nn.Module]] = {
    Backbone.MV3_LARGE: lambda s: MobileNetV3Large(s.input_size[0], s.scale, s.use_se),
    Backbone.MV3_SMALL: lambda s: MobileNetV3Small(s.input_size[0], s.scale, s.use_se,
                                                   s.small_stride),
    Backbone.RESNET18_VD: lambda s: ResNetVdDet(18, s.input_size[0]),
    Backbone.RESNET34_VD: lambda s: ResNetVdRec(34, s.input_size[0]),
    Backbone.PPLCNET_V3: lambda s: PPLCNetV3(s.input_size[0], s.scale, det=s.task is Task.DET),
    Backbone.MV1_ENHANCE: lambda s: MobileNetV1Enhance(s.input_size[0], s.scale, s.last_stride,
                                                       s.pool.value),
    Backbone.REPVIT: lambda s: RepViT(s.input_size[0], s.variant.value, det=s.task is Task.DET),
}
#: spec.neck -> the neck it builds on the backbone's out_channels (None: no neck)
NECKS: dict[Neck | None, Callable[[ModelSpec, Any], nn.Module]] = {
    Neck.DB_FPN: lambda s, c: DBFPN(c, s.inner_channels),
    Neck.RSE_FPN: lambda s, c: RSEFPN(c, s.inner_channels),
    Neck.BILSTM: lambda s, c: SequenceNeck(c, s.hidden_size),
    Neck.SVTR: lambda s, c: SVTRNeck(c, s.hidden_size, s.svtr_dims,
                                     kernel_size=s.svtr_kernel or (1, 3)),
    Neck.LK_RSE_FPN: lambda s, c: LargeKernelRSEFPN(c, s.inner_channels, s.mixer_kernel),
    Neck.SVTR_LITE: lambda s, c: SVTRLiteNeck(c, s.hidden_size, s.mixer_kernel),
    Neck.DW_CONV: lambda s, c: DWConvNeck(c, s.mixer_kernel),
    None: lambda s, c: _NoNeck(c),
}
#: spec.task -> the head it builds on the neck's out_channels (rec: classes from the charset)
HEADS: dict[Task, Callable[[ModelSpec, int, list[str] | None], nn.Module]] = {
    Task.DET: lambda s, c, charset: DBHead(c, s.k),
    Task.CLS: lambda s, c, charset: ClsHead(c, s.num_classes),
    Task.REC: lambda s, c, charset: CTCHead(c, num_ctc_classes(charset, bool(s.use_space)),
                                            s.mid_channels),
}


def _builder(table: dict, key: Any, part: str, name: str) -> Callable[..., nn.Module]:
    """``table[key]``, or a PpocrError naming the preset, the part and the known choices (never
    a fall-through to some other network)."""
    try:
        return table[key]
    except KeyError:
        known = ", ".join(k.value for k in table if k is not None)
        raise PpocrError(f"{name}: no {part} builder for {getattr(key, 'value', key)!r}; "
                         f"known: {known}") from None
