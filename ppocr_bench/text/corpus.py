"""Charsets and word lists per language: building them, loading them, checking them.

Each language has two committed files under ``corpora/<code>/``:

- ``charset.txt``: one character per line (UTF-8), ordered by code point. Space is not listed: it
  is implicitly allowed everywhere.
- ``words.tsv``: ``word<TAB>count``, the most frequent words of wordfreq (count per billion
  words), filtered to the charset, most frequent first.

``build_corpus`` rebuilds both (needs the optional ``wordfreq`` extra);
``ppocr_bench.text.sampler.LineSampler`` turns them into text lines, scene phrases and headings.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from types import ModuleType

import numpy as np

from ppocr_bench.errors import PpocrError
from ppocr_bench.text.charset import read_charset_file, write_charset_file
from ppocr_bench.text.langs import (
    CJK_EXTRA, LATIN_EXTRA, OTHER_EXTRA, get_lang,
)

ASCII = "".join(chr(c) for c in range(0x21, 0x7F))

# German noun endings: wordfreq lowercases everything, these words get their capital back.
_DE_NOUN_SUFFIXES = ("ung", "heit", "keit", "schaft", "tion", "tät", "nis", "ismus", "ment",
                     "ling", "tur", "enz", "anz", "ik")


def _double_byte(codec: str, rows: range, cols: range) -> list[str]:
    """The characters a double-byte codec maps the byte pairs ``rows x cols`` to."""
    chars = []
    for hi in rows:
        for lo in cols:
            try:
                chars.append(bytes([hi, lo]).decode(codec))
            except UnicodeDecodeError:
                continue
    return chars


def _kana_kanji() -> list[str]:
    kana = [chr(c) for c in (*range(0x3041, 0x3097), *range(0x309D, 0x309F),
                             *range(0x30A1, 0x30FB), *range(0x30FC, 0x30FF))]
    return kana + _double_byte("euc_jp", range(0xB0, 0xD0), range(0xA1, 0xFF))


#: The letters of each language whose script is not Latin: GB2312 Hanzi, kana + JIS level-1
#: kanji, KS X 1001 Hangul, the 66 letters of the Russian alphabet (А..я, Ё, ё).
LETTERS = {
    "zh": lambda: _double_byte("gb2312", range(0xB0, 0xF8), range(0xA1, 0xFF)),
    "ja": _kana_kanji,
    "ko": lambda: _double_byte("euc_kr", range(0xB0, 0xC9), range(0xA1, 0xFF)),
    "ru": lambda: [chr(c) for c in range(0x410, 0x450)] + ["Ё", "ё"],
}


def build_charset(lang: str) -> list[str]:
    """The charset of ``lang`` from Python's codec tables and fixed lists, by code point."""
    get_lang(lang)
    extra = LATIN_EXTRA.get(lang, "") + CJK_EXTRA.get(lang, "") + OTHER_EXTRA.get(lang, "")
    chars = set(ASCII) | set(extra) | set(LETTERS[lang]() if lang in LETTERS else ())
    return sorted(chars, key=ord)


def _import_wordfreq() -> ModuleType:
    try:
        import wordfreq
    except ImportError:
        raise PpocrError(
            "building a corpus needs wordfreq: pip install 'ppocr-bench[corpus]'"
        ) from None
    return wordfreq


def _keep_word(word: str, allowed: set[str], lang: str) -> bool:
    """Whether a wordfreq token is a clean word of ``lang`` drawable with its charset."""
    if not word or not word[0].isalpha() or not word[-1].isalpha():
        return False
    if any(not (ch.isalpha() or ch in "'-") for ch in word):
        return False
    if not set(word + word.upper() + word.capitalize()) <= allowed:
        return False
    if word.isascii() and get_lang(lang).script != "latin":
        # Latin words in a CJK list are drawn apart (embedded in native lines); in another
        # script's list (ru: "the", "of") they are noise
        return get_lang(lang).cjk and len(word) >= 2 and word.isalpha()
    return True


def _recase(word: str, lang: str) -> str:
    if lang == "en" and (word == "i" or word.startswith("i'")):
        return "I" + word[1:]
    if lang == "de" and len(word) >= 6 and word.endswith(_DE_NOUN_SUFFIXES):
        return word.capitalize()
    return word


def build_words(lang: str, charset: list[str], limit: int | None = None) -> list[tuple[str, int]]:
    """The top ``limit`` wordfreq words of ``lang`` within ``charset``, as (word, count/1e9)."""
    wordfreq = _import_wordfreq()
    allowed = set(charset)
    freqs = wordfreq.get_frequency_dict(lang)
    ranked = sorted(freqs.items(), key=lambda kv: (-kv[1], kv[0]))
    out: dict[str, int] = {}
    for word, freq in ranked:
        if _keep_word(word, allowed, lang):
            cased = _recase(word, lang)
            out.setdefault(cased, max(1, round(freq * 1e9)))
            if len(out) >= (limit or get_lang(lang).words):
                break
    return list(out.items())


def build_corpus(lang: str, out_dir: Path | None = None) -> dict:
    """Write ``charset.txt`` and ``words.tsv`` for ``lang`` (default: ``corpora/<lang>/``).

    Returns a summary: lang, charset_path, charset_size, words_path, words, words_bytes.
    """
    out_dir = Path(out_dir) if out_dir is not None else get_lang(lang).corpus_dir
    charset = build_charset(lang)
    words = build_words(lang, charset)
    out_dir.mkdir(parents=True, exist_ok=True)
    charset_path, words_path = out_dir / "charset.txt", out_dir / "words.tsv"
    write_charset_file(charset_path, charset)
    words_path.write_text("".join(f"{w}\t{c}\n" for w, c in words), encoding="utf-8")
    _charset.cache_clear()
    load_words.cache_clear()
    from ppocr_bench.text.sampler import get_sampler  # built on the files just rewritten

    get_sampler.cache_clear()
    return {"lang": lang, "charset_path": str(charset_path), "charset_size": len(charset),
            "words_path": str(words_path), "words": len(words),
            "words_bytes": words_path.stat().st_size}


def _read_lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise PpocrError(f"{path}: file not found (rebuild: ppocr-bench corpus build)") from None
    except UnicodeDecodeError as exc:
        raise PpocrError(f"{path}: not valid UTF-8 ({exc.reason} at byte {exc.start})") from None


@lru_cache(maxsize=None)
def _charset(lang: str) -> tuple[str, ...]:
    """A language's charset file (:mod:`ppocr_bench.text.charset` rules, and no whitespace:
    the space is implicitly allowed everywhere)."""
    path = get_lang(lang).charset_path
    if not path.is_file():
        raise PpocrError(f"{path}: file not found (rebuild: ppocr-bench corpus build)")
    chars = read_charset_file(path)
    for lineno, ch in enumerate(chars, 1):
        if ch.isspace():
            raise PpocrError(f"{path}:{lineno}: {ch!r}: a language's charset lists no whitespace "
                             "(the space is implicit)")
    return tuple(chars)


def load_charset(lang: str) -> list[str]:
    """The characters of ``lang``'s charset in file order (space not included)."""
    return list(_charset(lang))


@lru_cache(maxsize=None)
def load_words(lang: str) -> tuple[tuple[str, ...], np.ndarray]:
    """(words, counts) of ``lang``'s words.tsv, keeping only words within its charset."""
    path = get_lang(lang).corpus_dir / "words.tsv"
    allowed = set(_charset(lang))
    words, counts = [], []
    for lineno, line in enumerate(_read_lines(path), 1):
        word, _, count = line.partition("\t")
        if not count.isdigit() or not word:
            raise PpocrError(f"{path}:{lineno}: expected 'word<TAB>count', got {line!r}")
        if set(word) <= allowed:
            words.append(word)
            counts.append(int(count))
    if not words:
        raise PpocrError(f"{path}: no word of this file is within {get_lang(lang).charset_path}")
    return tuple(words), np.asarray(counts, dtype=np.float64)
