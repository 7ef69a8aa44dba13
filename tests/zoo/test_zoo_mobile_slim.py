"""zoo/mobile-slim: the paper's slim system made from zoo/mobile (every model PACT
quantisation-aware trained; the detector not pruned yet) is at most 3.5 MB with the zh
recognizer, and `ppocr-bench eval zoo/mobile-slim` reproduces the figures its card records
(fake-quantised torch inference: the int8 arithmetic; tests/recorded_eval.py)."""

from __future__ import annotations

import pytest
from recorded_eval import check_recorded_figures

from ppocr_bench.eval.bench import size_mb
from ppocr_bench.inference.system import load_zoo_model
from ppocr_bench.models import count_parameters
from ppocr_bench.slim.quant import quant_layers
from ppocr_bench.zoo.card import ZOO_DIR, read_card

PAPER_SLIM_MB = 3.5


@pytest.fixture(scope="module")
def card():
    return read_card(ZOO_DIR / "mobile-slim")


def langs(card) -> list[str]:
    return sorted({lang for m in card.models for lang in m.langs})


def test_every_model_is_quantised_with_zoo_mobiles_shape(card):
    mobile = read_card(ZOO_DIR / "mobile")
    for entry in card.models:
        model = load_zoo_model(card, entry)
        assert model.quant == "pact", entry.weights
        lang = entry.langs[0] if entry.langs else None
        full = load_zoo_model(mobile, mobile.find(entry.task, lang))
        # zoo/mobile's network, plus one PACT alpha per quantised layer
        assert count_parameters(model) == count_parameters(full) + len(quant_layers(model))


def test_the_system_with_the_zh_recognizer_is_at_most_3_5_mb(card):
    models = [card.find("det"), card.find("cls"), card.find("rec", "zh")]
    assert None not in models
    total = sum(size_mb(card.resolve(m.weights)) for m in models)
    assert 0.5 < total <= PAPER_SLIM_MB


def test_card_records_every_language_it_serves(card):
    assert "zh" in langs(card) and sorted(card.eval) == langs(card)


@pytest.mark.parametrize("lang", ["zh", "en", "fr", "de", "ja", "ko"])
def test_eval_reproduces_the_recorded_figures(card, lang):
    if lang not in card.eval:
        pytest.skip(f"zoo/mobile-slim has no {lang} recognizer")
    check_recorded_figures(card, lang)
