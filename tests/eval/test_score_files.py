"""eval.files.score_files on hand-written label files: scores, missing predictions, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ppocr_bench.errors import PpocrError
from ppocr_bench.eval.files import score_files

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
    assert score_files("det", det_gt, det_gt).scores == {"precision": 1.0, "recall": 1.0, "hmean": 1.0}


def test_score_det_empty_predictions(det_gt: Path, tmp_path: Path):
    empty = _write(tmp_path / "pred.txt", [])
    scores = score_files("det", det_gt, empty).scores
    assert set(scores) == {"precision", "recall", "hmean"}
    assert scores["recall"] == 0.0 and scores["hmean"] == 0.0


def test_score_det_partial(det_gt: Path, tmp_path: Path):
    # a.jpg: one of two found plus one false box far away; b.jpg missing entirely.
    far = [[100, 100], [110, 100], [110, 110], [100, 110]]
    pred = _write(tmp_path / "pred.txt", [_det_line("a.jpg", [(BOX_A, ""), (far, "")])])
    scores = score_files("det", det_gt, pred).scores
    assert scores["recall"] == pytest.approx(1 / 3)
    assert scores["precision"] == pytest.approx(1 / 2)
    assert scores["hmean"] == pytest.approx(2 * (1 / 3) * (1 / 2) / (1 / 3 + 1 / 2))


def test_score_rec_hand_computed(tmp_path: Path):
    gt = _write(tmp_path / "gt.txt", ["a.jpg\tab c", "b.jpg\tabcd", "c.jpg\txy", "d.jpg\tq"])
    # a: exact after removing spaces; b: 1 edit of 4; c: missing (wrong, distance 1);
    # d: 1 edit of 1.
    pred = _write(tmp_path / "pred.txt", ["a.jpg\tabc", "b.jpg\tabce", "d.jpg\tz"])
    scores = score_files("rec", gt, pred).scores
    assert scores == pytest.approx({"acc": 1 / 4, "norm_edit_dis": 1 - (0 + 0.25 + 1 + 1) / 4})


def test_score_rec_missing_prediction_of_empty_text_is_wrong(tmp_path: Path):
    gt = _write(tmp_path / "gt.txt", ["a.jpg\t"])
    assert score_files("rec", gt, _write(tmp_path / "p.txt", [])).scores["acc"] == 0.0


def test_score_cls_hand_computed(tmp_path: Path):
    gt = _write(tmp_path / "gt.txt", ["a.jpg\t0", "b.jpg\t180", "c.jpg\t180", "d.jpg\t0"])
    pred = _write(tmp_path / "pred.txt", ["a.jpg\t0", "b.jpg\t0", "c.jpg\t180"])
    assert score_files("cls", gt, pred).scores == {"acc": 0.5}


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


def test_full_predictions_give_no_warning(det_gt: Path):
    scored = score_files("det", det_gt, det_gt)
    assert scored.missing == 0 and scored.warning is None


def test_missing_predictions_are_counted_in_one_line(tmp_path: Path):
    gt = _write(tmp_path / "gt.txt", [f"{n:02d}.jpg\tabc" for n in range(20)])
    pred = _write(tmp_path / "pred.txt", [f"{n:02d}.jpg\tabc" for n in range(5)])
    scored = score_files("rec", gt, pred)
    assert scored.scores["acc"] == 5 / 20  # the 15 missing still count, as wrong
    assert scored.warning == f"{pred}: no prediction for 15 of 20 GT lines: scored as wrong"


def test_missing_det_predictions_count_images_and_boxes(det_gt: Path, tmp_path: Path):
    pred = _write(tmp_path / "pred.txt", [_det_line("a.jpg", [(BOX_A, "")])])
    scored = score_files("det", det_gt, pred)
    assert (scored.missing, scored.images, scored.missing_boxes, scored.boxes) == (1, 2, 1, 3)
    assert scored.warning == (f"{pred}: no prediction for 1 of 2 GT images (1 of 3 text "
                              "boxes): scored as missed")


@pytest.mark.parametrize("task", ["det", "rec", "cls"])
def test_an_empty_gt_file_is_an_error(task: str, tmp_path: Path):
    gt = _write(tmp_path / "gt.txt", [])
    with pytest.raises(PpocrError, match=r"gt.txt: no labels \(empty file\)"):
        score_files(task, gt, gt)
