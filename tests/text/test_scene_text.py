"""Real-scene text (``LineSampler.scene_text``): inside the charset in every language, the
documented shares of kinds and casing, each kind looking like what it names, deterministic."""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
import pytest

from ppocr_bench.text.corpus import load_charset
from ppocr_bench.text.langs import LANGS
from ppocr_bench.text.sampler import LineSampler
from ppocr_bench.text.scene_text import CASES, SHARES, SceneText, ascii_fold

N = 3000
CURRENCY = {"en": "$£€", "fr": "€", "de": "€", "zh": "¥￥元", "ja": "円¥￥", "ko": "원₩", "ru": "₽р"}
PATTERNS = {  # every draw of the kind matches
    "number": r"\d",
    "date": r"\d{1,4}\s?[-/.年년月월]\s?\d|[^\W\d]{3,}\.? \d|\d\.? [^\W\d]{3}",
    "time": r"\d{1,2}(:\d\d| ?[hH]|\.\d\d| ?Uhr|時|点|시| ?[AaPp][Mm]| ч)",
    "hours": r"\d|GEÖFFNET|無休|定休|무휴|营业|КРУГЛОСУТОЧНО",
    "phone": r"(\d[\d .()/-]*){6,}",
    "web": r"(?i)^(www\.|https?://|@|#)|\.([a-z]{2,3}|рф)(\.[a-z]{2})?$|@",
    "percent": r"\d ?[%％]|\d折|\d割",
    "quantity": r"\d ?[A-Za-zА-Яа-я.克千斤升毫米公里件个個枚本개병]+$",
}


@pytest.fixture(scope="module")
def draws() -> dict[str, list[tuple[str, str]]]:
    out = {}
    for lang in LANGS:
        scene = SceneText(lang, frozenset(load_charset(lang)) | {" "})
        rng = np.random.default_rng([7, list(LANGS).index(lang)])
        out[lang] = [scene.sample(rng) for _ in range(N)]
    return out


@pytest.mark.parametrize("lang", list(LANGS))
def test_scene_text_stays_in_the_charset_and_is_clean(lang):
    sampler, allowed = LineSampler(lang), set(load_charset(lang)) | {" "}
    rng = np.random.default_rng(1)
    for _ in range(1500):
        text = sampler.scene_text(rng)
        assert text and set(text) <= allowed, text
        assert text == " ".join(text.split()), text


@pytest.mark.parametrize("lang", list(LANGS))
def test_kinds_come_in_the_documented_shares(lang, draws):
    scene = SceneText(lang, frozenset(load_charset(lang)) | {" "})
    assert scene.kinds == tuple(SHARES)  # every kind has templates in every language
    counts = Counter(kind for kind, _ in draws[lang])
    for kind, share in SHARES.items():
        assert abs(counts[kind] / N - share) < 0.025, (kind, counts[kind] / N)
    single = np.mean([" " not in text for _, text in draws[lang]])
    assert single > 0.65  # single words and tokens dominate, as in ICDAR crops


@pytest.mark.parametrize("lang", list(LANGS))
def test_each_kind_looks_like_what_it_names(lang, draws):
    by_kind: dict[str, list[str]] = {}
    for kind, text in draws[lang]:
        by_kind.setdefault(kind, []).append(text)
    for kind, pattern in PATTERNS.items():
        bad = [t for t in by_kind[kind] if not re.search(pattern, t)]
        assert not bad, (kind, bad[:5])
    prices = by_kind["price"]
    assert all(any(c in t for c in CURRENCY[lang]) or re.search("EUR|USD|RMB|KRW|,-$", t)
               for t in prices), prices[:5]
    if lang in ("fr", "de", "ru"):  # decimal comma
        assert not any(re.search(r"\d\.\d\d(?!\d)", t) for t in prices), prices[:5]
        assert any(re.search(r"\d,\d\d", t) for t in prices)
    else:
        assert not any(re.search(r"\d,\d\d(?!\d)", t) and not re.search(r"\d,\d{3}", t)
                       for t in prices)
    assert all(" " not in t for t in by_kind["word"])
    assert any(t.startswith("www.") or t.startswith("WWW.") for t in by_kind["web"])
    assert any("@" in t for t in by_kind["web"])
    brands = by_kind["brand"]
    for mark in ("&", "-", "!"):
        assert any(mark in t for t in brands), mark
    assert any(re.search(r"\d", t) for t in brands)
    if lang in ("en", "de"):
        assert any("'" in t for t in brands)


@pytest.mark.parametrize("lang", ["en", "fr", "de"])
def test_latin_scene_words_are_cased_like_signs(lang, draws):
    words = [t.rstrip("!.:") for kind, t in draws[lang] if kind == "word"]
    upper = np.mean([w.isupper() for w in words])
    title = np.mean([w[:1].isupper() and not w.isupper() for w in words])
    assert abs(upper - CASES[0]) < 0.05 and abs(title - CASES[1]) < 0.08, (upper, title)


def test_scene_text_is_deterministic_and_uses_only_its_rng():
    a, b = LineSampler("en"), LineSampler("en")
    first = [a.scene_text(np.random.default_rng([3, i])) for i in range(50)]
    b.scene_text(np.random.default_rng(99))  # another draw before does not change anything
    assert first == [b.scene_text(np.random.default_rng([3, i])) for i in range(50)]
    assert first != [b.scene_text(np.random.default_rng([4, i])) for i in range(50)]


def test_ascii_fold_makes_domain_names():
    assert ascii_fold("Größe") == "grosse"
    assert ascii_fold("Cœur d'Été") == "coeurdete"
