"""Realistic text from a language's word list: lines, scene phrases, headings, real-scene text
(:mod:`ppocr_bench.text.scene_text`).

Words are drawn by frequency (tempered so tail words appear), mixed with punctuation, numbers,
dates, prices, times and phone numbers, and Latin words inside CJK lines. Every character
returned is in the language's charset or a space.
"""

from __future__ import annotations

import bisect
from functools import lru_cache

import numpy as np

from ppocr_bench.text.corpus import load_charset, load_words
from ppocr_bench.errors import PpocrError
from ppocr_bench.text.langs import NUMBER_FORMATS, PUNCTUATION, SEPARATORS, get_lang
from ppocr_bench.text.scene_text import SceneText

TEMPER = 0.7  # words are drawn with weight count**TEMPER: flatter than Zipf, tail words appear
_KINDS = ("number", "date", "price", "time", "percent", "phone")
_KIND_CUM = [0.35, 0.5, 0.65, 0.75, 0.9, 1.0]  # cumulative shares of _KINDS
P_SPECIAL, P_QUOTE, P_END, P_MID = 0.06, 0.015, 0.07, 0.16  # per word: special, quoted, . ! ?, , ;
_FR_ELISIONS = {"l": "le", "d": "de", "j": "je", "m": "me", "n": "ne", "s": "se", "t": "te", "c": "ce",
                "qu": "que", "jusqu": "jusque", "lorsqu": "lorsque", "puisqu": "puisque"}
_FR_VOWELS = frozenset("aeiouyhàâéèêëîïôœùûüAEIOUYHÀÂÉÈÊËÎÏÔŒÙÛÜ")
_ZH_NUMERALS = "一二三四五六七八九十"


def _group(value: int, sep: str) -> str:
    return f"{value:,}".replace(",", sep)


def _fields(u: list[float], lang: str) -> dict[str, object]:
    """Values for the special templates from 9 uniforms, formatted with the language's separators."""
    thousands, decimal = SEPARATORS[lang]
    amount = 10 ** (u[0] * 4)
    whole, cents = int(amount), int(amount * 100) % 100
    return {"y": 1950 + int(u[1] * 81), "m": 1 + int(u[2] * 12), "d": 1 + int(u[3] * 28),
            "h": int(u[4] * 24), "h12": 1 + int(u[4] * 12), "mi": int(u[5] * 60),
            "y2": int(u[1] * 100), "k": 1 + int(u[6] * 99),
            "n": _group(int(10 ** (u[7] * 6)), thousands),
            "a": f"{_group(whole, thousands)}{decimal}{cents:02d}",
            "p": 1 + int(u[8] * 100), "x": f"{int(u[8] * 100)}{decimal}{int(u[6] * 10)}"}


def _phone(u: list[float], template: str) -> str:
    """``template`` with each ``D`` replaced by a digit drawn from ``u`` (enough uniforms)."""
    digits = iter(u)
    return "".join(str(int(next(digits) * 10)) if c == "D" else c for c in template)


class LineSampler:
    """Realistic text for one language, drawn only from its charset (plus space).

    Every method depends only on the ``rng`` passed in; the word tables are loaded once.
    """

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.spaced = get_lang(lang).spaced
        self.cjk = get_lang(lang).cjk
        words, counts = load_words(lang)
        latin = np.array([w.isascii() for w in words]) if self.cjk else np.zeros(len(words), bool)
        self._words, self._cum = self._pool(words, counts, ~latin)
        self._latin, self._latin_cum = self._pool(words, counts, latin)
        self._allowed = frozenset(load_charset(lang)) | {" "}
        lengths = np.array([len(w) for w in self._words], dtype=np.float64)
        self._mean_len = float(np.diff(self._cum, prepend=0.0) @ lengths / self._cum[-1]) + self.spaced
        self._last = len(self._words) - 1
        # per-word flags: French elision (l', qu'), Korean particle, German noun to capitalise
        self._elision = [lang == "fr" and w in _FR_ELISIONS for w in self._words]
        self._particle = [lang == "ko" and len(w) == 1 for w in self._words]
        self._maybe_noun = [lang == "de" and len(w) > 4 and k > 200 for k, w in enumerate(self._words)]
        if self.cjk:  # no casing in CJK lines (embedded Latin words get theirs in _latin_word)
            self._maybe_noun = [False] * len(self._words)
        self._plain = [not (e or p or n) for e, p, n in zip(self._elision, self._particle, self._maybe_noun)]
        self._check_symbols()
        self._scene: SceneText | None = None

    @staticmethod
    def _pool(words: tuple[str, ...], counts: np.ndarray, keep: np.ndarray) -> tuple[list[str], np.ndarray]:
        chosen = [w for w, k in zip(words, keep) if k]
        return chosen, np.cumsum(counts[keep] ** TEMPER)

    def _check_symbols(self) -> None:
        """The digits, templates and punctuation used here must all be in the charset."""
        mid, end, quotes = PUNCTUATION[self.lang]
        parts = ["0123456789", *mid, *end, *(q for pair in quotes for q in pair),
                 *(t for ts in NUMBER_FORMATS[self.lang].values() for t in ts)]
        if self.lang in {"zh", "ja"}:
            parts.append("第章、" + _ZH_NUMERALS)
        if self.lang == "ko":
            parts.append("제장")
        if self.lang == "fr":
            parts.append("’")
        missing = sorted(set("".join(parts)) - self._allowed)
        if missing:
            raise PpocrError(f"{get_lang(self.lang).charset_path}: lacks {''.join(missing)!r} "
                             "used by the line sampler")

    def _draw(self, rng: np.random.Generator, count: int, latin: bool = False) -> list[str]:
        words, cum = (self._latin, self._latin_cum) if latin else (self._words, self._cum)
        if not words:
            words, cum = self._words, self._cum
        idx = np.searchsorted(cum, rng.random(count) * cum[-1], side="right")
        return [words[i] for i in np.minimum(idx, len(words) - 1).tolist()]

    def special(self, rng: np.random.Generator, kind: str | None = None) -> str:
        """A number, date, price, time, percentage or phone number in the language's style."""
        u = rng.random(16).tolist()
        if kind is None:
            kind = _KINDS[min(bisect.bisect_right(_KIND_CUM, u[0]), len(_KINDS) - 1)]
        templates = NUMBER_FORMATS[self.lang][kind]
        template = templates[int(u[1] * len(templates))]
        if kind == "phone":
            return _phone(u[2:], template)
        return template.format(**_fields(u[2:], self.lang))

    def _latin_word(self, rng: np.random.Generator) -> str:
        word = self._draw(rng, 1, latin=True)[0]
        u = rng.random()
        return word.upper() if u < 0.3 else word.capitalize() if u < 0.6 else word

    def _chunk(self, rng: np.random.Generator, target: int, latin_rate: float, first: bool) -> str:
        """Words drawn by frequency, with specials, punctuation and casing, about ``target`` long.

        One rng call draws the words and all per-word decisions (a: special/Latin word, b:
        punctuation, c: quotes/elision, d: which variant), so the loop stays plain Python.
        """
        mid, end, quotes = PUNCTUATION[self.lang]
        count = 2 + int(target / self._mean_len)
        draws = rng.random((5, count))
        idx = np.minimum(self._cum.searchsorted(draws[0] * self._cum[-1], "right"), self._last)
        table, nouns, particles, elisions = self._words, self._maybe_noun, self._particle, self._elision
        plain = self._plain
        cut_word, words, glue, capital = P_SPECIAL + latin_rate, [], [], first and not self.cjk and draws[1, 0] < 0.8
        for i, a, b, c, d in zip(idx.tolist(), *draws[1:].tolist()):
            word = table[i]
            if a >= cut_word and b >= P_MID and c >= P_QUOTE and plain[i] and not capital:
                words.append(word)  # fast path: most words need nothing
                glue.append(False)
                continue
            if a < cut_word:
                word = self.special(rng) if a < P_SPECIAL else self._latin_word(rng)
            elif capital or (nouns[i] and d < 0.3):
                word = word[0].upper() + word[1:]
            if c < P_QUOTE:
                left, right = quotes[int(d * len(quotes))]
                word = left + word + right
            if b < P_MID:
                word += end[int(d * len(end))] if b < P_END else mid[int(d * len(mid))]
                capital = b < P_END
            else:
                capital = False
            bare = a >= cut_word and b >= P_MID and c >= P_QUOTE
            if particles[i] and bare and words and words[-1][-1].isalpha() and d < 0.7:
                glue[-1] = True  # Korean particle: no space before it
            elision = elisions[i] and bare and c > 0.2
            if elision:
                word += "’" if d < 0.3 else "'"
            glue.append(elision)
            words.append(word)
        if self.lang == "fr":
            _fix_elisions(words, glue)
        return self._join(words, glue, rng)

    def _join(self, words: list[str], glue: list[bool], rng: np.random.Generator) -> str:
        if self.spaced:
            return "".join([w if g else w + " " for w, g in zip(words, glue)]).strip()
        if rng.random() < 0.5:  # CJK: on half the lines, Latin words and numbers get spaces around them
            return "".join(words)
        return "".join(f" {w} " if w[0].isascii() and w[-1].isascii() else w for w in words)

    def line(self, rng: np.random.Generator, min_chars: int, max_chars: int) -> str:
        """A text line of ``min_chars``..``max_chars`` characters (both >= 1)."""
        if not 1 <= min_chars <= max_chars:
            raise PpocrError(f"line length bounds must satisfy 1 <= min <= max, got {min_chars}, {max_chars}")
        u, v = rng.random(2).tolist()
        target = min_chars + int(u * (max_chars - min_chars + 1))
        latin_rate = 0.12 if self.cjk and v < 0.35 else 0.0
        text = self._chunk(rng, target + 4, latin_rate, True)
        while len(text) < target + 1:
            text += " " * self.spaced + self._chunk(rng, target + 4 - len(text), latin_rate, False)
        return self._validate(_fit(" ".join(text.split()), min_chars, max_chars, target, self.spaced))

    def phrase(self, rng: np.random.Generator) -> str:
        """A scene-text phrase: 1-3 words, a number, price, phone, date or an ALL-CAPS sign."""
        u = rng.random(3)
        if u[0] < 0.25:
            kind = ("price", "phone", "number", "date", "time", "percent")[int(u[1] * 6)]
            text = self.special(rng, kind)
            if u[2] < 0.4:
                text = self._words_text(rng, 1, u[2]) + " " + text
            return self._validate(text)
        return self._validate(self._words_text(rng, 1 + int(u[1] * 3), u[2]))

    def _words_text(self, rng: np.random.Generator, count: int, case: float) -> str:
        words = self._draw(rng, count)
        if self.spaced and not self.cjk:
            if case < 0.25:
                words = [w.upper() for w in words]
            elif case < 0.6:
                words = [w[0].upper() + w[1:] for w in words]
        elif self.cjk and case < 0.15:
            words.append(self._latin_word(rng))
        return (" " if self.spaced else "").join(words)

    def scene_text(self, rng: np.random.Generator) -> str:
        """Real-scene text: a sign word, a brand, a price, a date, a URL... in the shares of
        :data:`ppocr_bench.text.scene_text.SHARES` (the tables are built on first use)."""
        if self._scene is None:
            self._scene = SceneText(self.lang, self._allowed)
        return self._validate(self._scene(rng))

    def heading(self, rng: np.random.Generator) -> str:
        """A document heading: a few title-cased words, sometimes numbered like '2.1' or '第3章'."""
        u = rng.random(3)
        text = self._words_text(rng, 2 + int(u[0] * 4), 0.25 + u[1] * 0.35)
        if self.spaced and not self.cjk:
            text = text[0].upper() + text[1:]
        if u[2] < 0.35:
            k = 1 + int(u[0] * 9)
            if self.lang in {"zh", "ja"}:
                prefix = f"第{k}章 " if u[2] < 0.15 else f"{_ZH_NUMERALS[k - 1]}、"
            elif self.lang == "ko":
                prefix = f"제{k}장 "
            else:
                prefix = f"{k}. " if u[2] < 0.2 else f"{k}.{1 + int(u[1] * 9)} "
            text = prefix + text
        return self._validate(" ".join(text.split()))

    def _validate(self, text: str) -> str:
        if not text or not self._allowed.issuperset(text):
            raise AssertionError(f"sampler for {self.lang} produced {text!r} outside its charset")
        return text


def _fix_elisions(words: list[str], glue: list[bool]) -> None:
    """French: keep l’/qu’ only before a vowel or h, write le/que otherwise (in place)."""
    for k, elided in enumerate(glue):
        if elided and (k + 1 == len(words) or words[k + 1][0] not in _FR_VOWELS):
            short = words[k][:-1]
            full = _FR_ELISIONS[short.lower()]
            words[k] = full.capitalize() if short[0].isupper() else full
            glue[k] = False


def _fit(text: str, lo: int, hi: int, target: int, spaced: bool) -> str:
    """Cut ``text`` to a length in [lo, hi] near ``target``: at a space when ``spaced``, else
    anywhere but inside a run of ASCII letters/digits (a Latin word or number in a CJK line)."""
    if lo <= len(text) <= hi:
        return text
    cut, top = target, min(hi, len(text) - 1)
    for off in range(max(target - lo, top - target) + 1):  # nearest boundary to target first
        cands = (target - off, target + off) if off else (target,)
        found = [i for i in cands if lo <= i <= top and _boundary(text, i, spaced)]
        if found:
            cut = found[0]
            break
    out = text[:cut].rstrip()
    if len(out) < lo:  # cut right after a space: drop that space, keep the length
        out = text[:cut - 1] + text[cut]
    return out


def _boundary(text: str, i: int, spaced: bool) -> bool:
    if spaced:
        return text[i] == " "
    return not (text[i - 1].isascii() and text[i - 1].isalnum() and text[i].isascii() and text[i].isalnum())


@lru_cache(maxsize=None)
def get_sampler(lang: str) -> LineSampler:
    """The shared LineSampler of ``lang`` (built once per process)."""
    return LineSampler(lang)
