"""The languages of ppocr-bench: code, script, where their charset lives, and the text data of
each (extra characters, number formats, punctuation). Adding one: corpora/ADDING_A_LANGUAGE.md;
``tests/text/test_langs.py`` checks that every table here and in
:mod:`ppocr_bench.text.scene_templates` has every language."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ppocr_bench import REPO_ROOT
from ppocr_bench.errors import PpocrError

#: The scripts: a zoo recognizer serves the languages of one script.
SCRIPTS = ("latin", "han", "japanese", "hangul", "cyrillic")
CJK_SCRIPTS = frozenset({"han", "japanese", "hangul"})
CORPORA_DIR = REPO_ROOT / "corpora"


@dataclass(frozen=True)
class Language:
    """One supported language.

    ``script`` groups languages that share a recognizer charset in the zoo (``latin``, ``han``,
    ``japanese``, ``hangul``, ``cyrillic``: :data:`SCRIPTS`); ``vertical`` says whether vertical
    text lines are a real layout; ``spaced``: words are separated by spaces (not in zh, ja);
    ``words``: how many wordfreq words ``corpus build`` keeps; ``tesseract``: the Tesseract
    language (traineddata) of the peer system.
    """

    code: str
    name: str
    script: str
    tesseract: str
    vertical: bool = False
    spaced: bool = True
    words: int = 25000

    def __post_init__(self) -> None:
        if self.script not in SCRIPTS:
            raise ValueError(f"language {self.code}: unknown script {self.script!r} (add it to "
                             "SCRIPTS)")

    @property
    def cjk(self) -> bool:
        """Chinese, Japanese or Korean: no letter case, Latin words embedded in native lines."""
        return self.script in CJK_SCRIPTS

    @property
    def corpus_dir(self) -> Path:
        return CORPORA_DIR / self.code

    @property
    def charset_path(self) -> Path:
        return self.corpus_dir / "charset.txt"


LANGS: dict[str, Language] = {
    lang.code: lang
    for lang in (
        Language("zh", "Chinese (Simplified)", "han", "chi_sim", vertical=True, spaced=False,
                 words=30000),
        Language("en", "English", "latin", "eng"),
        Language("fr", "French", "latin", "fra"),
        Language("de", "German", "latin", "deu"),
        Language("ja", "Japanese", "japanese", "jpn", vertical=True, spaced=False, words=30000),
        Language("ko", "Korean", "hangul", "kor", words=30000),
        Language("ru", "Russian", "cyrillic", "rus"),
    )
}


def get_lang(code: str) -> Language:
    """The language named by ``code``; a PpocrError listing the supported codes otherwise."""
    try:
        return LANGS[code]
    except KeyError:
        raise PpocrError(
            f"unknown language {code!r}: supported languages are {', '.join(LANGS)}"
        ) from None


# --- per-language text data (charset extras, number formats, punctuation) ---------------------

# Characters added to ASCII in each charset (CJK letters come from codec tables, see corpus.py).
_FR_LOWER = "àâæçéèêëîïôœùûüÿ"
_LATIN_TYPO = "‘’“”–—…°€"
LATIN_EXTRA = {
    "en": _LATIN_TYPO + "£",
    "fr": _LATIN_TYPO + _FR_LOWER + _FR_LOWER.upper() + "«»",
    "de": _LATIN_TYPO + "äöüÄÖÜßẞ„‚",
}
#: Characters added to ASCII in a charset of another script (its letters: ``corpus.LETTERS``).
OTHER_EXTRA = {
    "ru": _LATIN_TYPO + "«»„№₽",
}
CJK_EXTRA = {
    "zh": "，。、；：？！“”‘’（）《》〈〉【】「」『』…—·～￥¥％〇",
    "ja": "、。，．・：；？！「」『』（）［］【】〈〉《》〔〕…—～￥¥％＆々〆〇‘’“”",
    "ko": "·‘’“”「」『』《》〈〉【】…※₩～",
}
SEPARATORS = {"en": (",", "."), "fr": (" ", ","), "de": (".", ","), "zh": (",", "."),
               "ja": (",", "."), "ko": (",", "."), "ru": (" ", ",")}
# Numbers, dates, prices, times, percentages and phone numbers as written in each language:
# "D" in a phone template is a random digit, the {fields} come from ``corpus._fields``.
NUMBER_FORMATS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {"number": ("{n}", "{x}", "No. {k}", "#{k}"),
           "date": ("{m:02d}/{d:02d}/{y}", "{y}-{m:02d}-{d:02d}", "{m}/{d}/{y2:02d}"),
           "price": ("${a}", "£{a}", "€{a}", "${n}"), "time": ("{h}:{mi:02d}", "{h12}:{mi:02d} pm"),
           "percent": ("{p}%", "{x}%"), "phone": ("(DDD) DDD-DDDD", "DDD-DDD-DDDD", "+1 DDD DDD DDDD")},
    "fr": {"number": ("{n}", "{x}", "n° {k}"),
           "date": ("{d:02d}/{m:02d}/{y}", "{d}/{m}/{y2:02d}"),
           "price": ("{a} €", "{n} €", "{a}€"), "time": ("{h}h{mi:02d}", "{h}:{mi:02d}"),
           "percent": ("{p} %", "{x} %"), "phone": ("0D DD DD DD DD", "+33 D DD DD DD DD")},
    "de": {"number": ("{n}", "{x}", "Nr. {k}"),
           "date": ("{d:02d}.{m:02d}.{y}", "{d}.{m}.{y2:02d}"),
           "price": ("{a} €", "€ {a}", "{n} €"), "time": ("{h}:{mi:02d} Uhr", "{h}:{mi:02d}"),
           "percent": ("{p} %", "{x}%"), "phone": ("0DD DDDDDDD", "+49 DD DDDDDDD")},
    "zh": {"number": ("{n}", "{x}", "第{k}", "{k}个"),
           "date": ("{y}年{m}月{d}日", "{y}-{m:02d}-{d:02d}", "{m}月{d}日"),
           "price": ("¥{a}", "{n}元", "￥{a}"), "time": ("{h}:{mi:02d}", "{h}点{mi}分"),
           "percent": ("{p}%", "{x}%"), "phone": ("1DD-DDDD-DDDD", "0DD-DDDDDDDD")},
    "ja": {"number": ("{n}", "{x}", "第{k}", "{k}個"),
           "date": ("{y}年{m}月{d}日", "{y}/{m:02d}/{d:02d}", "{m}月{d}日"),
           "price": ("{n}円", "¥{n}", "￥{n}"), "time": ("{h}:{mi:02d}", "{h}時{mi}分"),
           "percent": ("{p}%", "{x}％"), "phone": ("0D-DDDD-DDDD", "0D0-DDDD-DDDD")},
    "ko": {"number": ("{n}", "{x}", "제{k}", "{k}개"),
           "date": ("{y}년 {m}월 {d}일", "{y}.{m:02d}.{d:02d}", "{m}월 {d}일"),
           "price": ("{n}원", "₩{n}"), "time": ("{h}:{mi:02d}", "{h}시 {mi}분"),
           "percent": ("{p}%", "{x}%"), "phone": ("010-DDDD-DDDD", "02-DDD-DDDD")},
    "ru": {"number": ("{n}", "{x}", "{n}", "№ {k}"),
           "date": ("{d:02d}.{m:02d}.{y}", "{d}.{m:02d}.{y2:02d}"),
           "price": ("{a} ₽", "{n} руб.", "{n} ₽"), "time": ("{h}:{mi:02d}",),
           "percent": ("{p}%", "{x}%"), "phone": ("+7 (DDD) DDD-DD-DD", "8 DDD DDD-DD-DD")},
}
# (mid-sentence, end-of-sentence, quote pairs) punctuation, attached to the preceding word.
PUNCTUATION: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[tuple[str, str], ...]]] = {
    "en": ((",", ",", ",", ";", ":"), (".", ".", ".", "!", "?"), (("“", "”"), ('"', '"'), ("(", ")"))),
    "fr": ((",", ",", ",", " ;", " :"), (".", ".", ".", " !", " ?"), (("« ", " »"), ("(", ")"))),
    "de": ((",", ",", ",", ";", ":"), (".", ".", ".", "!", "?"), (("„", "“"), ("(", ")"))),
    "zh": (("，", "，", "、", "；", "："), ("。", "。", "。", "！", "？"), (("“", "”"), ("《", "》"), ("（", "）"))),
    "ja": (("、", "、", "、", "，", "："), ("。", "。", "。", "！", "？"), (("「", "」"), ("『", "』"), ("（", "）"))),
    "ko": ((",", ",", ",", "·", ":"), (".", ".", ".", "!", "?"), (("“", "”"), ("‘", "’"), ("(", ")"))),
    "ru": ((",", ",", ",", ";", ":"), (".", ".", ".", "!", "?"), (("«", "»"), ("„", "“"), ("(", ")"))),
}

