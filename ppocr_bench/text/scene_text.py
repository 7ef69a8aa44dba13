"""Real-scene text (the ``vocab`` realism option): what signs, shop fronts and labels show.

:class:`SceneText` draws one token or short line of a language per call, a weighted mix of
kinds (:data:`SHARES`): single corpus words in sign casing, short lines, brand-like names,
numbers, prices, dates, times, opening hours, phone numbers, web addresses, percentages and
quantities, each in the language's own style (decimal comma and ``€`` after the amount in fr/de,
``円``/``¥`` in ja, ``원``/``₩`` in ko, ``年月日`` dates in zh/ja...).

The shares follow the ICDAR 2015 training word crops (1,346 words of ``shared/real``): 99 %
single words, 55 % UPPERCASE, 24 % Title Case, 14 % lower case, 8 % holding a digit, 9 % holding
punctuation (``. - ' % ! $ # , & /``); median 5 characters. So single words dominate (about
three quarters of the draws hold no space) and scene words are cased 55/30/15. Every template
and word list is cut to the language's charset when built, so each draw lies within it. The
templates and the values of their fields live in :mod:`ppocr_bench.text.scene_templates`.
"""

from __future__ import annotations

import unicodedata

import numpy as np

from ppocr_bench.text.corpus import load_words
from ppocr_bench.text.langs import NUMBER_FORMATS, SEPARATORS, get_lang
from ppocr_bench.text.scene_templates import (
    CODAS,
    FIELD,
    ONSETS,
    QUANTITIES,
    STYLES,
    VOWELS,
    decimal_text,
    template_fields,
)

#: Kind -> share of the draws (sums to 1).
SHARES: dict[str, float] = {
    "word": 0.42, "line": 0.10, "brand": 0.12, "number": 0.05, "price": 0.07, "date": 0.04,
    "time": 0.03, "hours": 0.03, "phone": 0.02, "web": 0.05, "percent": 0.04, "quantity": 0.03,
}
#: UPPER, Title, as in the corpus (lower case): the casing shares of scene words and lines.
CASES = (0.55, 0.30, 0.15)
WORD_TEMPER = 0.4  # scene words drawn with weight count**0.4: content words, not just "the"


def ascii_fold(word: str) -> str:
    """``word`` in lower-case ASCII letters and digits (accents dropped, ß -> ss, œ -> oe)."""
    word = word.lower().replace("ß", "ss").replace("œ", "oe").replace("æ", "ae")
    return "".join(c for c in unicodedata.normalize("NFKD", word) if c.isascii() and c.isalnum())


def _upper_first(word: str) -> str:
    return word[:1].upper() + word[1:]


class SceneText:
    """Real-scene text of one language (see the module docstring); every character of a draw
    is in ``allowed`` (the language's charset plus space)."""

    def __init__(self, lang: str, allowed: frozenset[str]) -> None:
        self.lang, self.allowed, self.cjk = lang, allowed, get_lang(lang).cjk
        self.thousands, self.decimal = SEPARATORS[lang]
        style = dict(STYLES[lang])
        style["phone"] = (*NUMBER_FORMATS[lang]["phone"], *style["phone"])
        self.style = {k: tuple(v for v in vs if set(FIELD.sub("", v)) <= allowed)
                      for k, vs in style.items()}
        words, counts = load_words(lang)
        latin = np.array([w.isascii() and w.isalpha() for w in words])
        long = np.array([len(w) >= 2 for w in words])
        native = ~latin if self.cjk else long
        self._words, self._cum = self._pool(words, counts, native, 2 if self.cjk else 3)
        self._latin, self._latin_cum = self._pool(words, counts, latin & long, 3)
        self._kana = [chr(c) for c in range(0x30A2, 0x30F4) if chr(c) in allowed
                      and chr(c) not in "ァィゥェォッャュョヮ"] if lang == "ja" else []
        tables = {"quantity": "unit", "word": None, "line": None, "brand": None, "web": None}
        kinds = [k for k in SHARES if tables.get(k, k) is None or self.style[tables.get(k, k)]]
        self.kinds = tuple(kinds)
        self._kind_cum = np.cumsum([SHARES[k] for k in kinds]) / sum(SHARES[k] for k in kinds)

    @staticmethod
    def _pool(words: tuple[str, ...], counts: np.ndarray, keep: np.ndarray, full: int
              ) -> tuple[list[str], np.ndarray]:
        """The words ``keep`` selects and their cumulative weights (shorter than ``full``
        characters: less often)."""
        chosen = [w for w, k in zip(words, keep) if k]
        short = np.array([len(w) < full for w in chosen], dtype=bool)
        weights = counts[keep] ** WORD_TEMPER * np.where(short, 0.3, 1.0)
        return chosen, np.cumsum(weights)

    def __call__(self, rng: np.random.Generator) -> str:
        return self.sample(rng)[1]

    def sample(self, rng: np.random.Generator, kind: str | None = None) -> tuple[str, str]:
        """(kind, text): one draw, of ``kind`` (one of :data:`SHARES`) or of a kind drawn by
        the shares. A draw that leaves the charset (casing can) is drawn again; after four
        tries, a corpus word as it is."""
        pick = kind
        for _ in range(4):
            if kind is None:
                pick = self.kinds[min(int(np.searchsorted(self._kind_cum, rng.random(), "right")),
                                      len(self.kinds) - 1)]
            text = " ".join(getattr(self, f"_{pick}")(rng).split())
            if text and self.allowed.issuperset(text):
                return str(pick), text
        return "word", self._draw(rng)

    # ------------------------------------------------------------------ pieces
    def _draw(self, rng: np.random.Generator, latin: bool = False) -> str:
        words, cum = self._words, self._cum
        if latin and self._latin:
            words, cum = self._latin, self._latin_cum
        pick = int(np.searchsorted(cum, rng.random() * cum[-1], "right"))
        return words[min(pick, len(words) - 1)]

    def _cased(self, rng: np.random.Generator, words: list[str]) -> list[str]:
        """Sign casing (:data:`CASES`) of the Latin words (CJK words have none)."""
        u = float(rng.random())
        if u < CASES[0]:
            return [w.upper() if w.isascii() or not self.cjk else w for w in words]
        if u < CASES[0] + CASES[1]:
            return [_upper_first(w) for w in words]
        return words

    def _term(self, rng: np.random.Generator) -> str:
        """A native word, or in CJK languages a Latin one a fifth of the time."""
        return self._draw(rng, latin=self.cjk and rng.random() < 0.2)

    def _pick(self, rng: np.random.Generator, key: str) -> str:
        options = self.style[key]
        return options[int(rng.integers(len(options)))]

    def _syllables(self, rng: np.random.Generator) -> str:
        parts = rng.integers(0, 1000, (int(rng.integers(2, 4)), 3))
        return "".join(ONSETS[a % len(ONSETS)] + VOWELS[b % len(VOWELS)]
                       + CODAS[c % len(CODAS)] for a, b, c in parts.tolist())

    def _stem(self, rng: np.random.Generator) -> str:
        """A lower-case ASCII name: invented from syllables or folded from corpus words."""
        u = rng.random()
        if u < 0.5 or not self._latin and self.cjk:
            return self._syllables(rng)
        source = (lambda: self._draw(rng, latin=True)) if self.cjk else (lambda: self._draw(rng))
        stem = ascii_fold(source())
        if u > 0.8:
            stem += ("-" if u > 0.93 else "") + ascii_fold(source())
        return stem or self._syllables(rng)

    # ------------------------------------------------------------------ kinds
    def _word(self, rng: np.random.Generator) -> str:
        word = self._cased(rng, [self._term(rng)])[0]
        u = rng.random()
        return word + ("!" if u < 0.025 else "." if u < 0.04 else ":" if u < 0.05 else "")

    def _line(self, rng: np.random.Generator) -> str:
        count = 2 + int(rng.random() < 0.35) + int(rng.random() < 0.1)
        words = self._cased(rng, [self._term(rng) for _ in range(count)])
        sep = "" if self.lang in ("zh", "ja") and not all(w.isascii() for w in words) else " "
        text = sep.join(words)
        if rng.random() < 0.25:
            text += " " + self.sample(rng, ("number", "price", "percent")[int(rng.integers(3))])[1]
        return text

    def _brand(self, rng: np.random.Generator) -> str:
        u = rng.random()
        if self.cjk and u < 0.5:
            if self.lang == "ja" and u < 0.25:
                kana = "".join(rng.choice(self._kana, int(rng.integers(2, 5))).tolist())
                return kana + ("ー" if rng.random() < 0.3 and "ー" in self.allowed else "")
            return self._draw(rng) + self._draw(rng)
        two = rng.random() < 0.3
        parts = [self._stem(rng)] + ([self._stem(rng)] if two else [])
        case = rng.random()
        if case < 0.4:
            name = "".join(p.upper() for p in parts)
        elif case < 0.85:
            name = "".join(_upper_first(p) for p in parts)  # Title or CamelCase
        else:
            name = "".join(parts)
        return self._decorate(rng, name)

    def _decorate(self, rng: np.random.Generator, name: str) -> str:
        """Digits, a hyphen, an apostrophe, an ampersand or a bang, on 45 % of the names."""
        u, k = rng.random(), int(rng.integers(1, 100))
        upper = name.isupper()
        if u < 0.12:
            return (f"{name}{k}", f"{name} {k}", f"{chr(65 + k % 26)}{k % 10}", f"{k}{name}")[k % 4]
        if u < 0.20:
            other = self._stem(rng)
            return f"{name}-{other.upper() if upper else _upper_first(other)}"
        if u < 0.28:
            if self.lang == "fr" and k % 2:
                return f"L'{name}" if name[:1] in "AEIOUaeiou" else f"Chez {name}"
            return f"{name}'{'S' if upper else 's'}" if k % 3 else f"{name}'"
        if u < 0.35:
            a, b = chr(65 + k % 26), chr(65 + (k * 7) % 26)
            other = _upper_first(self._stem(rng))
            forms = (f"{a}&{b}", f"{name} & {other}", f"{name} & Co.", f"{a.lower()}&{b.lower()}s")
            return forms[k % 4]
        if u < 0.39:
            return f"{name}!"
        if u < 0.45 and len(name) > 2:
            return ".".join(name[:3].upper()) + "."
        return name

    def _fields(self, rng: np.random.Generator) -> dict[str, object]:
        return template_fields(rng.random(16).tolist(), self.lang, self.style, self.thousands,
                               self.decimal)

    def _template(self, rng: np.random.Generator, key: str) -> str:
        return self._pick(rng, key).format(**self._fields(rng))

    def _number(self, rng: np.random.Generator) -> str:
        return self._template(rng, "number")

    def _price(self, rng: np.random.Generator) -> str:
        return self._template(rng, "price")

    def _date(self, rng: np.random.Generator) -> str:
        return self._template(rng, "date")

    def _time(self, rng: np.random.Generator) -> str:
        return self._template(rng, "time")

    def _hours(self, rng: np.random.Generator) -> str:
        return self._template(rng, "hours")

    def _percent(self, rng: np.random.Generator) -> str:
        return self._template(rng, "percent")

    def _quantity(self, rng: np.random.Generator) -> str:
        q = QUANTITIES[int(rng.integers(len(QUANTITIES)))]
        if rng.random() < 0.2:
            q = int(rng.integers(1, 1000))
        amount = decimal_text(q, self.decimal) if isinstance(q, float) else str(q)
        unit, u = self._pick(rng, "unit"), rng.random()
        if u < 0.15:
            return f"{int(rng.integers(2, 13))}x{amount}{unit}"
        return f"{amount}{'' if u < 0.6 else ' '}{unit}"

    def _phone(self, rng: np.random.Generator) -> str:
        template = self._pick(rng, "phone")
        digits = iter(rng.integers(0, 10, template.count("D")).tolist())
        number = "".join(str(next(digits)) if ch == "D" else ch for ch in template)
        return self._pick(rng, "tel") + number

    def _web(self, rng: np.random.Generator) -> str:
        stem, tld, u = self._stem(rng), self._pick(rng, "tld"), rng.random()
        if u < 0.35:
            text = f"www.{stem}.{tld}"
        elif u < 0.6:
            text = f"{stem}.{tld}"
        elif u < 0.75:
            text = f"{self._pick(rng, 'user')}@{stem}.{tld}"
        elif u < 0.83:
            text = f"{'https' if rng.random() < 0.5 else 'http'}://www.{stem}.{tld}"
        elif u < 0.9:
            text = f"@{stem}"
        elif u < 0.95:
            text = f"#{_upper_first(stem) if rng.random() < 0.5 else stem}"
        else:
            text = f"www.{stem}.{tld}/{self._syllables(rng)}"
        return text.upper() if rng.random() < 0.15 else text
