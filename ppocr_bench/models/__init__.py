"""PP-OCR networks in PyTorch: presets, building blocks and weights with provenance.

>>> from ppocr_bench.models import create_model, PRESETS
>>> det = create_model("det_mv3_db")
>>> rec = create_model("rec_mv3_crnn", charset=charset)
"""

from ppocr_bench.models.checkpoint import (
    WeightsInfo,
    apply_quant,
    charset_sha256,
    load_model,
    load_weights,
    read_weights_info,
    save_weights,
)
from ppocr_bench.models.heads.ctc_head import ctc_vocabulary, num_ctc_classes
from ppocr_bench.models.heads.db_head import DBMaps
from ppocr_bench.models.model import OcrModel, count_parameters
from ppocr_bench.models.presets import (
    PRESETS,
    Backbone,
    ModelSpec,
    Neck,
    Pool,
    Task,
    Variant,
    create_model,
    get_preset,
    resolve_spec,
)

__all__ = [
    "PRESETS",
    "Backbone",
    "DBMaps",
    "ModelSpec",
    "Neck",
    "OcrModel",
    "Pool",
    "Task",
    "Variant",
    "WeightsInfo",
    "apply_quant",
    "charset_sha256",
    "count_parameters",
    "create_model",
    "ctc_vocabulary",
    "get_preset",
    "load_model",
    "load_weights",
    "num_ctc_classes",
    "read_weights_info",
    "resolve_spec",
    "save_weights",
]
