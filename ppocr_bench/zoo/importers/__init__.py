"""Importers of third-party weights: PaddleOCR's official ONNX exports into our models.

>>> from ppocr_bench.zoo.importers import import_entry
>>> card = import_entry("ppocrv4-ch")   # `ppocr-bench zoo import ppocrv4-ch`
"""

from ppocr_bench.zoo.importers.entries import OFFICIAL, OfficialEntry, OfficialModel, get_entry
from ppocr_bench.zoo.importers.official import import_entry, import_model
from ppocr_bench.zoo.importers.onnx_graph import read_onnx_layers
from ppocr_bench.zoo.importers.onnx_weights import load_onnx_weights, map_onnx_weights
from ppocr_bench.zoo.importers.wheels import fetch_wheel, wheel_cache, wheel_file

__all__ = [
    "OFFICIAL",
    "OfficialEntry",
    "OfficialModel",
    "fetch_wheel",
    "get_entry",
    "import_entry",
    "import_model",
    "load_onnx_weights",
    "map_onnx_weights",
    "read_onnx_layers",
    "wheel_cache",
    "wheel_file",
]
