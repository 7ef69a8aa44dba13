"""ONNX export of the PP-OCR networks (eval outputs: det probability map, cls / rec softmax).

Uses PyTorch's TorchScript-based exporter (``dynamo=False``): the torch.export-based one needs
the ``onnxscript`` package, which ppocr-bench does not depend on. Opset 17. Dynamic axes:

- det: input N x C x H x W -> N x 1 x H x W (batch, height and width; sides multiples of 32);
- cls: input N x C x 48 x 192 -> N x 2 (batch);
- rec: input N x C x H x W -> N x T x classes (batch and width; T = W / 4 for the CRNN).

The file carries its provenance as ONNX metadata: ``preset``, ``task``, ``spec`` (JSON),
``charset`` (JSON list, rec only), ``use_space`` and, for zoo exports, ``weights_sha256`` of the
safetensors file it came from (so a stale export is detected at load time). A quantisation-aware
trained model (``model.quant``) is written as an int8 QDQ graph (:mod:`ppocr_bench.slim.int8`),
with ``quant`` (the QAT method) and ``int8`` = ``qdq`` in its metadata.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import onnx
import torch

from ppocr_bench.errors import PpocrError
from ppocr_bench.inference.system import load_zoo_model, model_input_size, onnx_file
from ppocr_bench.models import OcrModel
from ppocr_bench.slim.int8 import INT8_FORMAT, clip_codes, int8_weights
from ppocr_bench.zoo.card import ZooCard

OPSET = 17
INPUT_NAME = "x"
OUTPUT_NAME = "y"
_DYNAMIC_AXES = {
    "det": ({0: "batch", 2: "height", 3: "width"}, {0: "batch", 2: "height", 3: "width"}),
    "cls": ({0: "batch"}, {0: "batch"}),
    "rec": ({0: "batch", 3: "width"}, {0: "batch", 1: "steps"}),
}


def _sample_input(model: OcrModel, input_size: tuple[int, int, int] | None) -> torch.Tensor:
    c, h, w = input_size or model.input_size
    if model.task == "det":  # a small non-square sample: the graph must not bake in a size
        h, w = 96, 128
    return torch.zeros(1, c, h, w)


def export_onnx(model: OcrModel, path: Path, *, input_size: tuple[int, int, int] | None = None,
                metadata: dict[str, str] | None = None) -> Path:
    """Write ``model`` (in eval mode) to ``path`` as ONNX and check it with ``onnx.checker``.

    ``input_size``: (C, H, W) of the traced sample (default the model's; the height of cls and
    rec inputs is fixed by it). ``metadata``: extra string metadata. A quantised model becomes
    an int8 QDQ graph (:func:`ppocr_bench.slim.int8.int8_weights`, then
    :func:`ppocr_bench.slim.int8.clip_codes`). Returns ``path``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    was_training = model.training
    model.eval()
    in_axes, out_axes = _DYNAMIC_AXES[model.task]
    try:
        with warnings.catch_warnings():
            # the legacy-exporter notice and tracer notes on shape checks that hold per model
            warnings.simplefilter("ignore")
            torch.onnx.export(
                model, (_sample_input(model, input_size),), str(path), dynamo=False,
                opset_version=OPSET, input_names=[INPUT_NAME], output_names=[OUTPUT_NAME],
                dynamic_axes={INPUT_NAME: in_axes, OUTPUT_NAME: out_axes},
                do_constant_folding=True,
            )
    finally:
        model.train(was_training)
    proto = onnx.load(str(path))
    quant = {}
    if getattr(model, "quant", None):
        int8_weights(proto)
        clip_codes(proto)
        quant = {"quant": model.quant, "int8": INT8_FORMAT}
    props = {
        "preset": model.preset,
        "task": model.task,
        "spec": json.dumps(model.spec.to_dict()),
        "use_space": json.dumps(model.use_space),
        **({"charset": json.dumps(model.charset, ensure_ascii=False)} if model.charset else {}),
        **quant,
        **(metadata or {}),
    }
    onnx.helper.set_model_props(proto, props)
    try:
        onnx.checker.check_model(proto)
    except onnx.checker.ValidationError as error:
        raise PpocrError(f"{path}: exported ONNX fails onnx.checker ({error})") from None
    onnx.save(proto, str(path))
    return path


def export_zoo(card: ZooCard, *, int8: bool = False) -> list[Path]:
    """Export every model of a zoo entry next to its weights as ``<weights stem>.onnx``
    (weights and charset hash-checked first). ``int8``: every model must be QAT-trained
    (``train --quant pact``) and becomes an int8 QDQ graph; without it, QAT weights are an
    error. Returns the written paths in card order."""
    if not card.models:
        raise PpocrError(f"{card.path}: no models to export")
    written = []
    for entry in card.models:
        model = load_zoo_model(card, entry)
        _check_int8(card.resolve(entry.weights), model, int8)
        written.append(export_onnx(
            model, onnx_file(card, entry), input_size=model_input_size(entry, model),
            metadata={"weights_sha256": entry.weights_sha256},
        ))
    return written


def _check_int8(weights: Path, model: OcrModel, int8: bool) -> None:
    if int8 and not model.quant:
        raise PpocrError(f"{weights}: float weights, not quantisation-aware trained: --int8 "
                         "exports models trained with `ppocr-bench train ... --quant pact`")
    if model.quant and not int8:
        raise PpocrError(f"{weights}: quantisation-aware trained ({model.quant}) weights: "
                         "export them with --onnx --int8")
