"""What training checks before step 1: a writable run folder, every listed image on disk, no
training data synthesized with an eval seed. Nothing is written when a check fails."""

import json
import shutil
from pathlib import Path

import pytest

from ppocr_bench.errors import PpocrError
from ppocr_bench.train import TrainConfig, train
from ppocr_bench.train.checks import (
    check_images,
    check_training_seeds,
    synth_manifests,
)

TINY_CLS = {"overrides": {"input_size": (3, 48, 96)}, "batch_size": 4, "max_samples": 4,
            "workers": 0, "threads": 1, "steps": 1}


def _config(data, out, **kw):
    return TrainConfig(task="cls", data=str(data), out=str(out), **{**TINY_CLS, **kw})


def _with_seed(synth_en, folder: Path, seed: int) -> Path:
    shutil.copytree(synth_en, folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["spec"]["seed"] = seed
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return folder


def test_train_into_an_unwritable_folder_fails_before_any_work(synth_en, tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(PpocrError, match="is a file, not a folder"):
        train(_config(synth_en, tmp_path / "file" / "run"))


def test_missing_images_are_named_with_label_file_and_lines(tmp_path):
    labels = tmp_path / "rec_gt.txt"
    (tmp_path / "images").mkdir()
    lines = []
    for i in range(6):
        if i in (0, 2):
            (tmp_path / f"images/{i}.png").write_bytes(b"png")
        lines.append(f"images/{i}.png\tword{i}")
    labels.write_text("\n".join(lines[:3]) + "\n\n" + "\n".join(lines[3:]) + "\n")
    paths = [line.split("\t")[0] for line in lines]
    check_images(labels, paths[::2][:1])
    with pytest.raises(PpocrError) as err:
        check_images(labels, paths)
    assert str(err.value) == (f"{labels}:2: image images/1.png not found (4 of 6 listed images "
                              "missing; first: line 2 images/1.png, line 5 images/3.png, "
                              "line 6 images/4.png)")


def test_train_with_a_missing_image_fails_before_step_one(synth_en, tmp_path):
    data = tmp_path / "en"
    shutil.copytree(synth_en, data)
    first = (data / "cls/cls_gt.txt").read_text().splitlines()[1].split("\t")[0]
    (data / "cls" / first).unlink()
    with pytest.raises(PpocrError, match=rf"cls_gt.txt:2: image {first} not found \(1 of 4 "):
        train(_config(data, tmp_path / "run"))
    with pytest.raises(PpocrError, match=rf"cls_gt.txt:2: image {first} not found \(1 of "):
        train(_config(synth_en, tmp_path / "run", val=str(data)))  # validation labels too
    assert not (tmp_path / "run").exists()  # nothing written


def test_training_data_with_an_eval_seed_is_refused(synth_en, tmp_path):
    data = _with_seed(synth_en, tmp_path / "en-eval", 1_000_004)
    with pytest.raises(PpocrError, match=r"en-eval/manifest.json: training seed 1000004 is "
                                         r"outside .* reserved for evaluation sets; .*cls_gt.txt "
                                         "may not be trained on"):
        train(_config(data, tmp_path / "run"))
    assert not (tmp_path / "run").exists()
    # validating on such a set is allowed (the eval sets themselves are validation data)
    assert train(_config(synth_en, tmp_path / "run", val=str(data))).step == 1


def test_a_label_file_pointing_into_several_folders_checks_each_manifest(synth_en, tmp_path):
    good = _with_seed(synth_en, tmp_path / "good", 7)
    bad = _with_seed(synth_en, tmp_path / "bad", 1_000_003)
    rows = []
    for folder in (good, bad):
        for line in (folder / "rec/rec_gt.txt").read_text().splitlines()[:3]:
            rows.append(f"../{folder.name}/rec/{line}")
    (tmp_path / "mix").mkdir()
    labels = tmp_path / "mix" / "rec.txt"
    labels.write_text("\n".join(rows) + "\n")
    paths = [r.split("\t")[0] for r in rows]
    assert synth_manifests(labels, paths) == [bad / "manifest.json", good / "manifest.json"]
    with pytest.raises(PpocrError, match=r"bad/manifest.json: training seed 1000003"):
        check_training_seeds(labels, paths)
    check_training_seeds(labels, paths[:3])
