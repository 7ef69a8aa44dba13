"""Tiny quantisation-aware models for the slim tests: the three mobile presets built small
(as tests/models does), their BN statistics and QAT scales made non-trivial."""

from __future__ import annotations

from pathlib import Path

import torch
from model_helpers import randomize_batchnorm, zoo_entry

from ppocr_bench.models import OcrModel, create_model
from ppocr_bench.slim.quant import calibrate, quant_layers, quantize_model
from ppocr_bench.zoo.card import ZooCard, read_card, write_card

CHARSET = list("0123456789abcdefghijklmnopqrstuvwxyz")
#: preset -> (overrides that make it tiny, a batch shape of its input)
TINY = {
    "det_mv3_db": ({"scale": 0.35, "inner_channels": 16}, (1, 3, 96, 128)),
    "cls_mv3": ({}, (2, 3, 48, 192)),
    "rec_mv3_crnn": ({"scale": 0.35, "hidden_size": 16, "input_size": (3, 32, 128)},
                     (2, 3, 32, 128)),
}
TASK = {"det_mv3_db": "det", "cls_mv3": "cls", "rec_mv3_crnn": "rec"}


def tiny_model(preset: str, seed: int = 0, charset: list[str] = CHARSET) -> OcrModel:
    """The float tiny model with random BN statistics (fresh BN is the identity)."""
    torch.manual_seed(seed)
    model = create_model(preset, charset=charset if TASK[preset] == "rec" else None,
                         **TINY[preset][0])
    return randomize_batchnorm(model, seed).eval()


def qat_model(preset: str, seed: int = 0, charset: list[str] = CHARSET) -> OcrModel:
    """:func:`tiny_model` quantised by :func:`calibrated`."""
    return calibrated(quantize_model(tiny_model(preset, seed, charset)), preset, seed)


def calibrated(model: OcrModel, preset: str, seed: int = 0) -> OcrModel:
    """A quantised ``model`` of ``preset`` whose moving averages were fed three training
    batches (BN statistics kept), every other PACT alpha set below its layer's scale, so both
    clips (alpha and scale) are exercised. Eval mode."""
    gen = torch.Generator().manual_seed(seed + 1)
    shape = TINY[preset][1]
    calibrate(model, (torch.randn(*shape, generator=gen) for _ in range(3)))
    for i, layer in enumerate(quant_layers(model).values()):
        quant = layer.input_quant
        if i % 2:
            quant.alpha.data.copy_(0.6 * quant.scale)
    return model.eval()


def write_qat_zoo(root: Path, charset: list[str] = CHARSET, quantised: tuple[str, ...] =
                  ("det", "cls", "rec")) -> ZooCard:
    """A zoo entry of the three tiny presets, QAT for the tasks in ``quantised`` (float for
    the others), with real hashes."""
    root.mkdir(parents=True, exist_ok=True)
    models = []
    for preset, task in TASK.items():
        model = (qat_model if task in quantised else tiny_model)(preset, charset=charset)
        models.append(zoo_entry(root, task, preset, model, charset, langs=["en"],
                                recipe="tiny QAT", args=TINY[preset][0]))
    write_card(ZooCard(root, "qat", "tiny QAT weights for tests", models=models))
    return read_card(root)
