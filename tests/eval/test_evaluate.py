"""evaluate.score_files on hand-written label files, evaluate_zoo with oracle predictors
(pins the metric plumbing) and end to end on a random-init zoo entry (pins the layout)."""

from __future__ import annotations

import json
import math
import sys
import types
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

from ppocr_bench.errors import PpocrError
from ppocr_bench.eval.evaluate import (MODEL_KEYS, data_parts, evaluate_zoo, image_kinds,
                                  score_files, served_langs)
from ppocr_bench.eval.report import write_report
from ppocr_bench.zoo.card import ZooCard

EXPECTED_KEYS = {
    "det": {"precision", "recall", "hmean", "hmean_scene", "hmean_document", *MODEL_KEYS},
    "cls": {"acc", *MODEL_KEYS},
    "rec": {"acc", "norm_edit_dis", *MODEL_KEYS},
    "system": {"hmean", "ms_per_image", "size_mb"},
}

BOX_A = [[0, 0], [10, 0], [10, 10], [0, 10]]
BOX_B = [[20, 0], [30, 0], [30, 10], [20, 10]]


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def _det_line(name: str, boxes: list[tuple[list, str]]) -> str:
    insts = [{"transcription": t, "points": p} for p, t in boxes]
    return f"{name}\t{json.dumps(insts)}"


# ------------------------------------------------------------------ score_files
@pytest.fixture
def det_gt(tmp_path: Path) -> Path:
    return _write(tmp_path / "gt.txt", [_det_line("a.jpg", [(BOX_A, "hi"), (BOX_B, "yo")]),
                                        _det_line("b.jpg", [(BOX_A, "x")])])


def test_score_det_against_itself(det_gt: Path):
    assert score_files("det", det_gt, det_gt) == {"precision": 1.0, "recall": 1.0, "hmean": 1.0}


def test_score_det_empty_predictions(det_gt: Path, tmp_path: Path):
    empty = _write(tmp_path / "pred.txt", [])
    scores = score_files("det", det_gt, empty)
    assert set(scores) == {"precision", "recall", "hmean"}
    assert scores["recall"] == 0.0 and scores["hmean"] == 0.0


def test_score_det_partial(det_gt: Path, tmp_path: Path):
    # a.jpg: one of two found plus one false box far away; b.jpg missing entirely.
    far = [[100, 100], [110, 100], [110, 110], [100, 110]]
    pred = _write(tmp_path / "pred.txt", [_det_line("a.jpg", [(BOX_A, ""), (far, "")])])
    scores = score_files("det", det_gt, pred)
    assert scores["recall"] == pytest.approx(1 / 3)
    assert scores["precision"] == pytest.approx(1 / 2)
    assert scores["hmean"] == pytest.approx(2 * (1 / 3) * (1 / 2) / (1 / 3 + 1 / 2))


def test_score_rec_hand_computed(tmp_path: Path):
    gt = _write(tmp_path / "gt.txt", ["a.jpg\tab c", "b.jpg\tabcd", "c.jpg\txy", "d.jpg\tq"])
    # a: exact after removing spaces; b: 1 edit of 4; c: missing (wrong, distance 1);
    # d: 1 edit of 1.
    pred = _write(tmp_path / "pred.txt", ["a.jpg\tabc", "b.jpg\tabce", "d.jpg\tz"])
    scores = score_files("rec", gt, pred)
    assert scores == pytest.approx({"acc": 1 / 4, "norm_edit_dis": 1 - (0 + 0.25 + 1 + 1) / 4})


def test_score_rec_missing_prediction_of_empty_text_is_wrong(tmp_path: Path):
    gt = _write(tmp_path / "gt.txt", ["a.jpg\t"])
    assert score_files("rec", gt, _write(tmp_path / "p.txt", []))["acc"] == 0.0


def test_score_cls_hand_computed(tmp_path: Path):
    gt = _write(tmp_path / "gt.txt", ["a.jpg\t0", "b.jpg\t180", "c.jpg\t180", "d.jpg\t0"])
    pred = _write(tmp_path / "pred.txt", ["a.jpg\t0", "b.jpg\t0", "c.jpg\t180"])
    assert score_files("cls", gt, pred) == {"acc": 0.5}


def test_score_unknown_image_is_an_error(det_gt: Path, tmp_path: Path):
    pred = _write(tmp_path / "pred.txt", [_det_line("zzz.jpg", [(BOX_A, "")])])
    with pytest.raises(PpocrError, match="zzz.jpg"):
        score_files("det", det_gt, pred)


def test_score_malformed_line_names_file_and_line(tmp_path: Path):
    gt = _write(tmp_path / "gt.txt", ["a.jpg\t0"])
    pred = _write(tmp_path / "pred.txt", ["a.jpg\t0", "b.jpg 90"])
    with pytest.raises(PpocrError, match=r"pred.txt:2:"):
        score_files("cls", gt, pred)


def test_score_unknown_task(det_gt: Path):
    with pytest.raises(PpocrError, match="det, rec or cls"):
        score_files("e2e", det_gt, det_gt)


# ------------------------------------------------------------------ evaluate_zoo
@pytest.fixture
def eval_set(tiny_set) -> Path:
    return tiny_set


@pytest.fixture
def zoo_entry(tiny_zoo) -> ZooCard:
    return tiny_zoo


@dataclass
class _Line:
    points: np.ndarray
    text: str
    score: float = 1.0
    det_score: float = 1.0
    angle: int = 0


@dataclass
class _Oracle:
    """Predictors that answer from the ground truth (by the path each image was read from)."""

    root: Path
    card: ZooCard
    seen: dict[int, str] = field(default_factory=dict)

    def read_image(self, path: Path) -> np.ndarray:
        import cv2

        image = cv2.imread(str(path))
        self.seen[id(image)] = Path(path).relative_to(self.root).as_posix()
        return image

    def _labels(self, rel: str) -> dict:
        from ppocr_bench.data.labels import read_cls_labels, read_det_labels, read_rec_labels

        reader = {"det": read_det_labels, "cls": read_cls_labels, "rec": read_rec_labels}
        return reader[rel](self.root / rel / {"det": "label.txt", "cls": "cls_gt.txt",
                                              "rec": "rec_gt.txt"}[rel])

    def gt(self, task: str, image: np.ndarray):
        part, name = self.seen[id(image)].split("/", 1)
        assert part == task
        return self._labels(task)[name]

    def det(self, image):
        insts = self.gt("det", image)
        # Curved GT has more than 4 points: a list of K x 2 arrays stands in for N x 4 x 2.
        return [np.asarray(i["points"], np.float32) for i in insts], np.ones(len(insts))

    def cls(self, crops):
        return [(self.gt("cls", c), 1.0) for c in crops]

    def rec(self, crops):
        return [(self.gt("rec", c), 1.0) for c in crops]

    def system(self):
        # Spaces inserted in the text: the e2e comparison ignores them.
        return lambda image: [_Line(np.asarray(i["points"]), " ".join(i["transcription"]))
                              for i in self.gt("det", image)]


class _Progress:
    """Records what evaluate_zoo shows on a rich Progress: description -> [total, done]."""

    def __init__(self) -> None:
        self.tasks: dict[str, list[int]] = {}

    def add_task(self, description: str, total: int, **fields) -> str:
        self.tasks[description] = [total, 0]
        return description

    def advance(self, task: str, n: int = 1) -> None:
        self.tasks[task][1] += n


def _install_fake_system(monkeypatch, oracle: _Oracle) -> None:
    from ppocr_bench.models import load_model

    def load_predictors(card, lang, *, backend="torch", threads=1, profile="paddleocr"):
        files = {m.task: card.resolve(m.weights) for m in card.models}
        return types.SimpleNamespace(
            det=oracle.det, cls=oracle.cls, rec=oracle.rec, system=oracle.system, files=files,
            models={t: load_model(p) for t, p in files.items()})

    module = types.ModuleType("ppocr_bench.inference.system")
    module.load_predictors = load_predictors
    monkeypatch.setitem(sys.modules, "ppocr_bench.inference.system", module)
    monkeypatch.setattr("ppocr_bench.data.images.read_image", oracle.read_image)


def _check_layout(result: dict) -> None:
    assert set(result) == {*EXPECTED_KEYS, "meta"}
    for task, keys in EXPECTED_KEYS.items():
        assert set(result[task]) == keys, task
        assert all(math.isfinite(v) for v in result[task].values()), result[task]
    for task in ("det", "cls", "rec"):
        assert result[task]["params"] > 0 and result[task]["size_mb"] > 0
        assert 0 < result[task]["latency_ms_p50"] <= result[task]["latency_ms_p90"]
    meta = result["meta"]
    for key in ("zoo", "zoo_path", "lang", "data", "counts", "backend", "threads", "torch",
                "machine", "date", "command", "skipped"):
        assert key in meta, key
    assert meta["machine"]["cores"] >= 1 and meta["machine"]["cpu"]


def test_evaluate_zoo_with_oracle_predictors_scores_one(monkeypatch, eval_set, zoo_entry,
                                                        tmp_path):
    _install_fake_system(monkeypatch, _Oracle(eval_set, zoo_entry))
    progress = _Progress()
    result = evaluate_zoo(zoo_entry, eval_set, "en", latency_runs=3, progress=progress)
    _check_layout(result)
    counts = result["meta"]["counts"]
    assert progress.tasks == {"det + system": [2, 2], "cls": [counts["cls_crops"]] * 2,
                              "rec": [counts["rec_crops"]] * 2}
    assert result["det"]["hmean"] == result["system"]["hmean"] == 1.0
    assert result["det"]["hmean_scene"] == result["det"]["hmean_document"] == 1.0
    assert result["cls"]["acc"] == result["rec"]["acc"] == result["rec"]["norm_edit_dis"] == 1.0
    assert counts["det_images"] == 2 and counts["rec_crops"] == counts["cls_crops"] > 0
    assert counts["rec_lines_outside_charset"] == 0
    expected_total = sum(result[t]["size_mb"] for t in ("det", "cls", "rec"))
    assert result["system"]["size_mb"] == pytest.approx(expected_total)


def test_evaluate_zoo_drops_missing_parts(monkeypatch, eval_set, zoo_entry, tmp_path):
    data = tmp_path / "data"
    (data / "rec").mkdir(parents=True)
    for src in (eval_set / "rec").iterdir():
        (data / "rec" / src.name).symlink_to(src)
    _install_fake_system(monkeypatch, _Oracle(data, zoo_entry))
    result = evaluate_zoo(zoo_entry, data, "en", latency_runs=3)
    assert set(result) == {"rec", "meta"}
    skipped = " ".join(result["meta"]["skipped"])
    assert "det/label.txt" in skipped and "cls/cls_gt.txt" in skipped and "system" in skipped


def test_evaluate_zoo_rejects_a_folder_without_labels(zoo_entry, tmp_path):
    with pytest.raises(PpocrError, match="not an eval set"):
        evaluate_zoo(zoo_entry, tmp_path, "en")
    assert data_parts(tmp_path) == {}


def test_evaluate_zoo_end_to_end_random_weights(eval_set, zoo_entry, tmp_path):
    result = evaluate_zoo(zoo_entry, eval_set, "en", latency_runs=3)
    _check_layout(result)
    assert result["meta"]["det_post"] == {"thresh": 0.3, "box_thresh": 0.6, "unclip_ratio": 1.5}
    paths = write_report([result], tmp_path / "report")
    assert [p.name for p in paths] == ["report.json", "report.md", "accuracy_vs_size.png",
                                       "accuracy_vs_latency.png"]
    data = json.loads((tmp_path / "report" / "report.json").read_text(encoding="utf-8"))
    _check_layout(data)
    assert all(p.stat().st_size > 1000 for p in paths[2:])


def test_system_reuses_the_det_stage_boxes(monkeypatch, zoo_entry, tmp_path):
    """Real OcrSystem with fake det/rec: each image is detected once, e2e ignores spaces."""
    import cv2
    from ppocr_bench.inference import system as real_system
    from ppocr_bench.models import load_model

    (tmp_path / "det").mkdir()
    cv2.imwrite(str(tmp_path / "det" / "a.png"), np.full((60, 120, 3), 255, np.uint8))
    boxes = np.array([[[5, 5], [40, 5], [40, 25], [5, 25]],
                      [[60, 30], [110, 30], [110, 50], [60, 50]]], np.float32)
    _write(tmp_path / "det" / "label.txt",
           [_det_line("a.png", [(boxes[0].tolist(), "ab"), (boxes[1].tolist(), "c d")])])
    calls = []

    class Det:
        limit_side_len, limit_type = 64, "max"  # keeps the latency input tiny

        def __call__(self, image):
            calls.append(image.shape)
            return boxes, np.ones(2, np.float32)

    def rec(crops):
        assert len(crops) == 2
        return [("ab", 0.9), ("cd", 0.9)]

    files = {m.task: zoo_entry.resolve(m.weights) for m in zoo_entry.models}
    preds = real_system.Predictors(Det(), None, rec, files=files,
                                   models={t: load_model(files[t]) for t in ("det", "rec")})
    monkeypatch.setattr(real_system, "load_predictors", lambda *a, **k: preds)
    result = evaluate_zoo(zoo_entry, tmp_path, "en", latency_runs=3)
    assert len(calls) == 1
    assert result["det"]["hmean"] == result["system"]["hmean"] == 1.0
    assert result["system"]["size_mb"] == pytest.approx(
        result["det"]["size_mb"] + files["rec"].stat().st_size / 1e6)
    assert set(result) == {"det", "system", "meta"}


def test_evaluate_zoo_onnx_backend_on_crops(eval_set, zoo_entry, tmp_path):
    from ppocr_bench.inference.export import export_zoo

    onnx_files = {p.stem: p for p in export_zoo(zoo_entry)}
    data = tmp_path / "data"
    for part in ("cls", "rec"):
        (data / part).mkdir(parents=True)
        for src in (eval_set / part).iterdir():
            (data / part / src.name).symlink_to(src)
    result = evaluate_zoo(zoo_entry, data, "en", backend="onnx", latency_runs=3)
    assert set(result) == {"cls", "rec", "meta"}
    for task in ("cls", "rec"):
        assert set(result[task]) == EXPECTED_KEYS[task]
        assert result[task]["size_mb"] == onnx_files[task].stat().st_size / 1e6
        assert 0 < result[task]["latency_ms_p50"] <= result[task]["latency_ms_p90"]
    assert result["meta"]["backend"] == "onnx" and "onnxruntime" in result["meta"]["versions"]


def test_image_kinds_come_from_the_synth_parts(eval_set):
    kinds = image_kinds(eval_set)
    assert sorted(kinds.values()) == ["document", "scene"]
    assert all((eval_set / "det" / path).is_file() for path in kinds)


def test_served_langs_follow_the_recognizers(random_zoo, tmp_path):
    latin = random_zoo(tmp_path / "a", list("abc"), rec_langs=("de", "en"))
    assert served_langs([latin]) == ["en", "de"]
    assert served_langs([]) == ["en"]
