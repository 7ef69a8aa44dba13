"""The check the committed zoo entries' tests share: `ppocr-bench eval` on a language's default
eval set reproduces the figures a card recorded there (``[eval.LANG]``, written by ``eval
--record``). Inference is deterministic, so "within noise" is a tolerance of 0.005 for float
differences across CPUs; a set that differs from the recorded one (other Pillow/FreeType,
OpenCV or numpy builds) fails as such rather than as a model change. A card's figures on
another eval set (``[eval_data.SET.LANG]``, ``eval --data DIR --record``) are checked the same
way where that set is at hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from ppocr_bench.eval.evaluate import evaluate_zoo
from ppocr_bench.eval.sets import default_eval_set
from ppocr_bench.zoo.card import EVAL_FIGURES, ZooCard, eval_figures, eval_set_sha256

TOLERANCE = 0.005


def check_recorded_figures(card: ZooCard, lang: str) -> None:
    """``[eval.LANG]``: the figures on ``lang``'s default eval set."""
    _check(card.eval[lang], default_eval_set(lang), card, lang)


def check_recorded_data_figures(card: ZooCard, data: Path, lang: str) -> None:
    """``[eval_data.SET.LANG]``: the figures on the eval set folder ``data`` (``--data``)."""
    _check(card.eval_data[data.name][lang], data, card, lang)


def _check(recorded: dict, data: Path, card: ZooCard, lang: str) -> None:
    assert data.name == recorded["data"]
    if eval_set_sha256(data) != recorded["data_sha256"]:
        pytest.fail(f"{data}: the eval set differs from the one the card was measured on "
                    "(its fonts are pinned: other Pillow/FreeType, OpenCV or numpy builds?)")
    figures = eval_figures(evaluate_zoo(card, data, lang, latency_runs=1))
    for key, _, _ in EVAL_FIGURES:
        if key in recorded:
            assert figures[key] == pytest.approx(recorded[key], abs=TOLERANCE), key
