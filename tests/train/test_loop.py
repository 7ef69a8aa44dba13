import json
import socket

import cv2
import numpy as np
import pytest
import torch
from safetensors.torch import load_file

from ppocr_bench.data.labels import write_det_labels
from ppocr_bench.errors import PpocrError
from ppocr_bench.models import create_model, load_model, save_weights
from ppocr_bench.train import (
    TrainConfig,
    load_run_config,
    plot_run,
    remap_charset,
    train,
)
from ppocr_bench.train.checkpoints import list_checkpoints, load_state

TINY = {
    "det": {"det_size": 96, "det_val_side": 96, "batch_size": 2, "max_samples": 2,
                "overrides": {"scale": 0.35, "inner_channels": 16}},
    "cls": {"overrides": {"input_size": (3, 48, 96)}, "batch_size": 4, "max_samples": 4},
    "rec": {"overrides": {"input_size": (3, 32, 128), "scale": 0.35, "hidden_size": 16},
                "batch_size": 4, "max_samples": 4},
}


@pytest.fixture(scope="module")
def boxes(tmp_path_factory):
    """Two 96 x 96 det images with large bright boxes: big enough text for a 96 px crop."""
    root = tmp_path_factory.mktemp("boxes")
    (root / "images").mkdir()
    rng = np.random.default_rng(0)
    labels = {}
    for i in range(2):
        img = np.full((96, 96, 3), 40, np.uint8)
        instances = []
        for y in (12 + 6 * i, 52):
            x0, w = int(rng.integers(8, 20)), int(rng.integers(40, 60))
            pts = [[x0, y], [x0 + w, y], [x0 + w, y + 20], [x0, y + 20]]
            cv2.fillPoly(img, [np.array(pts, np.int32)], (230, 230, 230))
            instances.append({"transcription": "box", "points": pts})
        cv2.imwrite(str(root / f"images/{i}.png"), img)
        labels[f"images/{i}.png"] = instances
    (root / "det").mkdir()
    write_det_labels(root / "det/label.txt", {f"../{k}": v for k, v in labels.items()})
    return root


def _config(task, data, out, **kw):
    return TrainConfig(task=task, data=str(data), out=str(out), workers=0, threads=1,
                       device="cpu", **{**TINY[task], **kw})


def _data(task, synth_en, boxes):
    return boxes if task == "det" else synth_en


def _losses(run_dir):
    lines = (run_dir / "log.jsonl").read_text().splitlines()
    return [r["loss"] for r in map(json.loads, lines) if r["kind"] == "train"]


@pytest.mark.parametrize("task", ["det", "cls", "rec"])
def test_loss_falls_on_a_fixed_batch(task, synth_en, boxes, tmp_path):
    # augmentation off and as many samples as the batch: the same images every step
    data = _data(task, synth_en, boxes)
    steps = 25 if task == "det" else 15
    result = train(_config(task, data, tmp_path / task, steps=steps, warmup_steps=0,
                           augment=False, lr=1e-2, val=str(data)))
    losses = _losses(tmp_path / task)
    assert result.step == steps and len(losses) == steps
    assert result.best_weights is not None
    assert {"det": "hmean", "cls": "acc", "rec": "acc"}[task] in result.val_metrics
    first, last = sum(losses[:3]) / 3, sum(losses[-3:]) / 3
    # the DB loss (two Dice terms) falls slower than cross entropy and CTC: 25 steps
    assert last < (0.92 if task == "det" else 0.8) * first, losses
    assert (tmp_path / task / "final.safetensors").exists()


def _assert_same_state(a, b):
    wa, wb = load_file(a["weights"]), load_file(b["weights"])
    assert wa.keys() == wb.keys()
    for key in wa:
        torch.testing.assert_close(wa[key], wb[key], rtol=0, atol=1e-6)
    sa, sb = a["state"], b["state"]
    assert sa["step"] == sb["step"]
    for (ka, va), (kb, vb) in zip(sa["optimizer"]["state"].items(),
                                  sb["optimizer"]["state"].items()):
        assert ka == kb
        for name in va:
            torch.testing.assert_close(va[name], vb[name], rtol=0, atol=1e-6)


@pytest.mark.parametrize("task", ["det", "cls", "rec"])
def test_kill_and_resume_matches_uninterrupted_run(task, synth_en, boxes, tmp_path):
    # augmentation on, 3 samples at batch 2: the data order and the augmentation must resume too
    kw = {"steps": 6, "ckpt_every": 3, "warmup_steps": 2, "max_samples": 3, "batch_size": 2}
    data = _data(task, synth_en, boxes)
    whole = _config(task, data, tmp_path / "whole", **kw)
    train(whole)
    broken = _config(task, data, tmp_path / "broken", **kw)
    killed = train(broken, stop_after=4)  # "killed" after step 4, last checkpoint at 3
    assert killed.step == 4 and list_checkpoints(tmp_path / "broken") == [3]
    resumed = train(load_run_config(tmp_path / "broken"), resume=True)
    assert resumed.resumed_from == 3 and resumed.step == 6
    runs = [{"weights": d / "ckpt/step_00000006.safetensors", "state": load_state(d, 6)}
            for d in (tmp_path / "whole", tmp_path / "broken")]
    _assert_same_state(*runs)
    # the log of the resumed run has each step once
    steps = [json.loads(ln)["step"] for ln in (tmp_path / "broken/log.jsonl").read_text()
             .splitlines() if json.loads(ln)["kind"] == "train"]
    assert steps == list(range(1, 7))


def test_stop_at_checkpoints_there_and_resume_finishes_the_same_run(synth_en, tmp_path):
    kw = {"steps": 4, "warmup_steps": 1, "max_samples": 3, "batch_size": 2}
    train(_config("cls", synth_en, tmp_path / "whole", **kw))
    staged = train(_config("cls", synth_en, tmp_path / "staged", **kw), stop_at=2)
    assert staged.step == 2 and staged.final_weights is None
    assert list_checkpoints(tmp_path / "staged") == [2]
    resumed = train(load_run_config(tmp_path / "staged"), resume=True)
    assert resumed.resumed_from == 2 and resumed.step == 4
    _assert_same_state(*[{"weights": d / "ckpt/step_00000004.safetensors",
                          "state": load_state(d, 4)}
                         for d in (tmp_path / "whole", tmp_path / "staged")])


def test_resume_before_the_first_checkpoint_starts_the_run_again(synth_en, tmp_path):
    kw = {"steps": 4, "ckpt_every": 3, "warmup_steps": 1, "max_samples": 3, "batch_size": 2}
    train(_config("cls", synth_en, tmp_path / "whole", **kw))
    killed = train(_config("cls", synth_en, tmp_path / "killed", **kw), stop_after=2)
    assert killed.step == 2 and list_checkpoints(tmp_path / "killed") == []
    resumed = train(load_run_config(tmp_path / "killed"), resume=True)
    assert resumed.resumed_from is None and resumed.step == 4
    _assert_same_state(*[{"weights": d / "ckpt/step_00000003.safetensors",
                          "state": load_state(d, 3)}
                         for d in (tmp_path / "whole", tmp_path / "killed")])
    assert [json.loads(ln)["step"] for ln in (tmp_path / "killed/log.jsonl").read_text()
            .splitlines() if json.loads(ln)["kind"] == "train"] == [1, 2, 3, 4]


def test_resume_guards(synth_en, tmp_path):
    config = _config("cls", synth_en, tmp_path / "run", steps=2)
    train(config)
    with pytest.raises(PpocrError, match="already holds a training run"):
        train(config)
    with pytest.raises(PpocrError, match=r"changed: --batch-size 2 \(the run: 4\)"):
        train(_config("cls", synth_en, tmp_path / "run", steps=2, batch_size=2), resume=True)
    assert [p.name for p in plot_run(tmp_path / "run")] == ["loss.png"]
    assert (tmp_path / "run/plots/loss.png").stat().st_size > 1000


def test_rec_init_with_another_charset_extends_it(synth_en, tmp_path):
    old = create_model("rec_mv3_crnn", charset=list("abc"), **TINY["rec"]["overrides"])
    save_weights(old, tmp_path / "old.safetensors")
    config = _config("rec", synth_en, tmp_path / "run", steps=1,
                     init=str(tmp_path / "old.safetensors"))
    messages = []

    class Recorder:
        def start(self, total, first): pass
        def step(self, record): pass
        def evaluated(self, step, metrics): pass
        def message(self, text): messages.append(text)

    train(config, Recorder())
    model = load_model(tmp_path / "run/final.safetensors")
    assert model.charset[:3] == ["a", "b", "c"] and len(model.charset) > 3
    assert any("charset extend" in m and "rows copied" in m for m in messages)


def test_rec_init_from_weights_trained_at_another_input_width(synth_en, tmp_path):
    narrow = {**TINY["rec"]["overrides"], "input_size": (3, 32, 64)}
    old = create_model("rec_mv3_crnn", charset=list("abc"), **narrow)
    save_weights(old, tmp_path / "old.safetensors")
    train(_config("rec", synth_en, tmp_path / "run", steps=1,
                  init=str(tmp_path / "old.safetensors")))
    model = load_model(tmp_path / "run/final.safetensors")
    assert model.input_size == (3, 32, 128) and model.charset[:3] == ["a", "b", "c"]
    # another hidden size has other tensors: still an error naming both
    other = create_model("rec_mv3_crnn", charset=list("abc"),
                         **{**TINY["rec"]["overrides"], "hidden_size": 8})
    save_weights(other, tmp_path / "other.safetensors")
    with pytest.raises(PpocrError, match="do not fit"):
        train(_config("rec", synth_en, tmp_path / "run2", steps=1,
                      init=str(tmp_path / "other.safetensors")))


def test_remap_charset_moves_rows_by_character():
    old = create_model("rec_mv3_crnn", charset=list("abc"))
    fc = old.head.fc.weight.detach()
    new, report = remap_charset(old, list("cxa"), mode="remap")
    w = new.head.fc.weight.detach()
    torch.testing.assert_close(w[0], fc[0])   # blank
    torch.testing.assert_close(w[1], fc[3])   # c
    torch.testing.assert_close(w[3], fc[1])   # a
    torch.testing.assert_close(w[4], fc[4])   # space
    assert (report.shared, report.new, report.dropped, report.new_chars) == (2, 1, 1, "x")
    ext, rep = remap_charset(old, list("cxa"), mode="extend")
    assert ext.charset == ["a", "b", "c", "x"] and rep.new == 1
    torch.testing.assert_close(ext.head.fc.weight.detach()[:4], fc[:4])
    torch.testing.assert_close(ext.head.fc.weight.detach()[5], fc[4])  # space moved to the end


def test_remap_charset_new_rows_start_at_the_mean_of_the_copied_rows():
    torch.manual_seed(0)
    old = create_model("rec_mv3_crnn", charset=list("abc"))
    fc_w, fc_b = old.head.fc.weight.detach(), old.head.fc.bias.detach()
    torch.manual_seed(1)
    fresh, _ = remap_charset(old, list("abxy"), mode="remap")
    torch.manual_seed(1)
    mean, _ = remap_charset(old, list("abxy"), mode="remap", new_rows="mean")
    w, b = mean.head.fc.weight.detach(), mean.head.fc.bias.detach()
    known = fc_w[[1, 2, 4]].mean(dim=0)   # a, b and the space class are copied
    torch.testing.assert_close(w[3], known + fresh.head.fc.weight.detach()[3])   # x
    torch.testing.assert_close(b[4], fc_b[[1, 2, 4]].mean())                     # y
    torch.testing.assert_close(w[:3], fc_w[:3])     # blank, a, b untouched
    assert not torch.equal(w[3], w[4])              # the noise tells x from y
    with pytest.raises(PpocrError, match="fresh or mean"):
        remap_charset(old, list("ab"), new_rows="zero")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_torchrun_world_size_one_gloo_smoke(synth_en, tmp_path, monkeypatch):
    for key, value in {"RANK": "0", "WORLD_SIZE": "1", "LOCAL_RANK": "0", "MASTER_ADDR": "127.0.0.1",
                           "MASTER_PORT": str(_free_port())}.items():
        monkeypatch.setenv(key, value)
    result = train(_config("cls", synth_en, tmp_path / "ddp", steps=2))
    assert result.step == 2 and not torch.distributed.is_initialized()


@pytest.mark.parametrize("limit, threads, expected", [(None, None, 2), ("1", None, 1), ("1", 3, 1),
                                                      ("8", 3, 3), ("", None, 2), ("x", 3, 3)])
def test_torch_threads_stay_within_omp_thread_limit(monkeypatch, tmp_path, limit, threads,
                                                     expected):
    if limit is None:
        monkeypatch.delenv("OMP_THREAD_LIMIT", raising=False)
    else:
        monkeypatch.setenv("OMP_THREAD_LIMIT", limit)
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    config = TrainConfig(task="cls", data=str(tmp_path), out=str(tmp_path / "run"), workers=0, steps=1,
                         threads=threads)
    assert config.num_threads() == expected
