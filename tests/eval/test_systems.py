"""ZooSystem: a zoo entry's predictors as an EvalSystem (real OcrSystem, fake networks)."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from ppocr_bench.eval.loop import evaluate_system
from ppocr_bench.eval.systems import ZooSystem
from ppocr_bench.inference.system import DetPredictor, Predictors
from ppocr_bench.models import load_model

BOXES = np.array([[[5, 5], [40, 5], [40, 25], [5, 25]],
                  [[60, 30], [110, 30], [110, 50], [60, 50]]], np.float32)


class Det:
    """Two fixed boxes; counts its calls; resizes as a DetPredictor with a 64 px limit."""

    def __init__(self) -> None:
        self.calls = 0
        self.resize = DetPredictor(None, limit_side_len=64, limit_type="max")

    def __call__(self, image):
        self.calls += 1
        return BOXES, np.ones(2, np.float32)

    def input_size(self, height, width):
        return self.resize.input_size(height, width)


@pytest.fixture
def page_set(tmp_path: Path) -> Path:
    (tmp_path / "det").mkdir()
    cv2.imwrite(str(tmp_path / "det" / "a.png"), np.full((60, 120, 3), 255, np.uint8))
    insts = [{"transcription": "ab", "points": BOXES[0].tolist()},
             {"transcription": "c d", "points": BOXES[1].tolist()}]
    (tmp_path / "det" / "label.txt").write_text(f"a.png\t{json.dumps(insts)}\n",
                                               encoding="utf-8")
    return tmp_path


def test_each_image_is_detected_once_and_the_system_reuses_the_boxes(tiny_zoo, page_set):
    det, seen = Det(), []

    def rec(crops):
        seen.append(len(crops))
        return [("ab", 0.9), ("cd", 0.9)]

    files = {m.task: tiny_zoo.resolve(m.weights) for m in tiny_zoo.models}
    preds = Predictors(det, None, rec, files=files,
                       models={t: load_model(files[t]) for t in ("det", "rec")})
    system = ZooSystem(tiny_zoo, preds)
    assert system.tasks == ("det", "rec") and system.end_to_end
    result = evaluate_system(system, page_set, "en", command="cmd", latency_runs=2)
    assert det.calls == 1 and seen == [2]
    assert result["det"]["hmean"] == result["system"]["hmean"] == 1.0  # "c d" == "cd"
    assert result["system"]["size_mb"] == pytest.approx(
        (files["det"].stat().st_size + files["rec"].stat().st_size) / 1e6)
    assert set(result) == {"det", "system", "meta"}
    assert "cls: random has no cls model for en" in result["meta"]["skipped"]


def test_latency_inputs_are_what_the_predictors_feed(tiny_zoo):
    from ppocr_bench.inference.system import load_predictors

    preds = load_predictors(tiny_zoo, "en")
    system = ZooSystem(tiny_zoo, preds)
    page = np.zeros((100, 200, 3), np.uint8)
    assert system.input_size("det", page) == (3, 736, 1472)  # the profile's resize
    assert system.input_size("rec", page) == preds.rec.input_size
    assert system.charset() == set(preds.models["rec"].charset)
    assert system.meta()["det_post"] == {"thresh": 0.3, "box_thresh": 0.6, "unclip_ratio": 1.5}
