"""Default eval sets: the seed rule, the cache folder, creation and reuse."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ppocr_bench.eval import sets as evalsets
from ppocr_bench.errors import PpocrError
from ppocr_bench.text.langs import LANGS


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
    assert evalsets.eval_set_dir("fr", 40) == tmp_path / "evalsets" / "fr-40-1000005"
    monkeypatch.delenv("PPOCR_BENCH_CACHE")
    assert evalsets.eval_sets_root() == Path.home() / ".cache" / "ppocr-bench" / "evalsets"


def test_default_eval_set_is_made_once_then_reused(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("PPOCR_BENCH_CACHE", str(tmp_path))
    out = evalsets.default_eval_set("en", count=1, workers=1)
    assert out == tmp_path / "evalsets" / "en-1-1000004"
    assert evalsets.is_complete(out)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["spec"]["seed"] == evalsets.eval_seed("en")
    assert manifest["spec"]["kind"] == "both"

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
