import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

from ppocr_bench.data.db_targets import make_shrink_map
from ppocr_bench.data.labels import read_det_labels
from ppocr_bench.errors import PpocrError
from ppocr_bench.data.images import read_image
from ppocr_bench.inference.system import DetPredictor, load_predictors
from ppocr_bench.eval.tune import det_label_file, record, sweep, write_sweep
from ppocr_bench.zoo.card import read_card, write_card

SMALL_GRID = {"thresh": (0.3,), "box_thresh": (0.3, 0.6), "unclip_ratio": (1.5,)}


@pytest.fixture
def weak_maps(monkeypatch, tiny_set):
    """The det network replaced by the ground truth's shrunk text kernels at probability
    0.5: a detector that finds every line but is never sure of it."""
    label = tiny_set / "det" / "label.txt"
    maps = {}
    for rel, insts in read_det_labels(label).items():
        image = read_image(label.parent / rel)
        shape = image.shape[:2]
        polys = [np.asarray(g["points"], np.float32) for g in insts]
        kernel, _, _ = make_shrink_map(polys, [g["transcription"] == "###" for g in insts], shape)
        maps[shape] = 0.5 * kernel[None, None]
    monkeypatch.setattr(DetPredictor, "prob_map",
                        lambda self, image: (maps[image.shape[:2]], image.shape[:2]))
    return label


@pytest.fixture
def zoo_copy(tiny_zoo, tmp_path):
    shutil.copytree(tiny_zoo.root, tmp_path / "zoo")
    return read_card(tmp_path / "zoo")


def test_sweep_finds_the_box_thresh_a_weak_detector_needs(zoo_copy, weak_maps, tmp_path):
    result = sweep(zoo_copy, weak_maps, grid=SMALL_GRID)
    assert result["default"]["hmean"] == 0.0  # mean box probability < 0.5 < box_thresh 0.6
    assert result["best"]["box_thresh"] == 0.3 and result["best"]["hmean"] > 0.9
    assert len(result["rows"]) == 2 and result["images"] == 2
    paths = write_sweep(result, tmp_path / "out")
    assert [p.name for p in paths] == ["sweep.json", "sweep.png"]
    assert paths[1].stat().st_size > 1000


def test_record_puts_the_setting_under_the_paddleocr_profile_only(zoo_copy, weak_maps):
    record(zoo_copy, sweep(zoo_copy, weak_maps, grid=SMALL_GRID), "ppocr-bench zoo tune-det")
    card = read_card(zoo_copy.root)
    det = card.find("det")
    assert det.post == {"thresh": 0.3, "box_thresh": 0.3, "unclip_ratio": 1.5}
    assert det.post_tuning["hmean"] > 0.9 and det.post_tuning["hmean_paddleocr_defaults"] == 0
    assert load_predictors(card, "en").det.profile.box_thresh == 0.3
    assert load_predictors(card, "en", profile="rapidocr").det.profile.box_thresh == 0.5
    # the detector now finds the lines it dropped under PaddleOCR's defaults
    preds = load_predictors(card, "en")
    image = read_image(weak_maps.parent / next(iter(read_det_labels(weak_maps))))
    assert len(preds.det(image)[0]) > 0


@pytest.mark.parametrize("task, post, needle", [
    ("rec", {"box_thresh": 0.4}, "[model.post] is for det models"),
    ("det", {"box_tresh": 0.4}, "unknown [model.post] key 'box_tresh'"),
    ("det", {"box_thresh": 1.5}, "box_thresh must be a number in (0, 1]"),
    ("det", {"unclip_ratio": "big"}, "unclip_ratio must be a number"),
])
def test_bad_post_table_names_the_card(zoo_copy, task, post, needle):
    zoo_copy.find(task).post = post
    write_card(zoo_copy)
    with pytest.raises(PpocrError, match="card.toml: model") as error:
        read_card(zoo_copy.root)
    assert needle in str(error.value)


def test_tuning_on_an_eval_set_is_refused(monkeypatch, tmp_path):
    monkeypatch.setenv("PPOCR_BENCH_CACHE", str(tmp_path))
    label = tmp_path / "evalsets" / "en-40-1000004" / "det" / "label.txt"
    label.parent.mkdir(parents=True)
    label.write_text("", encoding="utf-8")
    with pytest.raises(PpocrError, match="a default eval set: tune on validation data"):
        det_label_file(label.parent.parent)
    with pytest.raises(PpocrError, match="no det labels"):
        det_label_file(tmp_path)


def test_cli_tune_det_records(zoo_copy, tiny_set, tmp_path):
    proc = subprocess.run([sys.executable, "-m", "ppocr_bench", "zoo", "tune-det", zoo_copy.root,
                           "--data", tiny_set, "--out", tmp_path / "out", "--record"],
                          capture_output=True, text=True, env={**os.environ, "COLUMNS": "200"})
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "out" / "sweep.png").exists() and "best: thresh" in proc.stdout
    assert set(read_card(zoo_copy.root).find("det").post) == {"thresh", "box_thresh",
                                                              "unclip_ratio"}
