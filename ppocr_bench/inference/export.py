"""ONNX export of the PP-OCR networks (eval outputs: det probability map, cls / rec softmax).

Uses PyTorch's TorchScript-based exporter (``dynamo=False``): the torch.export-based one needs
the ``onnxscript`` package, which ppocr-bench does not depend on. Opset 17. Dynamic axes:

- det: input N x C x H x W -> N x 1 x H x W (batch, height and width; sides multiples of 32);
- cls: input N x C x 48 x 192 -> N x 2 (batch);
- rec: input N x C x H x W -> N x T x classes (batch and width; T = W / 4 for the CRNN).

The file carries its provenance as ONNX metadata: ``preset``, ``task``, ``spec`` (JSON),
``charset`` (JSON list, rec only), ``use_space`` and, for zoo exports, ``weights_sha256`` of the
safetensors file it came from (so a stale export is detected at load time).
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import onnx
import torch

from ppocr_bench.errors import PpocrError
from ppocr_bench.models import OcrModel
from ppocr_bench.inference.system import load_zoo_model, model_input_size, onnx_file
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
    rec inputs is fixed by it). ``metadata``: extra string metadata. Returns ``path``.
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
    props = {
        "preset": model.preset,
        "task": model.task,
        "spec": json.dumps(model.spec.to_dict()),
        "use_space": json.dumps(model.use_space),
        **({"charset": json.dumps(model.charset, ensure_ascii=False)} if model.charset else {}),
        **(metadata or {}),
    }
    onnx.helper.set_model_props(proto, props)
    try:
        onnx.checker.check_model(proto)
    except onnx.checker.ValidationError as error:
        raise PpocrError(f"{path}: exported ONNX fails onnx.checker ({error})") from None
    onnx.save(proto, str(path))
    return path


def export_zoo(card: ZooCard) -> list[Path]:
    """Export every model of a zoo entry next to its weights as ``<weights stem>.onnx``
    (weights and charset hash-checked first). Returns the written paths in card order."""
    if not card.models:
        raise PpocrError(f"{card.path}: no models to export")
    written = []
    for entry in card.models:
        model = load_zoo_model(card, entry)
        written.append(export_onnx(
            model, onnx_file(card, entry), input_size=model_input_size(entry, model),
            metadata={"weights_sha256": entry.weights_sha256},
        ))
    return written
