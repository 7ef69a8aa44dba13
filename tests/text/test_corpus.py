import re

import numpy as np
import pytest

from ppocr_bench.text import corpus, langs, sampler
from ppocr_bench.text.corpus import build_charset, load_charset, load_words
from ppocr_bench.text.sampler import LineSampler, get_sampler
from ppocr_bench.errors import PpocrError

CODES = ["zh", "en", "fr", "de", "ja", "ko"]
CJK = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7a3]")


def _count(chars: list[str], lo: str, hi: str) -> int:
    return sum(lo <= ch <= hi for ch in chars)


def test_charset_sizes():
    zh, ja, ko = load_charset("zh"), load_charset("ja"), load_charset("ko")
    assert _count(zh, "\u4e00", "\u9fff") == 6763 and len(zh) >= 6000
    assert {chr(c) for c in range(0x3041, 0x3097)} <= set(ja)  # hiragana
    assert {chr(c) for c in range(0x30A1, 0x30FB)} <= set(ja)  # katakana
    assert _count(ja, "\u4e00", "\u9fff") >= 2000
    assert _count(ko, "\uac00", "\ud7a3") == 2350
    for code in ("zh", "ja"):
        assert set("，。、「」（）") <= set(load_charset(code))


@pytest.mark.parametrize("code", CODES)
def test_charset_files_well_formed(code: str):
    path = langs.get_lang(code).charset_path
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[-1] == ""
    chars = lines[:-1]
    assert all(len(ch) == 1 and not ch.isspace() for ch in chars)
    assert chars == sorted(set(chars), key=ord)
    assert {chr(c) for c in range(0x21, 0x7F)} <= set(chars)
    assert load_charset(code) == chars == build_charset(code)


@pytest.mark.parametrize(("code", "letters"), [
    ("fr", "àâæçéèêëîïôœùûüÿ«»’€"), ("de", "äöüßẞ„“€"), ("en", "€£’“”")])
def test_latin_extras(code: str, letters: str):
    charset = set(load_charset(code))
    assert set(letters) <= charset
    assert {ch.upper() for ch in letters if ch.isalpha() and ch != "ß"} <= charset


@pytest.mark.parametrize("code", CODES)
def test_words_files(code: str):
    path = langs.get_lang(code).corpus_dir / "words.tsv"
    assert path.stat().st_size < 1_000_000
    words, counts = load_words(code)
    assert len(words) >= 20000 and len(set(words)) == len(words)
    assert len(words) == len(path.read_text(encoding="utf-8").splitlines())
    assert np.all(np.diff(counts) <= 0)
    allowed = set(load_charset(code))
    assert all(set(w) <= allowed and " " not in w for w in words)


def test_malformed_charset_names_the_file(tmp_path, monkeypatch):
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "charset.txt").write_text("a\nbc\n", encoding="utf-8")
    monkeypatch.setattr(langs, "CORPORA_DIR", tmp_path)
    corpus._charset.cache_clear()
    try:
        with pytest.raises(PpocrError, match=r"charset.txt:2: expected one character per line, got 'bc'"):
            load_charset("en")
        corpus._charset.cache_clear()
        (tmp_path / "en" / "charset.txt").write_text("a\n \nb\n", encoding="utf-8")
        with pytest.raises(PpocrError, match=r"charset.txt:2: ' ': a language's charset lists no whitespace"):
            load_charset("en")
        (tmp_path / "en" / "charset.txt").unlink()
        with pytest.raises(PpocrError, match="charset.txt: file not found"):
            load_charset("en")
    finally:
        corpus._charset.cache_clear()


def test_build_corpus_reproduces_committed_files(tmp_path):
    pytest.importorskip("wordfreq")
    summary = corpus.build_corpus("de", tmp_path)
    assert summary["charset_size"] == len(load_charset("de"))
    committed = langs.get_lang("de").corpus_dir
    assert (tmp_path / "charset.txt").read_bytes() == (committed / "charset.txt").read_bytes()
    assert (tmp_path / "words.tsv").read_bytes() == (committed / "words.tsv").read_bytes()


@pytest.mark.parametrize("code", CODES)
def test_lines_use_charset_and_respect_bounds(code: str):
    rng = np.random.default_rng(7)
    sampler = get_sampler(code)
    allowed = set(load_charset(code)) | {" "}
    for i in range(600):
        lo = 1 + i % 40
        hi = lo + int(rng.integers(0, 30))
        text = sampler.line(rng, lo, hi)
        assert lo <= len(text) <= hi, (lo, hi, text)
        assert set(text) <= allowed
        assert text == text.strip() and "  " not in text
    for make in (sampler.phrase, sampler.heading):
        for _ in range(300):
            text = make(rng)
            assert text and set(text) <= allowed and text == text.strip() and "  " not in text


@pytest.mark.parametrize("code", CODES)
def test_sampler_is_deterministic(code: str):
    def draw(seed: int) -> list[str]:
        rng = np.random.default_rng(seed)
        fresh = LineSampler(code)
        return [fresh.line(rng, 5, 40) for _ in range(20)] + [fresh.phrase(rng), fresh.heading(rng)]

    assert draw(3) == draw(3)
    assert draw(3) != draw(4)


@pytest.mark.parametrize("code", CODES)
def test_lines_have_variety(code: str):
    rng = np.random.default_rng(0)
    sampler = get_sampler(code)
    lines = [sampler.line(rng, 10, 30) for _ in range(400)]
    assert len(set(lines)) == 400
    with_digits = sum(any(ch.isdigit() for ch in line) for line in lines)
    assert 0.05 * 400 < with_digits < 0.7 * 400
    lengths = [len(line) for line in lines]
    assert len(set(lengths)) >= 15
    if code in ("en", "fr", "de"):
        words = {w for line in lines for w in line.split()}
        assert len(words) > 1000
        assert sum(line[0].isupper() for line in lines) > 200
    else:
        assert len({ch for line in lines for ch in line}) > 400
        assert 0.05 * 400 < sum(bool(re.search(r"[A-Za-z]{2}", line)) for line in lines) < 0.6 * 400


@pytest.mark.parametrize("code", ["zh", "ja"])
def test_cjk_lines_have_no_space_between_cjk_characters(code: str):
    rng = np.random.default_rng(1)
    sampler = get_sampler(code)
    for _ in range(500):
        line = sampler.line(rng, 5, 40)
        assert not re.search(CJK.pattern + " " + CJK.pattern, line), line


@pytest.mark.parametrize("code", CODES)
def test_tiny_and_equal_bounds(code: str):
    rng = np.random.default_rng(2)
    sampler = get_sampler(code)
    for n in (1, 2, 3, 8):
        for _ in range(50):
            assert len(sampler.line(rng, n, n)) == n
    with pytest.raises(PpocrError):
        sampler.line(rng, 5, 4)


def test_unknown_language():
    with pytest.raises(PpocrError, match="zh, en, fr, de, ja, ko"):
        load_charset("xx")


def test_french_elisions_only_before_vowels():
    words = ["L’", "chat", "l'", "ami", "D'", "hiver", "qu'"]
    glue = [True, False, True, False, True, False, True]
    sampler._fix_elisions(words, glue)
    assert words == ["Le", "chat", "l'", "ami", "D'", "hiver", "que"]
    assert glue == [False, False, True, False, True, False, False]
