"""`ppocr-bench eval zoo/mobile` reproduces the figures its card records (``[eval.LANG]``, written
by ``eval --record``) for all six languages its recognizers serve (the paper's six; not ru).

Inference is deterministic, so "within noise" is a tolerance of 0.005 for float differences
across CPUs. The default eval sets are synthesized here as on the machine that recorded the card,
from the same pinned font files whatever else is installed; a set that differs anyway (other
Pillow/FreeType, OpenCV or numpy builds) is reported as such rather than as a model change.
"""

from __future__ import annotations

import pytest

from ppocr_bench.eval.sets import default_eval_set
from ppocr_bench.eval.evaluate import evaluate_zoo
from ppocr_bench.zoo.card import EVAL_FIGURES, ZOO_DIR, eval_figures, eval_set_sha256, read_card

TOLERANCE = 0.005
#: the languages zoo/mobile serves: the paper's six
MOBILE_LANGS = ("zh", "en", "fr", "de", "ja", "ko")


@pytest.fixture(scope="module")
def card():
    return read_card(ZOO_DIR / "mobile")


def test_card_records_every_language_and_task(card):
    assert sorted(card.eval) == sorted(MOBILE_LANGS)
    assert sorted(m.task for m in card.models) == ["cls", "det", "rec", "rec", "rec", "rec"]
    assert sorted({lang for m in card.models for lang in m.langs}) == sorted(MOBILE_LANGS)
    for lang in MOBILE_LANGS:
        assert card.find("rec", lang) is not None, lang
        assert {"det_hmean", "cls_acc", "rec_acc", "e2e_hmean"} <= set(card.eval[lang])


@pytest.mark.parametrize("lang", MOBILE_LANGS)
def test_eval_reproduces_the_recorded_figures(card, lang):
    recorded = card.eval[lang]
    data = default_eval_set(lang)
    assert data.name == recorded["data"]
    if eval_set_sha256(data) != recorded["data_sha256"]:
        pytest.fail(f"{data}: the eval set differs from the one the card was measured on "
                    "(its fonts are pinned: other Pillow/FreeType, OpenCV or numpy builds?)")
    figures = eval_figures(evaluate_zoo(card, data, lang, latency_runs=1))
    for key, _, _ in EVAL_FIGURES:
        if key in recorded:
            assert figures[key] == pytest.approx(recorded[key], abs=TOLERANCE), key
