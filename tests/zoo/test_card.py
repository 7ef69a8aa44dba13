"""Zoo cards: write/read round trip, hash checks, malformed cards."""

from __future__ import annotations

from pathlib import Path

import pytest

from ppocr_bench.errors import PpocrError
from ppocr_bench.files import sha256_file
from ppocr_bench.text.charset import read_charset_file
from ppocr_bench.zoo.card import (ZooCard, ZooModel, list_entries, read_card, verified_file,
                                  write_card)


def _card(root: Path) -> ZooCard:
    root.mkdir(parents=True, exist_ok=True)
    (root / "rec.safetensors").write_bytes(b"rec weights")
    (root / "charset.txt").write_text("a\nb\nç\n", encoding="utf-8")
    rec = ZooModel(task="rec", preset="rec_mv3_crnn", weights="rec.safetensors",
                   weights_sha256=sha256_file(root / "rec.safetensors"), langs=["en", "fr"],
                   args={"hidden_size": 48}, charset="charset.txt",
                   charset_sha256=sha256_file(root / "charset.txt"), input_size=[3, 32, 320],
                   recipe="random init", data="none", metrics={"acc": 0.5, "command": "x"})
    det = ZooModel(task="det", preset="det_mv3_db", weights="det.safetensors",
                   weights_sha256="0" * 64)
    return ZooCard(root, "mobile", "a test entry", "ppocr-bench import x", [det, rec])


def test_round_trip(tmp_path: Path):
    card = _card(tmp_path / "mobile")
    assert write_card(card) == tmp_path / "mobile" / "card.toml"
    back = read_card(tmp_path / "mobile")
    assert back == card
    assert back.find("rec", "fr") is back.models[1] and back.find("rec", "ja") is None
    assert back.find("det", "ja") is back.models[0]  # det without langs serves every language
    assert [c.name for c in list_entries(tmp_path)] == ["mobile"]


def test_verified_file_accepts_the_recorded_hash(tmp_path: Path):
    card = _card(tmp_path)
    rec = card.models[1]
    assert verified_file(card, rec.weights, rec.weights_sha256) == tmp_path / "rec.safetensors"
    assert read_charset_file(verified_file(card, rec.charset, rec.charset_sha256)) == [
        "a", "b", "ç"]


def test_sha256_mismatch_is_an_error(tmp_path: Path):
    card = _card(tmp_path)
    (tmp_path / "rec.safetensors").write_bytes(b"other weights")
    with pytest.raises(PpocrError, match="sha256 differs"):
        verified_file(card, "rec.safetensors", card.models[1].weights_sha256)


def test_missing_weights_name_the_import_command(tmp_path: Path):
    card = _card(tmp_path)
    with pytest.raises(PpocrError, match="ppocr-bench import x"):
        verified_file(card, "det.safetensors", card.models[0].weights_sha256)


@pytest.mark.parametrize("text, problem", [
    ("name = \"x\"\n[[model]]\ntask = \"ocr\"\npreset = \"p\"\nweights = \"w\"\n"
     "weights_sha256 = \"h\"\n", "task must be det, cls or rec"),
    ("name = \"x\"\n[[model]]\ntask = \"det\"\ncolour = 1\n", "model 1"),
    ("name = [\n", "unreadable card"),
])
def test_malformed_cards(tmp_path: Path, text: str, problem: str):
    (tmp_path / "card.toml").write_text(text, encoding="utf-8")
    with pytest.raises(PpocrError, match=problem):
        read_card(tmp_path)


def test_not_a_zoo_entry(tmp_path: Path):
    with pytest.raises(PpocrError, match="no card.toml"):
        read_card(tmp_path)


def test_cards_at_one_entry_or_a_zoo_folder(tmp_path: Path):
    from ppocr_bench.zoo.card import cards_at

    for name in ("b", "a"):
        card = _card(tmp_path / name)
        card.name = name
        write_card(card)
    assert [c.name for c in cards_at(tmp_path / "b")] == ["b"]
    assert [c.name for c in cards_at(tmp_path)] == ["a", "b"]
    with pytest.raises(PpocrError, match="neither a zoo entry"):
        cards_at(tmp_path / "a" / "nothing")


def test_eval_figures_round_trip_through_the_card(tmp_path):
    from ppocr_bench.zoo.card import eval_figures

    result = {"det": {"hmean": 0.91234, "hmean_document": 0.95, "hmean_scene": 0.85,
                      "params": 10},
              "rec": {"acc": 0.5, "norm_edit_dis": 0.8}, "system": {"hmean": 0.4},
              "meta": {"lang": "de", "data": "/home/x/.cache/ppocr-bench/evalsets/de-40-1000006",
                       "command": "ppocr-bench eval zoo/mobile", "date": "2026-11-24",
                       "counts": {"det_images": 40, "rec_crops": 900},
                       "machine": {"cpu": "Test CPU"}}}
    figures = eval_figures(result)
    assert figures["det_hmean"] == 0.9123 and figures["rec_acc"] == 0.5
    assert "cls_acc" not in figures and figures["e2e_hmean"] == 0.4
    assert figures["data"] == "de-40-1000006" and figures["images"] == 40
    assert len(figures["data_sha256"]) == 64
    card = _card(tmp_path)
    card.eval["de"] = figures
    write_card(card)
    assert read_card(card.root).eval == {"de": figures}
