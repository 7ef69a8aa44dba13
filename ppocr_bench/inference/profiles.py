"""Pre- and post-processing profiles of the OCR system: the settings around the networks.

The same weights give different end-to-end figures under different inference code, so a
comparison with another system is only fair with its settings. A profile fixes them:

- ``paddleocr``: PaddleOCR's ``tools/infer`` defaults (ImageNet mean/std for det, DB thresh
  0.3, box_thresh 0.6, unclip 1.5, no dilation, float corners, batches of 8) with the det
  resize of its det eval configs (images upscaled to a short side of at least 736:
  ``limit_side_len`` 736, ``limit_type`` "min"); the default.
- ``rapidocr``: RapidOCR 1.4.4's ``config.yaml`` and code (the same det resize, det mean = std
  = 0.5, box_thresh 0.5, unclip 1.6, a 2 x 2 dilation of the bitmap, corners rounded on the
  map, points ordered by x then y and truncated to integers inside [0, W-1] x [0, H-1], cls
  and rec batches of 6).
  With the weights RapidOCR ships, ``ppocr-bench ocr --profile rapidocr`` reproduces its texts.

A det model's card may carry ``[model.post]`` (thresh, box_thresh, unclip_ratio chosen for
those weights on validation data by ``ppocr-bench zoo tune-det``, as PaddleOCR users set
``det_db_box_thresh`` per model): under ``paddleocr`` those replace the profile's values;
``rapidocr`` keeps RapidOCR's own.
"""

from __future__ import annotations

from dataclasses import dataclass

from ppocr_bench.data.transforms import IMAGENET_MEAN, IMAGENET_STD
from ppocr_bench.errors import PpocrError


@dataclass(frozen=True)
class Profile:
    """Everything but the networks: the det resize (``limit_type`` "min": upscale so the short
    side is at least ``limit_side_len``; "max": downscale so the long side is at most that;
    sides then rounded to multiples of 32), det normalisation and DB post-processing, box
    geometry, batch sizes and the cls flip threshold."""

    name: str
    limit_side_len: int = 736
    limit_type: str = "min"
    det_mean: tuple[float, float, float] = IMAGENET_MEAN
    det_std: tuple[float, float, float] = IMAGENET_STD
    thresh: float = 0.3
    box_thresh: float = 0.6
    unclip_ratio: float = 1.5
    dilation: bool = False
    integer_boxes: bool = False
    cls_batch: int = 8
    rec_batch: int = 8
    cls_thresh: float = 0.9


PROFILES: dict[str, Profile] = {
    "paddleocr": Profile("paddleocr"),
    "rapidocr": Profile("rapidocr", det_mean=(0.5, 0.5, 0.5), det_std=(0.5, 0.5, 0.5),
                        box_thresh=0.5, unclip_ratio=1.6, dilation=True, integer_boxes=True,
                        cls_batch=6, rec_batch=6),
}
DEFAULT_PROFILE = "paddleocr"


def get_profile(name: str | Profile) -> Profile:
    """A profile by name (a :class:`Profile` passes through); PpocrError for an unknown one."""
    if isinstance(name, Profile):
        return name
    try:
        return PROFILES[name]
    except KeyError:
        raise PpocrError(f"unknown profile {name!r}: choose one of "
                         f"{', '.join(PROFILES)}") from None
