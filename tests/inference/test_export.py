import dataclasses
import json

import numpy as np
import onnx
import pytest
import torch
from model_helpers import randomize_batchnorm

from ppocr_bench.inference.backends import OnnxRunner, TorchRunner
from ppocr_bench.errors import PpocrError
from ppocr_bench.inference.export import export_onnx, export_zoo
from ppocr_bench.models import PRESETS, create_model, save_weights
from ppocr_bench.inference.system import load_predictors, onnx_file
from ppocr_bench.files import sha256_file
from ppocr_bench.zoo.card import ZooCard, ZooModel, read_card, write_card

CHARSET = list("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWX")
TOLERANCE = 1e-4
# (preset, input shapes): det non-square and several sizes, rec several widths, batches > 1.
CASES = {
    "det_mv3_db": [(1, 3, 96, 128), (2, 3, 160, 96), (1, 3, 320, 224)],
    "cls_mv3": [(1, 3, 48, 192), (5, 3, 48, 192)],
    "rec_mv3_crnn": [(1, 3, 32, 320), (3, 3, 32, 100), (2, 3, 32, 452)],
}


def random_model(preset, seed=0):
    torch.manual_seed(seed)
    model = create_model(preset, charset=CHARSET if PRESETS[preset].task == "rec" else None)
    return randomize_batchnorm(model, seed).eval()


def tiny_inputs(model) -> list[tuple[int, int, int, int]]:
    """Two input shapes the export was not traced at: det non-square (64 x 96 and 96 x 64),
    cls batch 1 and 3, rec batch 1 and 2 at two widths (the preset's height)."""
    c, h, w = model.input_size
    return {"det": [(1, c, 64, 96), (2, c, 96, 64)], "cls": [(1, c, h, w), (3, c, h, w)],
            "rec": [(1, c, h, 64), (2, c, h, 160)]}[model.task]


@pytest.mark.parametrize("preset", list(PRESETS))
def test_every_preset_exports_with_onnx_parity(preset, tmp_path):
    """Every registered preset (a new one is covered without editing this test)."""
    model = random_model(preset)
    path = export_onnx(model, tmp_path / f"{preset}.onnx")
    torch_run, onnx_run = TorchRunner(model, threads=1), OnnxRunner(path, threads=1)
    rng = np.random.default_rng(2)
    for shape in tiny_inputs(model):
        x = rng.standard_normal(shape).astype(np.float32)
        expected, got = torch_run(x), onnx_run(x)
        assert got.shape == expected.shape and got.shape[0] == shape[0], shape
        assert float(np.abs(got - expected).max()) < TOLERANCE, shape


def _write_zoo(root, tasks=("det", "cls", "rec")):
    models = []
    for task, preset in (("det", "det_mv3_db"), ("cls", "cls_mv3"), ("rec", "rec_mv3_crnn")):
        if task not in tasks:
            continue
        model = random_model(preset)
        weights = root / f"{task}_tiny.safetensors"
        save_weights(model, weights)
        entry = ZooModel(task, preset, weights.name, sha256_file(weights), langs=["en"],
                         input_size=list(model.input_size))
        if task == "rec":
            charset = root / "charset.txt"
            charset.write_text("".join(f"{c}\n" for c in CHARSET), encoding="utf-8")
            entry.charset, entry.charset_sha256 = charset.name, sha256_file(charset)
        models.append(entry)
    write_card(ZooCard(root, "tiny", models=models))
    return read_card(root)


@pytest.fixture(scope="module")
def zoo(tmp_path_factory):
    """A random-init zoo entry (det, cls, rec) exported with export_zoo (once per module)."""
    card = _write_zoo(tmp_path_factory.mktemp("zoo"))
    return card, export_zoo(card)


@pytest.fixture(scope="module")
def exported(zoo):
    card, _ = zoo
    models = load_predictors(card, "en", backend="torch").models
    return {m.preset: (models[m.task], onnx_file(card, m)) for m in card.models}


@pytest.mark.parametrize("preset", list(CASES))
def test_onnx_matches_torch(exported, preset):
    model, path = exported[preset]
    torch_run, onnx_run = TorchRunner(model, threads=1), OnnxRunner(path, threads=1)
    rng = np.random.default_rng(1)
    for shape in CASES[preset]:
        x = rng.standard_normal(shape).astype(np.float32)
        expected, got = torch_run(x), onnx_run(x)
        assert got.shape == expected.shape
        assert float(np.abs(got - expected).max()) < TOLERANCE, shape
    if preset == "rec_mv3_crnn":  # T follows the width: W / 4 steps
        assert got.shape == (2, 452 // 4, len(CHARSET) + 2)


def test_export_writes_eval_outputs_dynamic_axes_and_provenance(exported):
    _, path = exported["rec_mv3_crnn"]
    proto = onnx.load(str(path))
    assert proto.opset_import[0].version >= 13
    dims = [d.dim_param or d.dim_value for d in proto.graph.input[0].type.tensor_type.shape.dim]
    assert dims == ["batch", 3, 32, "width"]
    meta = {p.key: p.value for p in proto.metadata_props}
    assert meta["preset"] == "rec_mv3_crnn" and meta["task"] == "rec"
    assert json.loads(meta["charset"]) == CHARSET and json.loads(meta["use_space"]) is True
    det_dims = onnx.load(str(exported["det_mv3_db"][1])).graph.input[0].type.tensor_type.shape.dim
    assert [d.dim_param or d.dim_value for d in det_dims] == ["batch", 3, "height", "width"]
    probs = OnnxRunner(exported["cls_mv3"][1])(np.zeros((2, 3, 48, 192), np.float32))
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-5)  # softmax, not logits


def test_export_keeps_training_mode(tmp_path):
    model = random_model("cls_mv3").train()
    export_onnx(model, tmp_path / "cls.onnx")
    assert model.training


def test_export_zoo_and_onnx_backend_agree_with_torch(zoo):
    card, paths = zoo
    assert [p.name for p in paths] == ["det_tiny.onnx", "cls_tiny.onnx", "rec_tiny.onnx"]
    assert [p.parent for p in paths] == [card.root] * 3
    on_torch = load_predictors(card, "en", backend="torch")
    on_onnx = load_predictors(card, "en", backend="onnx")
    assert on_onnx.files == dict(zip(("det", "cls", "rec"), paths))
    assert on_torch.files["det"] == card.root / "det_tiny.safetensors"
    assert set(on_onnx.models) == {"det", "cls", "rec"}
    rng = np.random.default_rng(0)
    crops = [rng.integers(0, 255, (h, w, 3), dtype=np.uint8) for h, w in ((32, 90), (40, 400))]
    a, b = on_torch.rec(crops), on_onnx.rec(crops)
    assert [t for t, _ in a] == [t for t, _ in b]
    np.testing.assert_allclose([s for _, s in a], [s for _, s in b], atol=TOLERANCE)
    assert [lab for lab, _ in on_torch.cls(crops)] == [lab for lab, _ in on_onnx.cls(crops)]
    image = rng.integers(0, 255, (120, 200, 3), dtype=np.uint8)
    for preds in (on_torch, on_onnx):
        preds.det.profile = dataclasses.replace(preds.det.profile, limit_side_len=128,
                                                  limit_type="max")
    (boxes_t, scores_t), (boxes_o, scores_o) = on_torch.det(image), on_onnx.det(image)
    assert boxes_t.shape == boxes_o.shape
    np.testing.assert_allclose(scores_t, scores_o, atol=TOLERANCE)


def test_missing_and_stale_onnx_exports_are_refused(tmp_path):
    card = _write_zoo(tmp_path / "zoo", tasks=("cls",))
    with pytest.raises(PpocrError, match=r"cls_tiny.onnx: missing: create it with "
                                         r"`ppocr-bench export .*zoo --onnx`"):
        load_predictors(card, "en", backend="onnx")
    export_zoo(card)
    assert load_predictors(card, "en", backend="onnx").cls is not None
    # Retrain (here: re-initialise) the classifier and update the card, but do not re-export.
    entry = card.find("cls")
    weights = card.resolve(entry.weights)
    save_weights(random_model("cls_mv3", seed=5), weights)
    entry.weights_sha256 = sha256_file(weights)
    write_card(card)
    with pytest.raises(PpocrError, match="stale"):
        load_predictors(read_card(card.root), "en", backend="onnx")
