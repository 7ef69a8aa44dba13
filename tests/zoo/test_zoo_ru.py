"""zoo/ru: the seventh language's entry (corpora/ADDING_A_LANGUAGE.md walked for Russian): a
recognizer trained here, zoo/mobile's det and cls used in place, and `ppocr-bench eval zoo/ru
--lang ru` reproduces the figures its card records (tests/recorded_eval.py)."""

from __future__ import annotations

import pytest
from recorded_eval import check_recorded_figures

from ppocr_bench.inference.system import load_zoo_model
from ppocr_bench.text.corpus import load_charset
from ppocr_bench.zoo.card import ZOO_DIR, read_card


@pytest.fixture(scope="module")
def card():
    return read_card(ZOO_DIR / "ru")


def test_the_recognizer_writes_russian_and_det_cls_are_zoo_mobiles(card):
    rec = card.find("rec", "ru")
    assert rec is not None and rec.langs == ["ru"]
    assert load_zoo_model(card, rec).charset == load_charset("ru")
    mobile = read_card(ZOO_DIR / "mobile")
    for task in ("det", "cls"):
        ours, theirs = card.find(task), mobile.find(task)
        assert mobile.resolve(theirs.weights).resolve() == card.resolve(ours.weights).resolve()
        assert ours.weights_sha256 == theirs.weights_sha256 and ours.post == theirs.post


def test_eval_reproduces_the_recorded_figures(card):
    assert sorted(card.eval) == ["ru"]
    check_recorded_figures(card, "ru")
