"""choose_entry: what `ppocr-bench ocr IMAGE --lang LANG` runs without --zoo."""

from __future__ import annotations

from pathlib import Path

import pytest

from ppocr_bench.errors import PpocrError
from ppocr_bench.zoo.card import ZooCard, ZooModel, write_card
from ppocr_bench.zoo.choose import choose_entry, runnable


def _entry(zoo: Path, name: str, *, rec_langs=("ko",), det=True, weights=True,
           figures: dict | None = None) -> None:
    root = zoo / name
    models = [ZooModel("det", "det_mv3_db", "det.safetensors", "0" * 64)] if det else []
    models.append(ZooModel("rec", "rec_mv3_crnn", "rec.safetensors", "0" * 64,
                           langs=list(rec_langs)))
    write_card(ZooCard(root, name, models=models, eval=figures or {}))
    if weights:
        for model in models:
            (root / model.weights).write_bytes(b"w")


def test_the_best_recorded_end_to_end_hmean_wins(tmp_path):
    _entry(tmp_path, "a", figures={"ko": {"e2e_hmean": 0.31, "rec_acc": 0.9, "data": "ko-40"}})
    _entry(tmp_path, "b", figures={"ko": {"e2e_hmean": 0.52, "rec_acc": 0.7, "data": "ko-40"}})
    _entry(tmp_path, "c")  # no figures: after both
    choice = choose_entry("ko", tmp_path)
    assert choice.card.name == "b" and choice.ranked == ("zoo/b", "zoo/a", "zoo/c")
    assert choice.describe("ko") == ("ko: zoo/b (e2e hmean 0.520, rec acc 0.700 on ko-40) "
                                     "over zoo/a, zoo/c")


def test_rec_accuracy_breaks_a_tie_and_figures_of_another_language_do_not_count(tmp_path):
    _entry(tmp_path, "a", figures={"ko": {"e2e_hmean": 0.5, "rec_acc": 0.6}})
    _entry(tmp_path, "b", figures={"ko": {"e2e_hmean": 0.5, "rec_acc": 0.8}})
    _entry(tmp_path, "z", rec_langs=("ko", "en"), figures={"en": {"e2e_hmean": 0.9}})
    assert [c.split("/")[1] for c in choose_entry("ko", tmp_path).ranked] == ["b", "a", "z"]
    assert choose_entry("en", tmp_path).card.name == "z"


def test_only_entries_that_can_run_the_language_are_candidates(tmp_path):
    _entry(tmp_path, "no-det", det=False, figures={"ko": {"e2e_hmean": 0.9}})
    _entry(tmp_path, "no-weights", weights=False, figures={"ko": {"e2e_hmean": 0.9}})
    _entry(tmp_path, "other-lang", rec_langs=("ja",), figures={"ko": {"e2e_hmean": 0.9}})
    _entry(tmp_path, "plain")
    choice = choose_entry("ko", tmp_path)
    assert choice.card.name == "plain" and choice.ranked == ("zoo/plain",)
    assert "no entry has eval figures for ko" in choice.describe("ko")
    assert not runnable(choice.card, "ja")


def test_no_candidate_or_an_unknown_language_is_one_line(tmp_path):
    _entry(tmp_path, "ja-only", rec_langs=("ja",))
    with pytest.raises(PpocrError, match=r"^no zoo entry in .* has a detector and a ko recognizer"):
        choose_entry("ko", tmp_path)
    with pytest.raises(PpocrError, match="unknown language 'xx'"):
        choose_entry("xx", tmp_path)
