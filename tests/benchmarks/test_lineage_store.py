"""benchmarks/lineage.py's store: a measured (entry, set) pair is kept and skipped on a rerun,
unless the entry's weights changed since (a republished entry is measured again)."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from ppocr_bench import REPO_ROOT

sys.path.insert(0, str(REPO_ROOT / "benchmarks"))
import lineage  # noqa: E402


@dataclass
class Model:
    task: str
    weights: str


@dataclass
class Card:
    """The parts of a ZooCard that lineage.measure reads."""

    name: str
    root: Path
    models: list

    def resolve(self, weights: str) -> Path:
        return self.root / weights

    def find(self, task: str, lang: str | None = None):
        return next((m for m in self.models if m.task == task), None)


@pytest.fixture()
def setup(tmp_path, monkeypatch):
    calls: list[tuple[str, str]] = []

    def fake_eval(card, data, lang, threads, latency_runs):
        calls.append((card.name, lang))
        return {"system": {"hmean": 0.5}}

    monkeypatch.setattr(lineage, "evaluate_zoo", fake_eval)
    monkeypatch.setattr(lineage, "default_eval_set", lambda lang, count: tmp_path / lang)
    (tmp_path / "a.safetensors").write_bytes(b"weights one")
    card = Card("a", tmp_path, [Model("det", "a.safetensors")])
    return card, tmp_path / "store" / "lineage.json", calls


def test_rerun_skips_what_is_stored(setup):
    card, store, calls = setup
    lineage.measure([card], ["en", "fr"], 1, 1, 1, store, real=False)
    assert calls == [("a", "en"), ("a", "fr")]
    stored = json.loads(store.read_text(encoding="utf-8"))
    assert stored["en"]["a"]["weights"] == lineage.weights_digest(card)
    lineage.measure([card], ["en", "fr"], 1, 1, 1, store, real=False)
    assert calls == [("a", "en"), ("a", "fr")]


def test_republished_entry_is_measured_again(setup):
    card, store, calls = setup
    lineage.measure([card], ["en"], 1, 1, 1, store, real=False)
    (card.root / "a.safetensors").write_bytes(b"weights two")
    lineage.measure([card], ["en"], 1, 1, 1, store, real=False)
    assert calls == [("a", "en"), ("a", "en")]
    stored = json.loads(store.read_text(encoding="utf-8"))
    assert stored["en"]["a"]["weights"] == lineage.weights_digest(card)


def test_result_without_digest_is_kept(setup):
    card, store, calls = setup
    store.parent.mkdir(parents=True)
    store.write_text(json.dumps({"en": {"a": {"system": {"hmean": 0.1}}}}), encoding="utf-8")
    lineage.measure([card], ["en"], 1, 1, 1, store, real=False)
    assert calls == []
