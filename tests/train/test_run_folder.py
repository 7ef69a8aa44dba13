"""A run folder resumes wherever it lies, from any working directory, and only with the
operational options changed; nothing the original run wrote is touched."""

import hashlib
import json
import shutil

import pytest
import torch

from ppocr_bench.errors import PpocrError
from ppocr_bench.train import TrainConfig, load_run_config, resume_config, train
from ppocr_bench.train.checkpoints import list_checkpoints

TINY_CLS = {"overrides": {"input_size": (3, 48, 96)}, "batch_size": 4, "max_samples": 4,
            "workers": 0, "threads": 1, "steps": 4, "warmup_steps": 1}


def snapshot(folder):
    """Every file under ``folder`` -> sha256 of its bytes."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def project(synth_en, tmp_path, monkeypatch):
    """proj/data/en (a copy of synth_en) and proj/runs/r1: a cls run stopped at step 2 of 4,
    started from inside proj with relative paths."""
    proj = tmp_path / "proj"
    shutil.copytree(synth_en, proj / "data" / "en")
    monkeypatch.chdir(proj)
    config = TrainConfig(task="cls", data="data/en", out="runs/r1", val="data/en", **TINY_CLS)
    assert train(config, stop_at=2).step == 2
    return proj


def test_a_copy_resumes_itself_and_leaves_the_original_alone(project):
    before = snapshot(project / "runs/r1")
    shutil.copytree(project / "runs/r1", project / "runs/r1c")
    config = load_run_config("runs/r1c")
    assert config.out == "runs/r1c"
    result = train(config, resume=True)
    assert result.run_dir.name == "r1c" and result.resumed_from == 2 and result.step == 4
    assert (project / "runs/r1c/final.safetensors").exists()
    assert list_checkpoints(project / "runs/r1c") == [2, 4]
    assert snapshot(project / "runs/r1") == before  # weights, checkpoints, log untouched


def test_a_run_moved_alone_resumes_from_another_directory(project, tmp_path, monkeypatch):
    moved = tmp_path / "elsewhere" / "m1"
    shutil.move(project / "runs/r1", moved)
    monkeypatch.chdir(tmp_path)
    config = load_run_config(moved)
    assert config.data == str(project / "data/en")  # found at its absolute path
    assert train(config, resume=True).step == 4


def test_a_project_moved_with_its_data_uses_the_data_beside_it(project, tmp_path, monkeypatch):
    new_home = tmp_path / "proj2"
    shutil.move(project, new_home)
    monkeypatch.chdir(tmp_path)
    config = load_run_config(new_home / "runs/r1")
    assert config.data == config.val == str(new_home / "data/en")
    result = train(config, resume=True)
    assert result.step == 4 and result.best_weights == new_home / "runs/r1/best.safetensors"


def test_a_copied_project_trains_on_its_own_copy_of_the_data(project, tmp_path):
    shutil.copytree(project, tmp_path / "copy")
    config = load_run_config(tmp_path / "copy/runs/r1")
    assert config.data == str(tmp_path / "copy/data/en")


def test_data_changed_or_gone_is_an_error_naming_the_places(project, tmp_path):
    labels = project / "data/en/cls/cls_gt.txt"
    labels.write_text(labels.read_text().replace("\t0\n", "\t180\n", 1))
    with pytest.raises(PpocrError, match=r"--data data/en is not where it was, or its cls "
                                         r"labels changed \(looked at .*give its new place"):
        load_run_config(project / "runs/r1")


def test_data_given_with_resume_is_used_when_its_labels_are_the_same(project, tmp_path):
    shutil.move(project / "data/en", tmp_path / "moved-en")
    with pytest.raises(PpocrError, match="not where it was"):
        load_run_config(project / "runs/r1")
    config = resume_config(project / "runs/r1", {"data": str(tmp_path / "moved-en"),
                                                 "val": str(tmp_path / "moved-en")})
    assert config.data == str(tmp_path / "moved-en")
    assert train(config, resume=True).step == 4
    other = tmp_path / "other"
    shutil.copytree(tmp_path / "moved-en", other)
    (other / "cls/cls_gt.txt").write_text("")
    with pytest.raises(PpocrError, match=r"changed: --data .*other \(the run: data/en\)"):
        resume_config(project / "runs/r1", {"data": str(other)})


def test_changed_options_are_refused_in_one_line_listing_them(project):
    before = snapshot(project / "runs/r1")
    with pytest.raises(PpocrError) as err:
        resume_config("runs/r1", {"task": "cls", "steps": 30, "charset": "lang:ja",
                                  "batch_size": 4, "preset": "cls_mv3", "workers": 0})
    message = str(err.value)
    assert "\n" not in message
    assert "changed: --steps 30 (the run: 4), --charset lang:ja (the run: none);" in message
    assert "--batch-size" not in message.split("only")[0]  # unchanged values pass
    assert "--preset" not in message.split("only")[0]  # the default preset, spelled out
    assert message.endswith("only --device, --workers, --threads, --log-every, --ckpt-every, "
                            "--eval-every may change")
    with pytest.raises(PpocrError, match=r"changed: --arg input_size=\[3, 48, 192\]"):
        resume_config("runs/r1", {"overrides": {"input_size": [3, 48, 192]}})
    assert snapshot(project / "runs/r1") == before


def test_the_library_refuses_a_changed_config_too(project):
    config = TrainConfig(task="cls", data="data/en", out="runs/r1", val="data/en",
                         **{**TINY_CLS, "lr": 0.01})
    with pytest.raises(PpocrError, match=r"changed: --lr 0.01 \(the run: 0.001\)"):
        train(config, resume=True)


def test_operational_options_are_accepted_and_used(project):
    config = resume_config("runs/r1", {"device": "cpu", "workers": 1, "threads": 1,
                                       "log_every": 2, "ckpt_every": 1, "eval_every": 1})
    assert (config.device, config.workers, config.log_every) == ("cpu", 1, 2)
    saved = json.loads((project / "runs/r1/config.json").read_text())
    assert saved["device"] == "auto" and saved["log_every"] == 1  # the record is kept
    result = train(config, resume=True)
    assert result.device == "cpu" and result.step == 4
    records = [json.loads(line) for line in (project / "runs/r1/log.jsonl").read_text()
               .splitlines()]
    assert [r["step"] for r in records if r["kind"] == "train"] == [1, 2, 4]  # log every 2
    assert [r["step"] for r in records if r["kind"] == "val"] == [3, 4]  # eval every step
    assert list_checkpoints(project / "runs/r1") == [2, 3, 4]  # a checkpoint every step


def test_the_device_given_with_resume_is_the_device_used(project):
    config = resume_config("runs/r1", {"device": "cuda"})
    if torch.cuda.is_available():
        assert train(config, resume=True).device.startswith("cuda")
    else:
        with pytest.raises(PpocrError, match="device cuda asked for but CUDA is not available"):
            train(config, resume=True)
