"""The command line end to end, as a user runs it: exit codes, outputs, one-line errors."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_run import cli, one_line_error

DET_KEYS = {"precision", "recall", "hmean", "hmean_scene", "hmean_document", "params", "size_mb",
            "latency_ms_p50", "latency_ms_p90"}


@pytest.fixture
def data(tiny_set) -> Path:
    return tiny_set


@pytest.fixture
def zoo(tiny_zoo) -> Path:
    return tiny_zoo.root


def test_metrics_det_self_and_empty(data, tmp_path):
    gt = data / "det" / "label.txt"
    proc = cli("metrics", "det", "--gt", gt, "--pred", gt, "--json")
    assert proc.returncode == 0, proc.stderr
    scores = json.loads(proc.stdout)
    assert set(scores) == {"precision", "recall", "hmean"} and scores["hmean"] == 1.0
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    scores = json.loads(cli("metrics", "det", "--gt", gt, "--pred", empty, "--json").stdout)
    assert scores["recall"] == 0.0


def test_metrics_malformed_line_names_file_and_line(data, tmp_path):
    bad = tmp_path / "pred.txt"
    bad.write_text("images/000000_00.jpg\tabc\nno tab on this line\n")
    one_line_error(cli("metrics", "rec", "--gt", data / "rec" / "rec_gt.txt", "--pred", bad),
                   f"{bad}:2")


def test_eval_writes_report(zoo, data, tmp_path):
    out = tmp_path / "report"
    proc = cli("eval", zoo, "--data", data, "--lang", "en", "--out", out, "--latency-runs", 3)
    assert proc.returncode == 0, proc.stderr
    report = json.loads((out / "report.json").read_text())
    assert set(report) == {"det", "cls", "rec", "system", "meta"}
    assert set(report["det"]) == DET_KEYS
    assert {"acc", "norm_edit_dis"} <= set(report["rec"]) and "acc" in report["cls"]
    assert set(report["system"]) == {"hmean", "ms_per_image", "size_mb"}
    for name in ("report.md", "accuracy_vs_size.png", "accuracy_vs_latency.png"):
        assert (out / name).stat().st_size > 0


def test_zoo_list_show_export_and_ocr(zoo, data, tmp_path):
    assert "det_mv3_db" in cli("zoo", "show", zoo).stdout
    proc = cli("export", zoo, "--onnx")
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in zoo.glob("*.onnx")) == ["cls.onnx", "det.onnx", "rec.onnx"]
    image = data / "det" / "images" / "000000.jpg"
    drawing = tmp_path / "ocr.png"
    proc = cli("ocr", image, "--zoo", zoo, "--backend", "onnx", "--draw", drawing, "--json")
    assert proc.returncode == 0, proc.stderr
    records = json.loads(proc.stdout)
    assert records[0]["path"] == str(image) and drawing.stat().st_size > 0


def test_ocr_corrupt_image(zoo, tmp_path):
    bad = tmp_path / "broken.jpg"
    bad.write_bytes(b"\xff\xd8\xff not really a jpeg")
    one_line_error(cli("ocr", bad, "--zoo", zoo), f"{bad}: not a readable image")


def test_ocr_charset_mismatch(zoo, data, tmp_path):
    import shutil

    from ppocr_bench.files import sha256_file
    from ppocr_bench.zoo.card import read_card, write_card

    copy = tmp_path / "other"
    shutil.copytree(zoo, copy)
    (copy / "charset.txt").write_text("a\nb\nc\n", encoding="utf-8")
    card = read_card(copy)
    card.find("rec").charset_sha256 = sha256_file(copy / "charset.txt")
    write_card(card)
    one_line_error(cli("ocr", data / "det" / "images" / "000000.jpg", "--zoo", copy), "charset")


def test_train_plot_and_zoo_add(data, tmp_path):
    run = tmp_path / "run"
    proc = cli("train", "cls", "--data", data, "--out", run, "--steps", 3, "--batch-size", 4,
               "--workers", 0, "--val", data)
    assert proc.returncode == 0, proc.stderr
    assert cli("plot", run).returncode == 0 and (run / "plots" / "loss.png").exists()
    proc = cli("train", "cls", "--data", data, "--out", run, "--resume")
    assert proc.returncode == 0, proc.stderr
    proc = cli("zoo", "add", run, "--name", "mine", "--task", "cls", "--zoo-dir", tmp_path / "zoo")
    assert proc.returncode == 0, proc.stderr
    assert "cls_mv3" in cli("zoo", "show", tmp_path / "zoo" / "mine").stdout


def test_train_under_an_omp_thread_limit_finishes(data, tmp_path):
    """Two torch threads under OMP_THREAD_LIMIT=1 stalled the first backward pass for good;
    train now keeps its torch threads within the limit."""
    proc = subprocess.run(
        [sys.executable, "-m", "ppocr_bench", "train", "cls", "--data", str(data), "--out",
         str(tmp_path / "run"), "--steps", "1", "--batch-size", "4", "--workers", "0",
         "--threads", "2"],
        capture_output=True, text=True, timeout=300,
        env={**os.environ, "COLUMNS": "200", "OMP_THREAD_LIMIT": "1"})
    assert proc.returncode == 0, proc.stderr


def test_eval_data_with_two_languages_is_one_line_error(data, zoo):
    proc = cli("eval", zoo, "--data", data, "--lang", "en", "--lang", "de")
    one_line_error(proc, "--data is one eval set: give one --lang")


def test_eval_record_needs_the_torch_backend(data, zoo):
    proc = cli("eval", zoo, "--data", data, "--lang", "en", "--record", "--backend", "onnx")
    one_line_error(proc, "--record keeps figures of the torch backend and the paddleocr profile")


def test_eval_out_under_a_regular_file_fails_before_the_work(data, zoo, tmp_path):
    blocker = tmp_path / "results.txt"
    blocker.write_text("earlier results\n", encoding="utf-8")
    proc = cli("eval", zoo, "--data", data, "--lang", "en", "--out", blocker / "report")
    one_line_error(proc, f"{blocker / 'report'}: cannot write here: {blocker} is a file, not a folder")
    assert "det" not in proc.stdout  # no stage ran
    assert blocker.read_text(encoding="utf-8") == "earlier results\n"


def test_eval_out_on_a_virtual_file_system_is_one_line_error(data, zoo):
    one_line_error(cli("eval", zoo, "--data", data, "--lang", "en", "--out", "/sys/ppocr-out"),
                   "/sys/ppocr-out: cannot write here: ")


def test_eval_lang_other_than_the_sets_is_one_warning_line(data, zoo, tmp_path):
    proc = cli("eval", zoo, "--data", data, "--lang", "ja", "--out", tmp_path / "r",
               "--latency-runs", 1)
    assert proc.returncode == 0, proc.stderr
    warnings = [line for line in proc.stderr.splitlines() if line.startswith("warning:")]
    assert warnings == [f"warning: {data}: an eval set of en text (its manifest.json) evaluated "
                        "as ja: the figures are ja models on en lines (give --lang en to "
                        "match)"], proc.stderr
    report = json.loads((tmp_path / "r" / "report.json").read_text())
    assert report["meta"]["lang"] == "ja" and report["meta"]["data_lang"] == "en"


def test_eval_table_is_whole_at_80_columns_when_piped(data, zoo, tmp_path):
    proc = cli("eval", zoo, "--data", data, "--lang", "en", "--out", tmp_path / "r",
               "--latency-runs", 1, columns=80)
    assert proc.returncode == 0, proc.stderr
    table = proc.stdout[:proc.stdout.index("wrote ")]
    assert "…" not in table and max(map(len, table.splitlines())) <= 80, table
    report = json.loads((tmp_path / "r" / "report.json").read_text())
    rows = [line.split() for line in table.splitlines() if line.split()[:1] == ["random/torch"]]
    assert rows[0][2:] == [f"{report[t][k]:.3f}" for t, k in (
        ("det", "hmean"), ("det", "hmean_document"), ("det", "hmean_scene"), ("cls", "acc"),
        ("rec", "acc"), ("rec", "norm_edit_dis"), ("system", "hmean"))]
    assert rows[1][2:6] == [f"{report[t]['size_mb']:.2f}" for t in ("det", "cls", "rec", "system")]


def test_metrics_on_an_empty_gt_is_one_line_error(data, tmp_path):
    empty = tmp_path / "gt.txt"
    empty.write_text("")
    one_line_error(cli("metrics", "rec", "--gt", empty, "--pred", data / "rec" / "rec_gt.txt"),
                   f"{empty}: no labels (empty file)")


def test_metrics_says_how_many_gt_lines_have_no_prediction(data, tmp_path):
    gt = data / "rec" / "rec_gt.txt"
    lines = gt.read_text(encoding="utf-8").splitlines()
    pred = tmp_path / "pred.txt"
    pred.write_text("\n".join(lines[:5]) + "\n", encoding="utf-8")
    proc = cli("metrics", "rec", "--gt", gt, "--pred", pred, "--json")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip() == (f"warning: {pred}: no prediction for {len(lines) - 5} of "
                                   f"{len(lines)} GT lines: scored as wrong")
    assert json.loads(proc.stdout)["acc"] == pytest.approx(5 / len(lines))
    assert pred.read_text(encoding="utf-8").count("\n") == 5  # the input is left as it was


def test_eval_warns_once_when_the_card_was_measured_on_another_set(data, tiny_zoo, tmp_path):
    import shutil

    from ppocr_bench.zoo.card import read_card, write_card

    root = tmp_path / "zoo" / "stale"
    shutil.copytree(tiny_zoo.root, root)
    card = read_card(root)
    card.eval["en"] = {"rec_acc": 0.5, "data": "en-40-1000004-0000000000", "data_sha256": "0" * 64}
    write_card(card)
    proc = cli("eval", root, "--data", data, "--lang", "en", "--out", tmp_path / "out",
               "--latency-runs", 1)
    assert proc.returncode == 0, proc.stderr
    warnings = [line for line in proc.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and "[eval.en] was measured on en-40-1000004" in warnings[0]
