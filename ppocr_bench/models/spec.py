""":class:`ModelSpec`, how to build one network, and the checks of its fields.

The presets (:data:`ppocr_bench.models.presets.PRESETS`) are ModelSpecs; :func:`check_spec`
validates one after overrides, :func:`coerce_field` turns JSON values (lists, strings) back
into the field types (tuples, enums).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import Enum
from typing import Any

from ppocr_bench.data.labels import Task
from ppocr_bench.errors import PpocrError
from ppocr_bench.models.backbones.mobilenet_v3 import SUPPORTED_SCALES


class Backbone(str, Enum):
    MV3_LARGE = "mobilenet_v3_large"
    MV3_SMALL = "mobilenet_v3_small"
    RESNET18_VD = "resnet18_vd"
    RESNET34_VD = "resnet34_vd"
    PPLCNET_V3 = "pplcnet_v3"
    MV1_ENHANCE = "mobilenet_v1_enhance"
    REPVIT = "repvit"


class Neck(str, Enum):
    DB_FPN = "db_fpn"
    RSE_FPN = "rse_fpn"
    BILSTM = "bilstm"
    SVTR = "svtr"
    LK_RSE_FPN = "lk_rse_fpn"
    SVTR_LITE = "svtr_lite"
    DW_CONV = "dw_conv"


class Pool(str, Enum):
    """The final 2x2 pool of MobileNetV1Enhance."""

    MAX = "max"
    AVG = "avg"


class Variant(str, Enum):
    """A layout of the RepViT backbone (PP-OCRv6): ``models.backbones.repvit.LAYOUTS``."""

    SMALL = "small"
    TINY = "tiny"


@dataclass(frozen=True)
class ModelSpec:
    """How to build one network. None marks a field that does not apply to the preset.

    task, backbone: fixed per preset (pick another preset to change them).
    input_size: default (C, H, W) input; C sets the backbone's input channels.
    neck: det "db_fpn" | "rse_fpn" | "lk_rse_fpn"; rec "bilstm" | "svtr" | "svtr_lite" |
        "dw_conv".
    scale: width multiplier; MobileNetV3 one of 0.35, 0.5, 0.75, 1.0, 1.25; PP-LCNetV3 and
        MobileNetV1Enhance any value in (0, 2] (PP-OCRv4: det 0.75, rec 0.95; v2/v3 rec 0.5).
    use_se: squeeze-excite blocks on (True) or removed (False), MobileNetV3 only.
    small_stride: MobileNetV3-small height strides of its four downsampling blocks (their width
        stride is 1); rec [1, 2, 2, 2] keeps 32 px lines at height 1, cls [2, 2, 2, 2] for 48 px.
    last_stride: MobileNetV1Enhance, the (H, W) stride of its last block: PP-OCRv2 (1, 1),
        PP-OCRv3 (1, 2) (one step per 8 columns instead of 4).
    pool: MobileNetV1Enhance, its final 2x2 pool: "max" (PP-OCRv2) or "avg" (PP-OCRv3).
    variant: RepViT, its layout per task: "small" or "tiny" (PP-OCRv6 small, tiny).
    inner_channels: FPN width (the DB head works on it; its branches on a quarter of it).
    hidden_size: BiLSTM hidden size per direction (the CTC head sees twice that); SVTR
        transformer width.
    svtr_dims: SVTR output width (the CTC head sees that): PP-OCRv3 64, PP-OCRv4 120.
    svtr_kernel: SVTR (H, W) kernel of its two outer convs: PP-OCRv3 (3, 3), PP-OCRv4 (1, 3).
    mixer_kernel: the depthwise kernel of the PP-OCRv6 necks: lk_rse_fpn k x k, svtr_lite and
        dw_conv 1 x k along the line (small 7, tiny 5).
    mid_channels: CTC head, a linear to this width before the classifier (PP-OCRv2 96,
        PP-OCRv6 tiny 80).
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
    last_stride: tuple[int, int] | None = None
    pool: Pool | None = None
    variant: Variant | None = None
    inner_channels: int | None = None
    hidden_size: int | None = None
    svtr_dims: int | None = None
    svtr_kernel: tuple[int, int] | None = None
    mixer_kernel: int | None = None
    mid_channels: int | None = None
    num_classes: int | None = None
    use_space: bool | None = None
    k: int | None = None
    pruned: tuple[tuple[str, int], ...] | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields: enums as their values, tuples as lists, ``pruned`` as a
        {name: channels} table. ``pruned`` and the fields added with MobileNetV1Enhance and
        after (:data:`LATER_FIELDS`) are left out when None, so the files of the models that
        lack them stay as they were."""
        data = {name: _jsonable(value) for name, value in dataclasses.asdict(self).items()}
        for name in LATER_FIELDS:
            if data[name] is None:
                del data[name]
        if self.pruned is not None:
            data["pruned"] = dict(self.pruned)
        return data


def _jsonable(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    return list(value) if isinstance(value, tuple) else value


#: fields that a spec's JSON leaves out when None (:meth:`ModelSpec.to_dict`)
LATER_FIELDS = ("last_stride", "pool", "svtr_dims", "svtr_kernel", "mid_channels", "pruned",
                "variant", "mixer_kernel")
#: fields fixed per preset, and fields that apply to every preset (None in all of them)
FIXED_FIELDS = ("task", "backbone")
EVERY_PRESET_FIELDS = ("pruned",)
_TUPLE_FIELDS = ("input_size", "small_stride", "last_stride", "svtr_kernel")
_ENUM_FIELDS: dict[str, type[Enum]] = {"task": Task, "backbone": Backbone, "neck": Neck,
                                       "pool": Pool, "variant": Variant}
_TASK_NECKS = {Task.DET: (Neck.DB_FPN, Neck.RSE_FPN, Neck.LK_RSE_FPN),
               Task.REC: (Neck.BILSTM, Neck.SVTR, Neck.SVTR_LITE, Neck.DW_CONV)}
_ANY_SCALE = (Backbone.PPLCNET_V3, Backbone.MV1_ENHANCE)


def coerce_field(key: str, value: Any) -> Any:
    """``value`` of field ``key`` as the spec holds it: lists as tuples, strings as enums,
    ``pruned`` as sorted pairs (PpocrError for a value that cannot be one)."""
    if key in _TUPLE_FIELDS and isinstance(value, list):
        return tuple(value)
    if key == "pruned":
        return _pruned(value)
    enum_type = _ENUM_FIELDS.get(key)
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


def _shape_problems(spec: ModelSpec) -> list[str]:
    problems = []
    size = spec.input_size
    if not (isinstance(size, tuple) and len(size) == 3 and all(map(_positive_int, size))):
        problems.append(f"input_size must be 3 positive ints (C, H, W), got {size!r}")
    if spec.small_stride is not None and (
        len(spec.small_stride) != 4 or any(s not in (1, 2) for s in spec.small_stride)
    ):
        problems.append(f"small_stride must be 4 values of 1 or 2, got {spec.small_stride!r}")
    if spec.last_stride is not None and (
        len(spec.last_stride) != 2 or any(s not in (1, 2) for s in spec.last_stride)
    ):
        problems.append(f"last_stride must be 2 values of 1 or 2, got {spec.last_stride!r}")
    kernel = spec.svtr_kernel
    if kernel is not None and (len(kernel) != 2 or not all(
            _positive_int(k) and k % 2 == 1 for k in kernel)):
        problems.append(f"svtr_kernel must be 2 positive odd ints, got {kernel!r}")
    mixer = spec.mixer_kernel
    if mixer is not None and not (_positive_int(mixer) and mixer % 2 == 1):
        problems.append(f"mixer_kernel must be a positive odd int, got {mixer!r}")
    return problems


def _scale_problems(spec: ModelSpec) -> list[str]:
    if spec.scale is None:
        return []
    if spec.backbone in _ANY_SCALE:
        if isinstance(spec.scale, bool) or not (
            isinstance(spec.scale, (int, float)) and 0 < spec.scale <= 2
        ):
            return [f"scale must be a number in (0, 2], got {spec.scale!r}"]
        return []
    if isinstance(spec.scale, bool) or spec.scale not in SUPPORTED_SCALES:
        return [f"scale must be one of {SUPPORTED_SCALES}, got {spec.scale!r}"]
    return []


def check_spec(name: str, spec: ModelSpec) -> None:
    """PpocrError naming preset ``name`` and the first field of ``spec`` that is out of range."""
    problems = _shape_problems(spec) + _scale_problems(spec)
    if spec.neck is not None and spec.neck not in _TASK_NECKS[spec.task]:
        allowed = " or ".join(n.value for n in _TASK_NECKS[spec.task])
        problems.append(
            f"neck of a {spec.task.value} model must be {allowed}, got {spec.neck.value}"
        )
    if spec.inner_channels is not None and not (
        _positive_int(spec.inner_channels) and spec.inner_channels % 4 == 0
    ):
        problems.append(
            f"inner_channels must be a positive multiple of 4, got {spec.inner_channels!r}"
        )
    for key, minimum in (("hidden_size", 1), ("svtr_dims", 1), ("mid_channels", 1),
                         ("num_classes", 2), ("k", 1)):
        value = getattr(spec, key)
        if value is not None and not (_positive_int(value) and value >= minimum):
            problems.append(f"{key} must be an int >= {minimum}, got {value!r}")
    for key in ("use_se", "use_space"):
        value = getattr(spec, key)
        if value is not None and not isinstance(value, bool):
            problems.append(f"{key} must be true or false, got {value!r}")
    if problems:
        raise PpocrError(f"{name}: {problems[0]}")
