"""Weights round-trip with their preset and charset; any mismatch is a PpocrError."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import torch
from safetensors import safe_open
from safetensors.torch import save_file

from ppocr_bench.errors import PpocrError
from ppocr_bench.models import (
    charset_sha256,
    create_model,
    load_model,
    load_weights,
    read_weights_info,
    save_weights,
)

torch.set_num_threads(2)

CHARSET = list("0123456789abc")


def trained(name: str = "rec_mv3_crnn", charset: list[str] | None = CHARSET, **overrides):
    """A model whose weights and BatchNorm statistics differ from a fresh one."""
    torch.manual_seed(0)
    model = create_model(name, charset=charset, **overrides)
    with torch.no_grad():
        for param in model.parameters():
            param.add_(0.05 * torch.randn_like(param))
    model.train()(torch.randn(2, 3, 32, 64) if model.task == "rec" else torch.randn(1, 3, 64, 64))
    return model.eval()


def test_charset_sha256_is_the_sha_of_the_dictionary_file(tmp_path: Path) -> None:
    dict_file = tmp_path / "dict.txt"
    dict_file.write_text("".join(f"{c}\n" for c in ["a", "é", "中"]), encoding="utf-8")
    assert charset_sha256(["a", "é", "中"]) == hashlib.sha256(dict_file.read_bytes()).hexdigest()
    assert charset_sha256(["ab"]) != charset_sha256(["a", "b"])


def test_round_trip_restores_weights_statistics_and_outputs(tmp_path: Path) -> None:
    model = trained()
    path = tmp_path / "rec.safetensors"
    save_weights(model, path)
    fresh = create_model("rec_mv3_crnn", charset=CHARSET).eval()
    load_weights(fresh, path)
    for key, value in model.state_dict().items():
        assert torch.equal(fresh.state_dict()[key], value), key
    images = torch.randn(1, 3, 32, 96)
    with torch.no_grad():
        assert torch.equal(fresh(images), model(images))


def test_file_records_preset_spec_and_charset(tmp_path: Path) -> None:
    path = tmp_path / "w.safetensors"
    save_weights(trained(hidden_size=32), path)
    with safe_open(str(path), framework="pt") as handle:
        meta = handle.metadata()
    assert meta["preset"] == "rec_mv3_crnn"
    assert json.loads(meta["spec"])["hidden_size"] == 32
    assert json.loads(meta["charset"]) == CHARSET
    assert meta["charset_sha256"] == charset_sha256(CHARSET)
    info = read_weights_info(path)
    assert (info.preset, info.charset, info.spec["small_stride"]) == (
        "rec_mv3_crnn", CHARSET, [1, 2, 2, 2]
    )


def test_load_model_rebuilds_from_the_file_alone(tmp_path: Path) -> None:
    path = tmp_path / "w.safetensors"
    model = trained(hidden_size=32, use_space=False)
    save_weights(model, path)
    loaded = load_model(path)
    assert not loaded.training
    assert loaded.spec == model.spec and loaded.charset == CHARSET
    images = torch.randn(1, 3, 32, 64)
    with torch.no_grad():
        assert torch.equal(loaded(images), model(images))


def test_det_round_trip_without_charset(tmp_path: Path) -> None:
    path = tmp_path / "det.safetensors"
    model = trained("det_mv3_db", charset=None)
    save_weights(model, path)
    assert read_weights_info(path).charset is None
    with torch.no_grad():
        images = torch.randn(1, 3, 64, 64)
        assert torch.equal(load_model(path)(images), model(images))


def test_other_charset_is_an_error_naming_both(tmp_path: Path) -> None:
    path = tmp_path / "w.safetensors"
    save_weights(trained(), path)
    other = [chr(0x4E00 + i) for i in range(6623)]
    model = create_model("rec_mv3_crnn", charset=other)
    before = [p.clone() for p in model.parameters()]
    with pytest.raises(PpocrError) as error:
        load_weights(model, path)
    message = str(error.value)
    assert message.startswith(
        f"{path}: charset of 13 characters (sha {charset_sha256(CHARSET)[:12]})"
    )
    assert f"model's 6,623 characters (sha {charset_sha256(other)[:12]})" in message
    assert all(torch.equal(a, b) for a, b in zip(before, model.parameters()))


def test_same_size_charset_in_another_order_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "w.safetensors"
    save_weights(trained(), path)
    with pytest.raises(PpocrError, match="charset of 13 characters .* model's 13 characters"):
        load_weights(create_model("rec_mv3_crnn", charset=CHARSET[::-1]), path)


def test_other_preset_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "w.safetensors"
    save_weights(trained("det_mv3_db", charset=None), path)
    message = "weights of preset det_mv3_db do not fit the model's det_mv3_rse"
    with pytest.raises(PpocrError, match=message):
        load_weights(create_model("det_mv3_rse"), path)


def test_other_shapes_are_an_error_naming_the_tensor_and_the_args(tmp_path: Path) -> None:
    path = tmp_path / "w.safetensors"
    save_weights(trained(hidden_size=32), path)
    with pytest.raises(PpocrError) as error:
        load_weights(create_model("rec_mv3_crnn", charset=CHARSET), path)
    message = str(error.value)
    # the first tensor in model order: the BiLSTM's input weights, 4 gates x hidden size
    assert "neck.encoder.lstm.weight_ih_l0 is [128, 288] in the file but [192, 288]" in message
    assert "hidden_size 32 in the file vs 48" in message


def test_missing_tensors_are_an_error_unless_not_strict(tmp_path: Path) -> None:
    model = trained("det_mv3_db", charset=None)
    path = tmp_path / "w.safetensors"
    save_weights(model, path)
    with safe_open(str(path), framework="pt") as handle:
        meta = handle.metadata()
        kept = [k for k in handle.keys() if not k.startswith("head.thresh")]
        tensors = {k: handle.get_tensor(k) for k in kept}
    save_file(tensors, str(path), metadata=meta)
    with pytest.raises(PpocrError, match="model tensors missing from the file"):
        load_weights(create_model("det_mv3_db"), path)
    partial = create_model("det_mv3_db")
    load_weights(partial, path, strict=False)
    assert torch.equal(partial.head.prob[0].weight, model.head.prob[0].weight)


def test_foreign_and_missing_files_are_errors(tmp_path: Path) -> None:
    model = create_model("det_mv3_db")
    with pytest.raises(PpocrError, match="no such weights file"):
        load_weights(model, tmp_path / "nope.safetensors")
    junk = tmp_path / "junk.safetensors"
    junk.write_bytes(b"not a safetensors file at all")
    with pytest.raises(PpocrError, match="not a safetensors file"):
        load_weights(model, junk)
    bare = tmp_path / "bare.safetensors"
    save_file({k: v.contiguous() for k, v in model.state_dict().items()}, str(bare))
    with pytest.raises(PpocrError, match="not ppocr-bench weights"):
        load_weights(model, bare)


def test_saving_the_same_model_twice_gives_the_same_bytes(tmp_path):
    model = create_model("rec_mv3_crnn", charset=list("abc"))
    save_weights(model, tmp_path / "a.safetensors")
    save_weights(model, tmp_path / "b.safetensors")
    assert (tmp_path / "a.safetensors").read_bytes() == (tmp_path / "b.safetensors").read_bytes()
