"""Det validation during training scores a model as ``ppocr-bench eval`` does: same det stage
(resize, DB, the min-box-side filter), so the same weights and data give the same hmean."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch
from torch import nn

from ppocr_bench.data.images import read_image
from ppocr_bench.data.labels import read_det_labels
from ppocr_bench.eval.loop import evaluate_system
from ppocr_bench.eval.systems import ZooSystem
from ppocr_bench.inference.backends import TorchRunner
from ppocr_bench.inference.system import DetPredictor, Predictors
from ppocr_bench.postprocess.db import db_postprocess
from ppocr_bench.train.validate import validate_det
from ppocr_bench.zoo.card import ZooCard

#: black text kernels (x, y, w, h) on a 160 x 240 white page, and 2 x 2 px specks of dirt
KERNELS = [(20, 20, 120, 14), (30, 70, 150, 16), (20, 120, 90, 12)]
SPECKS = [(200, 20), (210, 60), (190, 100), (220, 140)]


class InkModel(nn.Module):
    """A "detector" whose probability map is 1 where the (normalised) image is dark."""

    task, preset = "det", "ink"
    input_size = (3, 160, 240)

    def __init__(self) -> None:
        super().__init__()
        self.scale = nn.Parameter(torch.ones(1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return (x.mean(1, keepdim=True) < 0).float() * self.scale


def _grown(x: int, y: int, w: int, h: int) -> list[list[float]]:
    """The kernel's rectangle grown by DB's unclip distance (area * 1.5 / perimeter)."""
    d = w * h * 1.5 / (2 * (w + h))
    return [[x - d, y - d], [x + w + d, y - d], [x + w + d, y + h + d], [x - d, y + h + d]]


@pytest.fixture
def pages(tmp_path: Path) -> Path:
    """Two small pages (upscaled 4.6x by the det resize): text kernels and specks whose boxes
    are <= 3 px in the image, so only the min-box-side filter drops them."""
    (tmp_path / "det").mkdir()
    lines = []
    for n in range(2):
        page = np.full((160, 240, 3), 255, np.uint8)
        for x, y, w, h in KERNELS[n:]:
            page[y:y + h, x:x + w] = 0
        for x, y in SPECKS:
            page[y:y + 2, x:x + 2] = 0
        cv2.imwrite(str(tmp_path / "det" / f"{n}.png"), page)
        insts = [{"transcription": "text", "points": _grown(*k)} for k in KERNELS[n:]]
        lines.append(f"{n}.png\t{json.dumps(insts)}")
    (tmp_path / "det" / "label.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tmp_path


def test_validation_and_eval_give_the_same_det_hmean(pages, tmp_path):
    model = InkModel()
    validated = validate_det(model, pages / "det" / "label.txt", torch.device("cpu"))
    assert model.training  # validation hands the model back in training mode
    weights = tmp_path / "det.bin"
    weights.write_bytes(b"\0" * 10)
    preds = Predictors(DetPredictor(TorchRunner(model)), None, None, models={"det": model},
                       files={"det": weights})
    evaluated = evaluate_system(ZooSystem(ZooCard(tmp_path, "ink"), preds), pages, "en",
                                command="test", latency_runs=1)["det"]
    for key in ("precision", "recall", "hmean"):
        assert validated[key] == evaluated[key], key
    assert evaluated["hmean"] == 1.0


def test_the_specks_are_there_for_the_filter_to_drop(pages):
    """Without the min-box-side filter the specks would be false positives (what validation
    counted before it reused the det stage)."""
    det = DetPredictor(TorchRunner(InkModel()))
    label = pages / "det" / "label.txt"
    for rel, insts in read_det_labels(label).items():
        image = read_image(label.parent / rel)
        prob, size = det.prob_map(image)
        raw, _ = db_postprocess(prob, [size])[0]
        kept, _ = det(image)
        assert len(raw) == len(insts) + len(SPECKS) and len(kept) == len(insts)


def test_det_val_side_is_the_validation_resize(pages):
    """``side`` (TrainConfig.det_val_side) replaces the profile's limit_side_len."""
    model, seen = InkModel(), []
    model.register_forward_hook(lambda module, args, out: seen.append(args[0].shape[2:]))
    validate_det(model, pages / "det" / "label.txt", torch.device("cpu"), side=960)
    assert seen and all(min(shape) == 960 for shape in seen)
    seen.clear()
    validate_det(model, pages / "det" / "label.txt", torch.device("cpu"))
    assert all(min(shape) == 736 for shape in seen)  # the default: the profile's


def test_det_post_settings_replace_the_profiles_db_settings(pages):
    """``post`` (a zoo card's [model.post]) is what the boxes are made with: boxes unclipped
    far past the ink no longer match the labels."""
    label, cpu = pages / "det" / "label.txt", torch.device("cpu")
    assert validate_det(InkModel(), label, cpu)["hmean"] == 1.0
    assert validate_det(InkModel(), label, cpu, post={"unclip_ratio": 6.0})["hmean"] < 0.5
