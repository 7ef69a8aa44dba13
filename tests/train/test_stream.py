"""Streaming synthetic training data (``--data synth:LANG``): deterministic, resumable, the same
batches with any worker count, eval seeds refused, and a short run learns."""

import json

import cv2
import numpy as np
import pytest
import torch
from safetensors.torch import load_file
from torch.utils.data import DataLoader

from ppocr_bench.errors import PpocrError
from ppocr_bench.models import create_model
from ppocr_bench.synth.pipeline import SynthSpec, render_page
from ppocr_bench.text.sampler import LineSampler
from ppocr_bench.train import TrainConfig, load_run_config, train
from ppocr_bench.train import tasks
from ppocr_bench.train.checkpoints import list_checkpoints
from ppocr_bench.train.datasets import ResumableBatchSampler, worker_init
from ppocr_bench.train.stream import MixedDataset, stream_langs

from cli_run import cli, one_line_error

REC = {"overrides": {"input_size": (3, 32, 128), "scale": 0.35, "hidden_size": 16}}
CLS = {"overrides": {"input_size": (3, 48, 96)}}


def _config(task, out, data="synth:en", **kw):
    tiny = {"rec": REC, "cls": CLS, "det": {"det_size": 96, "overrides": {
        "scale": 0.35, "inner_channels": 16}}}[task]
    return TrainConfig(task=task, data=data, out=str(out), workers=0, threads=1, device="cpu",
                       batch_size=4, **{"steps": 1, **tiny, **kw})


def _weights(run_dir, step):
    return load_file(run_dir / f"ckpt/step_{step:08d}.safetensors")


def _assert_same_weights(a, b):
    assert a.keys() == b.keys()
    for key in a:
        torch.testing.assert_close(a[key], b[key], rtol=0, atol=0)


def test_two_runs_and_a_killed_and_resumed_run_give_the_same_weights(tmp_path):
    kw = {"steps": 6, "ckpt_every": 3, "warmup_steps": 2}
    train(_config("rec", tmp_path / "a", **kw))
    train(_config("rec", tmp_path / "b", **kw))
    _assert_same_weights(_weights(tmp_path / "a", 6), _weights(tmp_path / "b", 6))
    killed = train(_config("rec", tmp_path / "c", **kw), stop_after=5)  # last checkpoint: 3
    assert killed.step == 5 and list_checkpoints(tmp_path / "c") == [3]
    resumed = train(load_run_config(tmp_path / "c"), resume=True)
    assert resumed.resumed_from == 3 and resumed.step == 6
    _assert_same_weights(_weights(tmp_path / "a", 6), _weights(tmp_path / "c", 6))
    saved = json.loads((tmp_path / "a/config.json").read_text())
    assert saved["data"] == "synth:en" and saved["stream"]["langs"] == ["en"]
    assert saved["stream"]["fonts"]["en"] and "pillow" in saved["stream"]["versions"]
    assert not any((tmp_path / "a").rglob("*.jpg")) and not any((tmp_path / "a").rglob("*.png"))


@pytest.mark.parametrize("task", ["rec", "cls", "det"])
def test_worker_count_does_not_change_the_batches(task, tmp_path):
    config = _config(task, tmp_path, data="synth:en+fr")
    model = tasks.build_model(config, tmp_path, False, [])
    stream, _ = tasks.datasets(config, model)
    steps = 2 if task == "det" else 3

    lengths, collate = tasks.loader_parts(config, stream, model)

    def batches(workers):
        sampler = ResumableBatchSampler(len(stream), 4, 0, steps, shuffle=False)
        loader = DataLoader(stream, batch_sampler=sampler, num_workers=workers,
                            worker_init_fn=worker_init if workers else None, collate_fn=collate)
        return list(loader)

    threads = cv2.getNumThreads()
    cv2.setNumThreads(1)  # as train() does: workers forked beside OpenCV's pool deadlock
    try:
        pairs = list(zip(batches(0), batches(2), strict=True))
    finally:
        cv2.setNumThreads(threads)
    for one, two in pairs:
        assert one.keys() == two.keys()
        for key in one:
            torch.testing.assert_close(one[key], two[key], rtol=0, atol=0)


def test_det_stream_pages_are_the_pages_of_a_synth_folder_of_the_same_seed(tmp_path):
    config = _config("det", tmp_path, seed=7, augment=False, epoch_size=10, det_size=640)
    stream, _ = tasks.datasets(config, create_model("det_mv3_db", **config.overrides))
    # sample 3 of epoch 1 is page 13 of `ppocr-bench synth --lang en --seed 7`
    page = render_page(SynthSpec("en", seed=7), 13, LineSampler("en"), stream.faces["en"])
    assert len(page.instances) > 0
    np.testing.assert_array_equal(stream.page(1, 3).image, page.image)
    sample = stream[(1, 3)]
    assert sample["image"].shape == (3, 640, 640) and sample["shrink_map"].max() > 0


def test_eval_seeds_unknown_languages_and_bad_mix_options_are_refused(tmp_path):
    with pytest.raises(PpocrError, match="--seed 1000003: .*evaluation"):
        train(_config("rec", tmp_path / "r", steps=1, seed=1_000_003))
    assert not (tmp_path / "r").exists()
    with pytest.raises(PpocrError, match=r"--amp \(float16 autocast\) is for CUDA devices"):
        train(_config("rec", tmp_path / "amp", steps=1, amp=True))
    with pytest.raises(PpocrError, match="unknown language 'xx'"):
        stream_langs("synth:en+xx")
    with pytest.raises(PpocrError, match="--mix adds a folder"):
        TrainConfig(task="rec", data=str(tmp_path), out=str(tmp_path), steps=1, mix="x",
                    mix_ratio=0.5)
    with pytest.raises(PpocrError, match="--mix-ratio must lie between 0 and 1"):
        _config("rec", tmp_path, steps=1, mix=str(tmp_path), mix_ratio=1.5)
    one_line_error(cli("train", "rec", "--data", "synth:en+xx", "--out", tmp_path / "q",
                       "--steps", "1"), "--data synth:en+xx: unknown language 'xx'; known: ")
    one_line_error(cli("train", "rec", "--data", "synth:en", "--out", tmp_path / "q",
                       "--steps", "1", "--seed", "1000004"), "--seed 1000004: ")
    assert not (tmp_path / "q").exists()


def test_mixed_runs_take_their_share_from_the_folder(synth_en, tmp_path):
    config = _config("rec", tmp_path, mix=str(synth_en), mix_ratio=0.25)
    model = tasks.build_model(config, tmp_path, False, [])
    mixed, _ = tasks.datasets(config, model)
    assert isinstance(mixed, MixedDataset)
    from_folder = sum(np.random.default_rng([0, 0, i, 72]).random() < 0.25 for i in range(400))
    assert 70 < from_folder < 130
    a, b = mixed[(0, 5)], mixed[(0, 5)]
    np.testing.assert_array_equal(a["image"], b["image"])


def test_val_synth_is_rendered_once_into_the_run_and_a_short_stream_run_learns(tmp_path):
    run = tmp_path / "run"
    # drawn lines: the easiest stream to learn in 40 steps (page crops vary far more)
    result = train(_config("rec", run, steps=40, lr=3e-3, warmup_steps=4, val="synth",
                           val_count=2, log_every=1, line_source="drawn"))
    losses = [r["loss"] for r in map(json.loads, (run / "log.jsonl").read_text().splitlines())
              if r["kind"] == "train"]
    assert len(losses) == 40
    first, last = np.mean(losses[:5]), np.mean(losses[-5:])
    assert last < 0.6 * first, losses
    assert (run / "val/rec/rec_gt.txt").is_file() and (run / "val/en/manifest.json").is_file()
    assert "acc" in result.val_metrics
    manifest = json.loads((run / "val/en/manifest.json").read_text())
    assert manifest["spec"]["seed"] == 900_000 + 1  # fixed: every run validates on it


def test_zoo_add_writes_what_the_stream_drew_with_into_the_card(tmp_path):
    from ppocr_bench.zoo.add import zoo_add
    from ppocr_bench.zoo.card import read_card

    run = tmp_path / "run"
    train(_config("rec", run, steps=2, seed=4, val="synth", val_count=1))
    zoo_add(run, tmp_path / "zoo", "streamed", "rec", ["en"])
    model = read_card(tmp_path / "zoo/streamed").find("rec", "en")
    assert model.data.startswith("streamed synthesis synth:en (seed 4, kind both, engine ours, ")
    assert "font faces" in model.data and "pillow" in model.data
    assert "--data synth:en" in model.metrics["command"]
