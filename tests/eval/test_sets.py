"""Default eval sets: the seed rule, the cache folder, creation and reuse."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ppocr_bench.errors import PpocrError
from ppocr_bench.eval import sets as evalsets
from ppocr_bench.text import font_files
from ppocr_bench.text.corpus import load_charset
from ppocr_bench.text.eval_fonts import fingerprint, pinned_paths, pins_record
from ppocr_bench.text.font_files import package_font_dir
from ppocr_bench.text.fonts import fonts_for_lang
from ppocr_bench.text.langs import LANGS
from ppocr_bench.zoo.card import ZooCard, eval_set_sha256


def test_eval_seeds_are_never_training_seeds():
    seeds = [evalsets.eval_seed(lang) for lang in LANGS]
    assert len(set(seeds)) == len(seeds)
    assert all(s >= evalsets.TRAIN_SEED_LIMIT == 1_000_000 for s in seeds)
    assert not any(evalsets.is_training_seed(s) for s in seeds)
    assert evalsets.eval_seed("zh") == 1_000_003 and evalsets.eval_seed("en") == 1_000_004


@pytest.mark.parametrize("seed, ok", [(0, True), (999_999, True), (1_000_000, False),
                                      (1_000_004, False), (-1, False)])
def test_check_training_seed(seed, ok):
    if ok:
        assert evalsets.check_training_seed(seed) == seed
    else:
        with pytest.raises(PpocrError, match="reserved for evaluation"):
            evalsets.check_training_seed(seed)


def test_unknown_language():
    with pytest.raises(PpocrError, match="unknown language"):
        evalsets.eval_seed("xx")


def test_cache_dir_from_environment(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("PPOCR_BENCH_CACHE", str(tmp_path))
    name = f"fr-40-1000005-{fingerprint()}"
    assert evalsets.eval_set_dir("fr", 40) == tmp_path / "evalsets" / name
    monkeypatch.delenv("PPOCR_BENCH_CACHE")
    assert evalsets.eval_sets_root() == Path.home() / ".cache" / "ppocr-bench" / "evalsets"


def test_default_eval_set_is_made_once_then_reused(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("PPOCR_BENCH_CACHE", str(tmp_path))
    out = evalsets.default_eval_set("en", count=1, workers=1)
    assert out == tmp_path / "evalsets" / f"en-1-1000004-{fingerprint()}"
    assert evalsets.is_complete(out, pins_record())
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["spec"]["seed"] == evalsets.eval_seed("en")
    assert manifest["spec"]["kind"] == "both"
    assert manifest["font_pins"] == pins_record()
    pinned = {str(p) for p in pinned_paths()}
    assert {u["font"] for u in manifest["fonts_used"]} <= pinned

    import ppocr_bench.synth.pipeline as pipeline

    def fail(*args, **kwargs):
        raise AssertionError("a complete eval set must be reused, not synthesized again")

    monkeypatch.setattr(pipeline, "run_synth", fail)
    assert evalsets.default_eval_set("en", count=1) == out


def test_incomplete_folder_is_not_complete(tmp_path: Path):
    assert not evalsets.is_complete(tmp_path / "missing")
    (tmp_path / "manifest.json").write_text('{"complete": false}', encoding="utf-8")
    assert not evalsets.is_complete(tmp_path)


def test_count_must_be_positive():
    with pytest.raises(PpocrError, match="positive"):
        evalsets.default_eval_set("en", count=0)


def test_other_fonts_never_change_the_default_eval_set(monkeypatch, tmp_path: Path, font_subset):
    """Same code path, twice: with this machine's fonts, then with an extra system folder holding
    a DejaVu Sans of other bytes that discovery prefers (training data would draw with it)."""
    def make(cache: str) -> Path:
        monkeypatch.setenv("PPOCR_BENCH_CACHE", str(tmp_path / cache))
        return evalsets.default_eval_set("en", count=1, workers=1)

    plain = make("plain")
    extra = tmp_path / "extra-fonts"
    extra.mkdir()
    font_subset(package_font_dir("matplotlib") / "DejaVuSans.ttf", extra / "DejaVuSans.ttf",
                "".join(load_charset("en")))
    monkeypatch.setattr(font_files, "SYSTEM_FONT_DIRS", (*font_files.SYSTEM_FONT_DIRS, extra))
    assert extra / "DejaVuSans.ttf" in {f.path for f in fonts_for_lang("en")}  # discovery sees it
    other = make("other")
    assert plain.name == other.name
    assert eval_set_sha256(plain) == eval_set_sha256(other)
    images = sorted(p.relative_to(plain) for p in plain.glob("*/images/*.jpg"))
    assert images and images == sorted(p.relative_to(other) for p in other.glob("*/images/*.jpg"))
    assert all((plain / p).read_bytes() == (other / p).read_bytes() for p in images)


def test_warning_when_the_card_was_measured_on_another_set(tmp_path: Path):
    data = tmp_path / "set"
    (data / "rec").mkdir(parents=True)
    (data / "rec" / "rec_gt.txt").write_text("images/a.jpg\tabc\n", encoding="utf-8")
    card = ZooCard(tmp_path / "zoo" / "m", "m", "test card")
    assert evalsets.recorded_set_warning(card, "en", data) is None  # nothing recorded
    card.eval["en"] = {"data": "set", "data_sha256": eval_set_sha256(data)}
    assert evalsets.recorded_set_warning(card, "en", data) is None  # same labels
    assert evalsets.recorded_set_warning(card, "de", data) is None
    card.eval["en"] = {"data": "en-40-1000004", "data_sha256": "ab" * 32}
    warning = evalsets.recorded_set_warning(card, "en", data)
    assert warning is not None and "\n" not in warning
    assert warning.startswith(f"{card.path}: [eval.en] was measured on en-40-1000004")
    assert f"not on set ({eval_set_sha256(data)[:12]})" in warning
