"""Named model presets and :func:`create_model`.

One literal table, :data:`PRESETS`, maps a name to a frozen :class:`ModelSpec`. Every knob the
PP-OCR paper ablates is a spec field that :func:`create_model` accepts as an override:

>>> model = create_model("det_mv3_db", inner_channels=256, use_se=True)
>>> rec = create_model("rec_mv3_crnn", charset=list("0123456789"), hidden_size=96)

A field that is None in a preset does not apply to it (``hidden_size`` for a detector,
``scale`` for a ResNet); overriding it is an error rather than a silent no-op. ``pruned``
applies to every preset: the channels an FPGM-pruned network keeps (:mod:`ppocr_bench.slim`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from torch import nn

from ppocr_bench.data.labels import Task
from ppocr_bench.errors import PpocrError
from ppocr_bench.models.backbones.mobilenet_v3 import (
    SUPPORTED_SCALES,
    MobileNetV3Large,
    MobileNetV3Small,
)
from ppocr_bench.models.backbones.pplcnet_v3 import PPLCNetV3
from ppocr_bench.models.backbones.resnet_vd import ResNetVdDet, ResNetVdRec
from ppocr_bench.models.heads.cls_head import ClsHead
from ppocr_bench.models.heads.ctc_head import CTCHead, check_charset, num_ctc_classes
from ppocr_bench.models.heads.db_head import DBHead
from ppocr_bench.models.model import OcrModel
from ppocr_bench.models.necks.db_fpn import DBFPN, RSEFPN
from ppocr_bench.models.necks.sequence import SequenceNeck
from ppocr_bench.models.necks.svtr import SVTRNeck


class Backbone(str, Enum):
    MV3_LARGE = "mobilenet_v3_large"
    MV3_SMALL = "mobilenet_v3_small"
    RESNET18_VD = "resnet18_vd"
    RESNET34_VD = "resnet34_vd"
    PPLCNET_V3 = "pplcnet_v3"


class Neck(str, Enum):
    DB_FPN = "db_fpn"
    RSE_FPN = "rse_fpn"
    BILSTM = "bilstm"
    SVTR = "svtr"


@dataclass(frozen=True)
class ModelSpec:
    """How to build one network. None marks a field that does not apply to the preset.

    task, backbone: fixed per preset (pick another preset to change them).
    input_size: default (C, H, W) input; C sets the backbone's input channels.
    neck: det "db_fpn" | "rse_fpn"; rec "bilstm" | "svtr".
    scale: width multiplier; MobileNetV3 one of 0.35, 0.5, 0.75, 1.0, 1.25; PP-LCNetV3 any
        value in (0, 2] (PP-OCRv4: det 0.75, rec 0.95).
    use_se: squeeze-excite blocks on (True) or removed (False), MobileNetV3 only.
    small_stride: MobileNetV3-small height strides of its four downsampling blocks (their width
        stride is 1); rec [1, 2, 2, 2] keeps 32 px lines at height 1, cls [2, 2, 2, 2] for 48 px.
    inner_channels: FPN width (the DB head works on it; its branches on a quarter of it).
    hidden_size: BiLSTM hidden size per direction (the CTC head sees twice that); SVTR
        transformer width, also its output width (the CTC head sees that).
    num_classes: classifier classes (cls: 2, for 0 and 180 degrees). Recognizers take theirs
        from the charset.
    use_space: recognizer has a class for " " after the charset (PaddleOCR's use_space_char).
    k: DB amplification factor of the approximate binarization.
    pruned: an FPGM-pruned network's shape, ((leader conv, channels kept), ...) sorted by
        name (``ppocr-bench prune``; JSON and cards hold it as a {name: channels} table);
        None for the preset's full width. Every preset takes it.
    """

    task: Task
    backbone: Backbone
    input_size: tuple[int, int, int]
    neck: Neck | None = None
    scale: float | None = None
    use_se: bool | None = None
    small_stride: tuple[int, int, int, int] | None = None
    inner_channels: int | None = None
    hidden_size: int | None = None
    num_classes: int | None = None
    use_space: bool | None = None
    k: int | None = None
    pruned: tuple[tuple[str, int], ...] | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields: enums as their values, tuples as lists, ``pruned`` as a
        {name: channels} table and left out when None (the files of unpruned models stay as
        they were)."""
        data = {name: _jsonable(value) for name, value in dataclasses.asdict(self).items()}
        if self.pruned is None:
            del data["pruned"]
        else:
            data["pruned"] = dict(self.pruned)
        return data


def _jsonable(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    return list(value) if isinstance(value, tuple) else value


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
        use_space=True,
    ),
}

_FIXED = ("task", "backbone")
_EVERY_PRESET = ("pruned",)  # fields that apply to every preset (None in all of them)
_TASK_NECKS = {Task.DET: (Neck.DB_FPN, Neck.RSE_FPN), Task.REC: (Neck.BILSTM, Neck.SVTR)}


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
        if key in _FIXED:
            if _coerce(key, value) != current:
                raise PpocrError(f"{name}: {key} is fixed to {current.value}; pick another preset")
            continue
        if current is None and value is not None and key not in _EVERY_PRESET:
            raise PpocrError(
                f"{name}: {key!r} does not apply to a {preset.task.value} model "
                f"with {preset.backbone.value}"
            )
        if current is not None and value is None:
            raise PpocrError(f"{name}: {key!r} needs a value (preset default {current!r})")
        changes[key] = _coerce(key, value)
    spec = dataclasses.replace(preset, **changes)
    _check(name, spec)
    return spec


def _coerce(key: str, value: Any) -> Any:
    if key in ("input_size", "small_stride") and isinstance(value, list):
        return tuple(value)
    if key == "pruned":
        return _pruned(value)
    enum_type = {"task": Task, "backbone": Backbone, "neck": Neck}.get(key)
    if enum_type is not None and value is not None:
        try:
            return enum_type(value)
        except ValueError:
            choices = ", ".join(e.value for e in enum_type)
            raise PpocrError(f"{key} must be one of {choices}, got {value!r}") from None
    return value


def _pruned(value: Any) -> tuple[tuple[str, int], ...] | None:
    """``pruned`` as sorted (name, channels) pairs from a table or pairs; None when empty."""
    items = value.items() if isinstance(value, dict) else value
    try:
        pairs = tuple(sorted((name, count) for name, count in items or ()))
    except (TypeError, ValueError):
        raise PpocrError(f"pruned must be a table of layer -> channels kept, got {value!r}"
                         ) from None
    if not all(isinstance(n, str) and _positive_int(c) for n, c in pairs):
        raise PpocrError(f"pruned must map layer names to positive channel counts, got "
                         f"{value!r}")
    return pairs or None


def _positive_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _check(name: str, spec: ModelSpec) -> None:
    problems = []
    size = spec.input_size
    if not (isinstance(size, tuple) and len(size) == 3 and all(map(_positive_int, size))):
        problems.append(f"input_size must be 3 positive ints (C, H, W), got {size!r}")
    if spec.neck is not None and spec.neck not in _TASK_NECKS[spec.task]:
        allowed = " or ".join(n.value for n in _TASK_NECKS[spec.task])
        problems.append(
            f"neck of a {spec.task.value} model must be {allowed}, got {spec.neck.value}"
        )
    if spec.scale is not None and spec.backbone is Backbone.PPLCNET_V3:
        if isinstance(spec.scale, bool) or not (
            isinstance(spec.scale, (int, float)) and 0 < spec.scale <= 2
        ):
            problems.append(f"scale must be a number in (0, 2], got {spec.scale!r}")
    elif spec.scale is not None and (
        isinstance(spec.scale, bool) or spec.scale not in SUPPORTED_SCALES
    ):
        problems.append(f"scale must be one of {SUPPORTED_SCALES}, got {spec.scale!r}")
    if spec.small_stride is not None and (
        len(spec.small_stride) != 4 or any(s not in (1, 2) for s in spec.small_stride)
    ):
        problems.append(f"small_stride must be 4 values of 1 or 2, got {spec.small_stride!r}")
    if spec.inner_channels is not None and not (
        _positive_int(spec.inner_channels) and spec.inner_channels % 4 == 0
    ):
        problems.append(
            f"inner_channels must be a positive multiple of 4, got {spec.inner_channels!r}"
        )
    for key, minimum in (("hidden_size", 1), ("num_classes", 2), ("k", 1)):
        value = getattr(spec, key)
        if value is not None and not (_positive_int(value) and value >= minimum):
            problems.append(f"{key} must be an int >= {minimum}, got {value!r}")
    for key in ("use_se", "use_space"):
        value = getattr(spec, key)
        if value is not None and not isinstance(value, bool):
            problems.append(f"{key} must be true or false, got {value!r}")
    if problems:
        raise PpocrError(f"{name}: {problems[0]}")


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
}
#: spec.neck -> the neck it builds on the backbone's out_channels (None: no neck)
NECKS: dict[Neck | None, Callable[[ModelSpec, Any], nn.Module]] = {
    Neck.DB_FPN: lambda s, c: DBFPN(c, s.inner_channels),
    Neck.RSE_FPN: lambda s, c: RSEFPN(c, s.inner_channels),
    Neck.BILSTM: lambda s, c: SequenceNeck(c, s.hidden_size),
    Neck.SVTR: lambda s, c: SVTRNeck(c, s.hidden_size),
    None: lambda s, c: _NoNeck(c),
}
#: spec.task -> the head it builds on the neck's out_channels (rec: classes from the charset)
HEADS: dict[Task, Callable[[ModelSpec, int, list[str] | None], nn.Module]] = {
    Task.DET: lambda s, c, charset: DBHead(c, s.k),
    Task.CLS: lambda s, c, charset: ClsHead(c, s.num_classes),
    Task.REC: lambda s, c, charset: CTCHead(c, num_ctc_classes(charset, bool(s.use_space))),
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
