"""A pruned checkpoint goes on like any model: ``train --init`` fine-tunes the pruned network
(resumable), ``zoo add`` puts its shape in the card, and the card's model loads and exports."""

from __future__ import annotations

import json

import numpy as np
import pytest
from prune_cases import small_model

from ppocr_bench.inference.backends import OnnxRunner, TorchRunner
from ppocr_bench.inference.export import export_zoo
from ppocr_bench.inference.system import load_zoo_model, onnx_file
from ppocr_bench.models import (
    count_parameters,
    load_model,
    read_weights_info,
    save_weights,
)
from ppocr_bench.slim.graph import prunable_groups
from ppocr_bench.slim.prune import prune_model
from ppocr_bench.train import TrainConfig, load_run_config, train
from ppocr_bench.zoo.add import zoo_add
from ppocr_bench.zoo.card import read_card

CLS = {"overrides": {"input_size": (3, 48, 96)}, "batch_size": 2, "max_samples": 4}


def _pruned_init(tmp_path, preset="cls_mv3"):
    model = small_model(preset)
    pruned = prune_model(model, dict.fromkeys(prunable_groups(model), 0.5))
    save_weights(pruned, tmp_path / "pruned.safetensors")
    return pruned


def _config(tiny_set, out, init, **kw):
    return TrainConfig(task="cls", data=str(tiny_set), out=str(out), workers=0, threads=1,
                       device="cpu", init=str(init), **{**CLS, **kw})


@pytest.fixture(scope="module")
def finetuned(tiny_set, tmp_path_factory):
    """A 2-step cls run from pruned weights, stopped after step 1 and resumed."""
    root = tmp_path_factory.mktemp("finetune")
    pruned = _pruned_init(root)
    config = _config(tiny_set, root / "run", root / "pruned.safetensors", steps=2)
    train(config, stop_at=1)
    result = train(load_run_config(root / "run"), resume=True)
    return root, pruned, result


def test_init_from_pruned_weights_trains_the_pruned_network(finetuned):
    root, pruned, result = finetuned
    assert result.step == 2
    final = load_model(root / "run/final.safetensors")
    assert final.spec.pruned == pruned.spec.pruned
    assert count_parameters(final) == count_parameters(pruned)
    saved = json.loads((root / "run/config.json").read_text())
    assert saved["overrides"]["pruned"] == dict(pruned.spec.pruned)


def test_zoo_add_records_the_shape_and_the_entry_loads_and_exports(finetuned):
    root, pruned, _ = finetuned
    zoo_add(root / "run", root / "zoo", "pruned", "cls", [])
    card = read_card(root / "zoo/pruned")  # the shape read back from card.toml
    entry = card.find("cls")
    assert entry.args["pruned"] == dict(pruned.spec.pruned)
    model = load_zoo_model(card, entry)
    assert count_parameters(model) == count_parameters(pruned)
    export_zoo(card)
    x = np.random.default_rng(0).standard_normal((2, 3, 48, 96)).astype(np.float32)
    expected = TorchRunner(model, threads=1)(x)
    got = OnnxRunner(onnx_file(card, entry), threads=1)(x)
    assert got.shape == expected.shape == (2, 2)
    assert float(np.abs(got - expected).max()) < 1e-4


def test_rec_init_from_pruned_weights_keeps_its_shape_and_charset(synth_en, tmp_path):
    pruned = _pruned_init(tmp_path, "rec_mv3_crnn")
    overrides = {"scale": 0.35, "hidden_size": 16, "input_size": (3, 32, 64)}
    config = TrainConfig(task="rec", data=str(synth_en), out=str(tmp_path / "run"), workers=0,
                         threads=1, device="cpu", init=str(tmp_path / "pruned.safetensors"),
                         overrides=overrides, batch_size=2, max_samples=4, steps=1)
    train(config)
    final = read_weights_info(tmp_path / "run/final.safetensors")
    assert final.spec["pruned"] == dict(pruned.spec.pruned)
    assert final.charset[:len(pruned.charset)] == pruned.charset
