"""Other OCR systems as eval entries (ppocr_bench.eval.peers): Tesseract and RapidOCR.

Each test skips, naming what to install, where the peer is not installed here."""

import json
import os
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from ppocr_bench.errors import PpocrError
from ppocr_bench.eval.evaluate import evaluate_peer
from ppocr_bench.eval.peers import parse_system
from ppocr_bench.eval.peers.tesseract import TesseractSystem, find_tessdata, tsv_lines
from ppocr_bench.synth.pipeline import SynthSpec, run_synth

MODEL_KEYS = {"params", "size_mb", "latency_ms_p50", "latency_ms_p90"}


def tesseract(lang: str = "en") -> TesseractSystem:
    try:
        return TesseractSystem(lang)
    except PpocrError as error:
        pytest.skip(f"tesseract not usable here: {error}")


def rapidocr():
    pytest.importorskip("rapidocr_onnxruntime",
                        reason="pip install --no-deps rapidocr-onnxruntime==1.4.4 six pyyaml")
    from ppocr_bench.eval.peers.rapidocr import RapidOcrSystem

    return RapidOcrSystem("en")


def line_image(text: str) -> np.ndarray:
    """Black text on white, 36 px DejaVu Sans (matplotlib's copy), BGR."""
    from matplotlib import font_manager
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(font_manager.findfont("DejaVu Sans"), 36)
    image = Image.new("RGB", (40 + 22 * len(text), 70), "white")
    ImageDraw.Draw(image).text((20, 12), text, fill="black", font=font)
    return cv2.cvtColor(np.asarray(image), cv2.COLOR_RGB2BGR)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("peers") / "tiny"
    assert run_synth(SynthSpec("en", count=2, seed=21), out).complete
    return out


def test_tsv_lines_groups_words_into_lines():
    tsv = ("level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight"
           "\tconf\ttext\n"
           "4\t1\t1\t1\t1\t0\t10\t20\t100\t30\t-1\t\n"
           "5\t1\t1\t1\t1\t1\t10\t20\t40\t30\t90\tHello\n"
           "5\t1\t1\t1\t1\t2\t60\t20\t50\t30\t70\tworld\n"
           "4\t1\t1\t1\t2\t0\t10\t60\t100\t30\t-1\t\n"
           "5\t1\t1\t1\t2\t1\t10\t60\t40\t30\t-1\t \n")  # a line without text: dropped
    [(box, text, conf)] = tsv_lines(tsv)
    assert text == "Hello world" and conf == pytest.approx(0.8)
    np.testing.assert_array_equal(box, [[10, 20], [110, 20], [110, 50], [10, 50]])


def test_parse_system_names_the_choices():
    assert parse_system("rapidocr:ppocrv3-en") == ("rapidocr", "ppocrv3-en")
    with pytest.raises(PpocrError, match="tesseract, rapidocr"):
        parse_system("easyocr")


def test_tesseract_missing_language_pack_names_apt_package(monkeypatch, tmp_path):
    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path))
    monkeypatch.setattr("ppocr_bench.eval.peers.tesseract.TESSDATA_DIRS", ())
    with pytest.raises(PpocrError, match="apt-get install tesseract-ocr-chi-sim"):
        TesseractSystem("zh")


def test_tesseract_reads_a_clean_english_line():
    system = tesseract()
    [(text, score)] = system.recognize([line_image("Quick brown fox 42")])
    assert text == "Quick brown fox 42" and score > 0.5
    page = system.page(line_image("Quick brown fox 42"))
    assert len(page.boxes) == 1 and page.lines[0].text == "Quick brown fox 42"


@pytest.mark.parametrize("before", [None, "3"])
def test_tesseract_thread_limit_stays_with_tesseract(monkeypatch, before):
    """OMP_THREAD_LIMIT is Tesseract's alone: left in the environment, it stalled torch
    training started after a tesseract eval."""
    if before is None:
        monkeypatch.delenv("OMP_THREAD_LIMIT", raising=False)
    else:
        monkeypatch.setenv("OMP_THREAD_LIMIT", before)
    system = tesseract()
    assert os.environ.get("OMP_THREAD_LIMIT") == before
    if hasattr(system.engine, "env"):  # the binary gets its limit with each call
        assert system.engine.env["OMP_THREAD_LIMIT"] == "1"
    [(text, _)] = system.recognize([line_image("Quick brown fox 42")])
    assert text == "Quick brown fox 42"


def test_tesseract_result_has_the_zoo_keys_except_cls(tiny):
    result = evaluate_peer(tesseract(), tiny, "en", latency_runs=1)
    assert set(result) == {"det", "rec", "system", "meta"}  # no cls model: no cls key
    assert set(result["det"]) == {"precision", "recall", "hmean", "hmean_scene",
                                  "hmean_document"} | MODEL_KEYS
    assert set(result["rec"]) == {"acc", "norm_edit_dis"} | MODEL_KEYS
    assert set(result["system"]) == {"hmean", "ms_per_image", "size_mb"}
    assert result["det"]["params"] is None
    assert result["det"]["size_mb"] == pytest.approx(
        (find_tessdata("eng") / "eng.traineddata").stat().st_size / 1e6)
    assert result["det"]["hmean"] > 0.5 and result["rec"]["acc"] > 0.3  # clean synthetic text
    assert any("cls" in s for s in result["meta"]["skipped"])


def test_rapidocr_runs_on_one_image(tiny):
    system = rapidocr()
    image = cv2.imread(str(tiny / "det" / "images" / "000000.jpg"))  # scene: few lines
    page = system.page(image)
    assert page.boxes.ndim == 3 and page.boxes.shape[1:] == (4, 2) and len(page.boxes) > 0
    assert page.lines and any(line.text.strip() for line in page.lines)
    assert set(page.stage_ms) == {"det", "cls", "rec"}
    [(text, score)] = system.recognize([line_image("Quick brown fox 42")])
    assert text.replace(" ", "") == "Quickbrownfox42" and score > 0.5


def test_cli_eval_system_tesseract_writes_report(tiny, tmp_path):
    tesseract()
    out = tmp_path / "report"
    proc = subprocess.run([sys.executable, "-m", "ppocr_bench", "eval", "--system", "tesseract",
                           "--data", str(tiny), "--lang", "en", "--out", str(out),
                           "--latency-runs", "1"],
                          capture_output=True, text=True, check=False,
                          env={**os.environ, "COLUMNS": "200"})
    assert proc.returncode == 0, proc.stderr
    report = json.loads((out / "report.json").read_text())
    assert report["meta"]["zoo"] == "tesseract" and set(report) >= {"det", "rec", "system"}
    assert "tesseract" in proc.stdout
