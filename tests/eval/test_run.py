"""eval.run: the checks made before any work, the warnings, the run and --record."""

from __future__ import annotations

import json
import shutil

import pytest

from ppocr_bench.errors import PpocrError
from ppocr_bench.eval.run import lang_warning, prepare_eval, record_eval, run_eval
from ppocr_bench.zoo.card import read_card


def test_an_unwritable_out_fails_before_any_work(tiny_zoo, tmp_path, monkeypatch):
    monkeypatch.setenv("PPOCR_BENCH_CACHE", str(tmp_path / "cache"))
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(PpocrError, match="is a file"):
        prepare_eval([tiny_zoo.root], [], None, ["en"], blocker / "out")
    assert not (tmp_path / "cache").exists()  # no default eval set was synthesized


def test_lang_warning_names_both_languages(tiny_set, tmp_path):
    assert lang_warning(tiny_set, "en") is None and lang_warning(tmp_path, "ja") is None
    line = lang_warning(tiny_set, "ja")
    assert line.startswith(f"{tiny_set}: an eval set of en text") and "--lang en" in line


def test_prepare_warns_about_a_set_of_another_language(tiny_zoo, tiny_set, tmp_path):
    plan = prepare_eval([tiny_zoo.root], [], tiny_set, ["ja"], tmp_path / "out")
    assert plan.warnings == [lang_warning(tiny_set, "ja")] and plan.langs == ["ja"]
    assert prepare_eval([tiny_zoo.root], [], tiny_set, ["en"], tmp_path / "out").warnings == []


@pytest.mark.parametrize("kwargs, needle", [
    (dict(record=True, backend="onnx"), "--record keeps figures of the torch backend"),
    (dict(backend="tflite"), "--backend must be one of torch, onnx"),
    (dict(profile="easyocr"), "unknown profile 'easyocr'"),
    (dict(langs=["en", "de"], data="SET"), "--data is one eval set: give one --lang"),
    (dict(langs=["xx"]), "unknown language 'xx'"),
    (dict(zoo_dirs=[]), "nothing to evaluate"),
])
def test_bad_requests_are_refused(tiny_zoo, tiny_set, tmp_path, kwargs, needle):
    args = dict(zoo_dirs=[tiny_zoo.root], systems=[], data=None, langs=["en"],
                out=tmp_path / "out")
    args.update(kwargs)
    if args["data"] == "SET":
        args["data"] = tiny_set
    with pytest.raises(PpocrError, match=needle):
        prepare_eval(**args)


def test_run_writes_the_report_and_records_the_cards(tiny_zoo, tiny_set, tmp_path):
    zoo = tmp_path / "zoo"
    shutil.copytree(tiny_zoo.root, zoo)
    plan = prepare_eval([zoo], [], tiny_set, ["en"], tmp_path / "out", latency_runs=1)
    run = run_eval(plan)
    assert [p.name for p in run.written] == ["report.json", "report.md", "accuracy_vs_size.png",
                                             "accuracy_vs_latency.png"]
    assert json.loads(run.written[0].read_text())["meta"]["zoo_path"] == str(zoo)
    assert run.recorded == [] and run.warnings == []
    card = read_card(zoo)
    [(path, langs)] = record_eval([card], run.results)
    assert path == card.path and langs == ["en"]
    assert read_card(zoo).eval["en"]["rec_acc"] == round(run.results[0]["rec"]["acc"], 4)
    # --data SET --record: the figures under [eval_data.SET.LANG], [eval.LANG] left as it was
    plan = prepare_eval([zoo], [], tiny_set, ["en"], tmp_path / "out2", latency_runs=1,
                        record=True)
    run = run_eval(plan)
    assert run.recorded == [(card.path, ["en", f"{tiny_set.name}/en"])]
    back = read_card(zoo)
    assert back.eval["en"] == card.eval["en"]
    figures = back.eval_data[tiny_set.name]["en"]
    assert figures["rec_acc"] == round(run.results[0]["rec"]["acc"], 4)
    assert figures["data"] == tiny_set.name and f"--data {tiny_set}" in figures["command"]
