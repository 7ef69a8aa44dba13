"""`ppocr-bench eval zoo/mobile` reproduces the figures its card records (``[eval.LANG]``, written
by ``eval --record``) for all six languages its recognizers serve (the paper's six; not ru),
within the tolerance of ``tests/recorded_eval.py``, and reproduces the real-image figures it
records (``[eval_data.ic15-train-300.en]``, ``eval --data ../shared/real/ic15-train-300 --lang en
--record``) where those images are at hand. The default eval sets are synthesized here
as on the machine that recorded the card, from the same pinned font files whatever else is
installed.
"""

from __future__ import annotations

import pytest
from recorded_eval import check_recorded_data_figures, check_recorded_figures

from ppocr_bench import REPO_ROOT
from ppocr_bench.experiments.table import REAL_IC15
from ppocr_bench.zoo.card import ZOO_DIR, read_card

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
    check_recorded_figures(card, lang)


def test_card_records_the_real_image_figures(card):
    assert list(card.eval_data) == ["ic15-train-300"]
    figures = card.eval_data["ic15-train-300"]["en"]
    assert {"det_hmean", "rec_acc", "e2e_hmean"} <= set(figures)
    assert "--data ../shared/real/ic15-train-300 --lang en" in figures["command"]


def test_eval_reproduces_the_recorded_real_image_figures(card):
    data = (REPO_ROOT / REAL_IC15).resolve()   # the real photos, not in the repository
    if not data.is_dir():
        pytest.skip(f"{data}: the real images are not on this machine")
    check_recorded_data_figures(card, data, "en")
