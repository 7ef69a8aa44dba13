"""The scoring loop (eval.loop.evaluate_system) on systems that answer from the ground truth:
pins the metric plumbing, the result layout and what is skipped, for any EvalSystem."""

from __future__ import annotations

import hashlib
import math
import shutil
from pathlib import Path

import numpy as np
import pytest

from ppocr_bench.data.images import read_image
from ppocr_bench.data.labels import read_cls_labels, read_det_labels, read_rec_labels
from ppocr_bench.errors import PpocrError
from ppocr_bench.eval.bench import Latency
from ppocr_bench.eval.loop import MODEL_KEYS, Page, evaluate_system
from ppocr_bench.inference.system import OcrLine

EXPECTED_KEYS = {
    "det": {"precision", "recall", "hmean", "hmean_scene", "hmean_document", *MODEL_KEYS},
    "cls": {"acc", *MODEL_KEYS},
    "rec": {"acc", "norm_edit_dis", *MODEL_KEYS},
    "system": {"hmean", "ms_per_image", "size_mb"},
}


def _key(image: np.ndarray) -> str:
    return hashlib.sha256(image.tobytes() + str(image.shape).encode()).hexdigest()


class Oracle:
    """An EvalSystem that answers from the ground truth of the eval set ``root`` (it knows
    each image by its pixels); ``files`` of 1,000 bytes per task, one shared by det and rec
    when ``shared``."""

    name = "oracle"

    def __init__(self, root: Path, tmp: Path, tasks=("det", "cls", "rec"), *,
                 end_to_end: bool = True, shared: bool = False, stage_ms=None) -> None:
        self.tasks, self.end_to_end, self.stage_ms = tuple(tasks), end_to_end, stage_ms or {}
        self.truth: dict[tuple[str, str], object] = {}  # (task, image key) -> label
        readers = {"det": ("det/label.txt", read_det_labels),
                   "cls": ("cls/cls_gt.txt", read_cls_labels),
                   "rec": ("rec/rec_gt.txt", read_rec_labels)}
        for task, (rel, reader) in readers.items():
            if (root / rel).is_file():
                for path, label in reader(root / rel).items():
                    self.truth[task, _key(read_image((root / rel).parent / path))] = label
        self.model_files = {}
        for task in ("det", "cls", "rec"):
            path = tmp / f"{'det' if shared and task == 'rec' else task}.bin"
            path.write_bytes(b"x" * 1000)
            self.model_files[task] = path
        self.latency_samples: dict[str, tuple] = {}

    def page(self, image: np.ndarray) -> Page:
        insts = self.truth["det", _key(image)]
        boxes = [np.asarray(i["points"], np.float32) for i in insts]  # curved GT: K x 2
        # spaces inserted in the text: the end-to-end comparison ignores them
        lines = [OcrLine(np.asarray(i["points"]), " ".join(i["transcription"]), 1.0, 1.0)
                 for i in insts]
        return Page(boxes, lines if self.end_to_end else None, dict(self.stage_ms))

    def classify(self, crops):
        return [(self.truth["cls", _key(c)], 1.0) for c in crops]

    def recognize(self, crops):
        return [(self.truth["rec", _key(c)], 1.0) for c in crops]

    def charset(self):
        return set("abcdefghijklmnopqrstuvwxyz")

    def files(self, task):
        return [self.model_files[task]]

    def params(self, task):
        return 7

    def latency(self, task, sample, runs):
        self.latency_samples[task] = sample.shape
        return Latency(1.0, 2.0, runs)

    def meta(self):
        return {"backend": "oracle", "versions": {"oracle": "1"}}


class Progress:
    """Records what the loop shows on a rich Progress: description -> [total, done]."""

    def __init__(self) -> None:
        self.tasks: dict[str, list[int]] = {}

    def add_task(self, description: str, total: int, **fields) -> str:
        self.tasks[description] = [total, 0]
        return description

    def advance(self, task: str, n: int = 1) -> None:
        self.tasks[task][1] += n


def _copy_parts(src: Path, dst: Path, parts: tuple[str, ...]) -> Path:
    for part in parts:
        shutil.copytree(src / part, dst / part)
    return dst


def test_an_oracle_scores_one_everywhere(tiny_set, tmp_path):
    progress = Progress()
    result = evaluate_system(Oracle(tiny_set, tmp_path), tiny_set, "en", command="cmd",
                             latency_runs=3, progress=progress)
    assert set(result) == {*EXPECTED_KEYS, "meta"}
    for task, keys in EXPECTED_KEYS.items():
        assert set(result[task]) == keys, task
        assert all(math.isfinite(v) for v in result[task].values()), result[task]
    for task in ("det", "cls", "rec"):
        assert result[task]["size_mb"] == 0.001 and result[task]["params"] == 7
        assert (result[task]["latency_ms_p50"], result[task]["latency_ms_p90"]) == (1.0, 2.0)
    assert result["det"]["hmean"] == result["system"]["hmean"] == 1.0
    assert result["det"]["hmean_scene"] == result["det"]["hmean_document"] == 1.0
    assert result["cls"]["acc"] == result["rec"]["acc"] == result["rec"]["norm_edit_dis"] == 1.0
    assert result["system"]["size_mb"] == pytest.approx(0.003)
    meta = result["meta"]
    counts = meta["counts"]
    assert counts["det_images"] == 2 and counts["rec_crops"] == counts["cls_crops"] > 0
    assert progress.tasks == {"oracle det + system": [2, 2],
                              "oracle cls": [counts["cls_crops"]] * 2,
                              "oracle rec": [counts["rec_crops"]] * 2}
    assert meta["versions"]["oracle"] == "1" and meta["versions"]["ppocr_bench"]
    assert meta["skipped"] == [] and meta["command"] == "cmd" and meta["data_lang"] == "en"
    for key in ("zoo", "lang", "data", "backend", "latency_runs", "machine", "date"):
        assert key in meta, key


def test_the_det_latency_sample_is_the_median_size_image(tiny_set, tmp_path):
    oracle = Oracle(tiny_set, tmp_path)
    evaluate_system(oracle, tiny_set, "en", command="cmd", latency_runs=1)
    shapes = [read_image(tiny_set / "det" / p).shape for p in read_det_labels(
        tiny_set / "det" / "label.txt")]
    assert oracle.latency_samples["det"] in shapes
    rec_first = next(iter(read_rec_labels(tiny_set / "rec" / "rec_gt.txt")))
    assert oracle.latency_samples["rec"] == read_image(tiny_set / "rec" / rec_first).shape


def test_missing_parts_and_models_are_skipped_with_the_reason(tiny_set, tmp_path):
    data = _copy_parts(tiny_set, tmp_path / "data", ("rec",))
    result = evaluate_system(Oracle(data, tmp_path, tasks=("det", "rec")), data, "en",
                             command="cmd", latency_runs=1)
    assert set(result) == {"rec", "meta"}
    skipped = result["meta"]["skipped"]
    assert f"det: {data} has no det/label.txt" in skipped
    assert "cls: oracle has no cls model for en" in skipped
    assert "system: needs det data, a det and a rec model" in skipped


def test_a_system_without_a_pipeline_gets_det_only(tiny_set, tmp_path):
    oracle = Oracle(tiny_set, tmp_path, tasks=("det",), end_to_end=False)
    progress = Progress()
    result = evaluate_system(oracle, tiny_set, "en", command="cmd", progress=progress)
    assert set(result) == {"det", "meta"} and result["det"]["hmean"] == 1.0
    assert list(progress.tasks) == ["oracle det"]


def test_an_empty_part_is_skipped_not_scored(tiny_set, tmp_path):
    data = _copy_parts(tiny_set, tmp_path / "data", ("det", "rec"))
    (data / "rec" / "rec_gt.txt").write_text("", encoding="utf-8")
    result = evaluate_system(Oracle(data, tmp_path), data, "en", command="cmd")
    assert "rec" not in result and "det" in result
    assert f"rec: {data / 'rec' / 'rec_gt.txt'} is empty" in result["meta"]["skipped"]


def test_stage_timings_and_a_shared_model_file(tiny_set, tmp_path):
    oracle = Oracle(tiny_set, tmp_path, shared=True, stage_ms={"det": 4.0, "rec": 2.0})
    result = evaluate_system(oracle, tiny_set, "en", command="cmd")
    assert result["meta"]["stage_ms_per_image"] == pytest.approx({"det": 4.0, "rec": 2.0})
    assert result["system"]["size_mb"] == pytest.approx(0.002)  # det.bin counted once


def test_rec_lines_outside_the_charset_are_counted(tiny_set, tmp_path):
    result = evaluate_system(Oracle(tiny_set, tmp_path), tiny_set, "en", command="cmd")
    lines = read_rec_labels(tiny_set / "rec" / "rec_gt.txt").values()
    allowed = set("abcdefghijklmnopqrstuvwxyz ")
    expected = sum(not set(t) <= allowed for t in lines)
    assert 0 < expected == result["meta"]["counts"]["rec_lines_outside_charset"]


def test_a_folder_without_labels_is_not_an_eval_set(tiny_set, tmp_path):
    with pytest.raises(PpocrError, match="not an eval set"):
        evaluate_system(Oracle(tiny_set, tmp_path), tmp_path, "en", command="cmd")
