"""Recognizer charsets named by language: one, or a script's union."""

from __future__ import annotations

import pytest

from ppocr_bench.text.corpus import load_charset
from ppocr_bench.errors import PpocrError
from ppocr_bench.train.charset import resolve_charset


def test_union_of_latin_languages_keeps_order_and_drops_repeats():
    en, fr, de = (load_charset(lang) for lang in ("en", "fr", "de"))
    latin = resolve_charset("lang:en+fr+de")
    assert latin[: len(en)] == en
    assert len(latin) == len(set(latin)) == len(set(en) | set(fr) | set(de))
    assert set(latin) == set(en) | set(fr) | set(de)
    assert resolve_charset("lang:fr") == fr


def test_unknown_language_or_file_is_a_clear_error(tmp_path):
    with pytest.raises(PpocrError, match="unknown language 'xx'"):
        resolve_charset("lang:en+xx")
    with pytest.raises(PpocrError, match="no such charset file"):
        resolve_charset(str(tmp_path / "missing.txt"))
