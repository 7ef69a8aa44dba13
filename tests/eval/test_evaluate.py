"""evaluate_zoo end to end on a random-init zoo entry (pins the layout and the backends),
evaluate_entries and served_langs."""

from __future__ import annotations

import json
import math

import pytest

from ppocr_bench.errors import PpocrError
from ppocr_bench.eval.evaluate import evaluate_entries, evaluate_zoo, served_langs
from ppocr_bench.eval.loop import MODEL_KEYS
from ppocr_bench.eval.report import write_report

EXPECTED_KEYS = {
    "det": {"precision", "recall", "hmean", "hmean_scene", "hmean_document", *MODEL_KEYS},
    "cls": {"acc", *MODEL_KEYS},
    "rec": {"acc", "norm_edit_dis", *MODEL_KEYS},
    "system": {"hmean", "ms_per_image", "size_mb"},
}


def _check_layout(result: dict) -> None:
    assert set(result) == {*EXPECTED_KEYS, "meta"}
    for task, keys in EXPECTED_KEYS.items():
        assert set(result[task]) == keys, task
        assert all(math.isfinite(v) for v in result[task].values()), result[task]
    for task in ("det", "cls", "rec"):
        assert result[task]["params"] > 0 and result[task]["size_mb"] > 0
        assert 0 < result[task]["latency_ms_p50"] <= result[task]["latency_ms_p90"]
    meta = result["meta"]
    for key in ("zoo", "zoo_path", "lang", "data", "counts", "backend", "threads", "torch",
                "machine", "date", "command", "skipped", "models", "profile"):
        assert key in meta, key
    assert meta["machine"]["cores"] >= 1 and meta["machine"]["cpu"]


def test_evaluate_zoo_end_to_end_random_weights(tiny_set, tiny_zoo, tmp_path):
    result = evaluate_zoo(tiny_zoo, tiny_set, "en", latency_runs=3)
    _check_layout(result)
    meta = result["meta"]
    assert meta["det_post"] == {"thresh": 0.3, "box_thresh": 0.6, "unclip_ratio": 1.5}
    assert meta["models"] == {"det": "det_mv3_db", "cls": "cls_mv3", "rec": "rec_mv3_crnn"}
    assert meta["command"].startswith(f"ppocr-bench eval {tiny_zoo.root} --data {tiny_set}")
    files = [tiny_zoo.resolve(m.weights) for m in tiny_zoo.models]
    assert result["system"]["size_mb"] == pytest.approx(sum(f.stat().st_size for f in files)
                                                        / 1e6)
    paths = write_report([result], tmp_path / "report")
    assert [p.name for p in paths] == ["report.json", "report.md", "accuracy_vs_size.png",
                                       "accuracy_vs_latency.png"]
    data = json.loads((tmp_path / "report" / "report.json").read_text(encoding="utf-8"))
    _check_layout(data)
    assert all(p.stat().st_size > 1000 for p in paths[2:])


def test_evaluate_zoo_onnx_backend_on_crops(tiny_set, tiny_zoo, tmp_path):
    from ppocr_bench.inference.export import export_zoo

    onnx_files = {p.stem: p for p in export_zoo(tiny_zoo)}
    data = tmp_path / "data"
    for part in ("cls", "rec"):
        (data / part).mkdir(parents=True)
        for src in (tiny_set / part).iterdir():
            (data / part / src.name).symlink_to(src)
    result = evaluate_zoo(tiny_zoo, data, "en", backend="onnx", latency_runs=3)
    assert set(result) == {"cls", "rec", "meta"}
    for task in ("cls", "rec"):
        assert set(result[task]) == EXPECTED_KEYS[task]
        assert result[task]["size_mb"] == onnx_files[task].stat().st_size / 1e6
        assert 0 < result[task]["latency_ms_p50"] <= result[task]["latency_ms_p90"]
    assert result["meta"]["backend"] == "onnx" and "onnxruntime" in result["meta"]["versions"]


def test_evaluate_zoo_checks_the_backend_and_the_set_before_loading(tiny_zoo, tmp_path):
    with pytest.raises(PpocrError, match="--backend must be one of torch, onnx"):
        evaluate_zoo(tiny_zoo, tmp_path, "en", backend="tflite")
    with pytest.raises(PpocrError, match="not an eval set"):
        evaluate_entries([tiny_zoo], tmp_path, "en")


def test_served_langs_follow_the_recognizers(random_zoo, tmp_path):
    latin = random_zoo(tmp_path / "a", list("abc"), rec_langs=("de", "en"))
    assert served_langs([latin]) == ["en", "de"]
    assert served_langs([]) == ["en"]
