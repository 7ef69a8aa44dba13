"""A zoo entry of QAT models: `export --onnx --int8`, `eval --backend onnx` on the int8 files
(their int8 size, the torch QAT model's accuracy) and the one-line errors of bad input."""

from __future__ import annotations

import pytest
from cli_run import cli, one_line_error
from qat_fixtures import write_qat_zoo

from ppocr_bench.errors import PpocrError
from ppocr_bench.eval.evaluate import evaluate_zoo
from ppocr_bench.inference.system import load_predictors, onnx_file
from ppocr_bench.slim.int8 import is_int8_onnx, onnx_weight_bytes, qat_weight_bytes


def _charset(tiny_set) -> list[str]:
    lines = (tiny_set / "rec" / "rec_gt.txt").read_text(encoding="utf-8").splitlines()
    return sorted({c for line in lines for c in line.split("\t", 1)[1]} - {" "})


def test_an_int8_export_evaluates_like_the_qat_model_at_its_int8_size(tiny_set, tmp_path):
    card = write_qat_zoo(tmp_path / "qat", _charset(tiny_set))
    with pytest.raises(PpocrError, match=r"det.onnx: missing: create it with `ppocr-bench "
                                         r"export .*qat --onnx --int8`"):
        load_predictors(card, "en", backend="onnx")
    proc = cli("export", card.root, "--onnx", "--int8")
    assert proc.returncode == 0, proc.stderr
    files = {m.task: onnx_file(card, m) for m in card.models}
    assert all(f"wrote {f}" in proc.stdout.replace("\n", "") for f in files.values())
    assert all(is_int8_onnx(f) for f in files.values())
    onnx = evaluate_zoo(card, tiny_set, "en", backend="onnx", latency_runs=2)
    torch = evaluate_zoo(card, tiny_set, "en", backend="torch", latency_runs=2)
    for task, path in files.items():
        assert onnx[task]["size_mb"] == onnx_weight_bytes(path) / 1e6
        weights = card.resolve(card.find(task).weights)
        assert torch[task]["size_mb"] == qat_weight_bytes(weights) / 1e6
    assert onnx["system"]["size_mb"] == pytest.approx(sum(onnx_weight_bytes(f)
                                                          for f in files.values()) / 1e6)
    for task, key in (("cls", "acc"), ("rec", "acc"), ("rec", "norm_edit_dis")):
        assert onnx[task][key] == torch[task][key], (task, key)


def test_bad_int8_exports_are_one_line_errors(tmp_path):
    mixed = write_qat_zoo(tmp_path / "mixed", quantised=("cls", "rec"))
    one_line_error(cli("export", mixed.root, "--onnx", "--int8"),
                   f"{mixed.root / 'det.safetensors'}: float weights, not quantisation-aware "
                   "trained: --int8 exports models trained with `ppocr-bench train ... "
                   "--quant pact`")
    one_line_error(cli("export", mixed.root, "--int8"),
                   "--int8 is a kind of ONNX export: give --onnx --int8")
    qat = write_qat_zoo(tmp_path / "qat", quantised=("det",))
    one_line_error(cli("export", qat.root, "--onnx"),
                   f"{qat.root / 'det.safetensors'}: quantisation-aware trained (pact) weights: "
                   "export them with --onnx --int8")
    assert not list(tmp_path.rglob("*.onnx"))
