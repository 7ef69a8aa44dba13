"""Font faces: discovery, which serve a language, and how synthesis draws among them.

- :func:`discover_fonts`: the faces of the font files under the default folders (or those
  named), from :mod:`ppocr_bench.text.font_files` (folders, parsing and its cache) and
  :mod:`ppocr_bench.text.font_manifest` (``fonts/manifest.toml``: license, scripts, families);
- which faces serve a language (:func:`is_usable`, :func:`fonts_for_lang`) and how synthesis
  draws among them (:func:`choose_face`, families balanced by
  :func:`~ppocr_bench.text.font_manifest.family_key`);
- the tables of ``ppocr-bench fonts`` and ``ppocr-bench langs`` (:func:`coverage_rows`,
  :func:`language_rows`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ppocr_bench import REPO_ROOT
from ppocr_bench.errors import PpocrError
from ppocr_bench.text.font_files import (
    default_font_dirs,
    font_files,
    font_source,
    parsed_faces,
    pypi_font_sources,
)
from ppocr_bench.text.font_manifest import family_key, manifest_entry


@dataclass(frozen=True)
class FontFace:
    """One face of a font file (TTC/OTC collections hold several, picked by ``index``).

    ``codepoints``: every code point the face's cmap maps to a glyph that draws (a blank
    TrueType outline counts only for spaces; the manifest's ``bad_glyphs`` are left out).
    """

    path: Path
    index: int
    family: str
    style: str
    source: str
    license: str
    codepoints: frozenset[int]

    @property
    def key(self) -> str:
        return f"{self.path}#{self.index}"

    def missing(self, text: str) -> str:
        """The distinct characters of ``text`` this face has no glyph for, in order."""
        seen: dict[str, None] = {}
        for ch in text:
            if ord(ch) not in self.codepoints:
                seen.setdefault(ch)
        return "".join(seen)

    def covers(self, text: str) -> bool:
        return self.codepoints.issuperset(map(ord, text))



_PRIORITY = {"repo": 0, "debian": 1, "dir": 1, "pypi": 2}


def _rank(face: FontFace) -> tuple[int, str]:
    """Which copy of a family+style wins: repo, then system, then PyPI, matplotlib last."""
    prefix = face.source.split(":", 1)[0]
    return (_PRIORITY.get(prefix, 1) + (face.source == "pypi:matplotlib"), str(face.path))


def discover_fonts(font_dirs: list[Path] | None = None) -> list[FontFace]:
    """Every usable-looking face under ``font_dirs`` (default:
    :func:`~ppocr_bench.text.font_files.default_font_dirs`).

    Unparsable files and LastResort/math/symbol fonts are skipped; a file reached twice (links)
    counts once, and a family+style found in two places keeps one copy (see ``_rank``).
    Sorted by (family, style, path, index).
    """
    pypi = pypi_font_sources()
    dirs = default_font_dirs() if font_dirs is None else [Path(d) for d in font_dirs]
    real: dict[Path, Path] = {}
    for path in font_files(dirs):
        real.setdefault(path.resolve(), path)
    best: dict[tuple[str, str], FontFace] = {}
    for resolved, path in sorted(real.items()):
        faces = parsed_faces(resolved)
        source = font_source(path, pypi) if faces else ""
        for index, family, style, cps in faces:
            entry = manifest_entry(family)
            if entry is not None and entry.bad_glyphs:
                cps = _without(cps, entry.bad_glyphs)
            face = FontFace(path, index, family, style, source,
                            entry.license if entry else "see font file", cps)
            key = (family.lower(), style.lower())
            if key not in best or _rank(face) < _rank(best[key]):
                best[key] = face
    return sorted(best.values(), key=lambda f: (f.family, f.style, str(f.path), f.index))


def _without(codepoints: frozenset[int], chars: str) -> frozenset[int]:
    """``codepoints`` less ``chars`` (a face's ``bad_glyphs``), one shared set per cmap."""
    key = (codepoints, chars)
    if key not in _WITHOUT:
        _WITHOUT[key] = codepoints - frozenset(map(ord, chars))
    return _WITHOUT[key]


_WITHOUT: dict[tuple[frozenset[int], str], frozenset[int]] = {}


def choose_face(rng: np.random.Generator, faces: list[FontFace], balanced: bool = False) -> FontFace:
    """One of ``faces``: each face equally likely, or (``balanced``) each family of
    :func:`family_key` equally likely, then each of its faces, so one big family (a CJK
    collection's many weights) is not drawn every time."""
    if not balanced:
        return faces[int(rng.integers(len(faces)))]
    groups: dict[str, list[FontFace]] = {}
    known = family_key.memo_now()
    for face in faces:  # one pass: this runs per sample, over hundreds of Latin faces
        groups.setdefault(known.get(face.family) or family_key(face.family), []).append(face)
    families = sorted(groups)
    members = groups[families[int(rng.integers(len(families)))]]
    return members[int(rng.integers(len(members)))]


def coverage(face: FontFace, charset: list[str]) -> float:
    """The share of ``charset`` that ``face`` has glyphs for (1.0 for an empty charset)."""
    if not charset:
        return 1.0
    return sum(map(face.codepoints.__contains__, map(ord, charset))) / len(charset)


# Region tags of CJK families ("Noto Sans CJK JP"): which CJK language each tag may render.
_REGION_TAG = re.compile(r"\b(JP|KR|SC|TC|HK|CN|TW)\b")
_REGION_LANGS = {"JP": "ja", "KR": "ko", "SC": "zh", "CN": "zh"}
# Default thresholds per script: the share of the whole charset a face must cover.
MIN_COVERAGE = {"latin": 0.97, "han": 0.98, "japanese": 0.98, "hangul": 0.95, "cyrillic": 0.97}
#: The kana a ja face must all have: hiragana ぁ..ん, katakana ァ..ヶ and ー. The rarer kana of
#: the charset (ゔ ゕ ゖ ヷ..ヺ, the iteration marks ゝゞヽヾ) may be missing: many good Japanese
#: fonts lack ゕゖ (Unicode 3.2), and lines holding a character a face lacks are resampled.
KANA = frozenset([*map(chr, range(0x3041, 0x3094)), *map(chr, range(0x30A1, 0x30F7)), "ー"])
MIN_HANGUL_COVERAGE = 0.98


def allowed_by_name(face: FontFace, lang: str, script: str) -> bool:
    """CJK faces tagged for another region (for a CJK language), or listed in the manifest
    without this script, are out."""
    from ppocr_bench.text.langs import CJK_SCRIPTS

    entry = manifest_entry(face.family)
    if entry is not None and script not in entry.scripts:
        return False
    tag = _REGION_TAG.search(face.family)
    return script not in CJK_SCRIPTS or tag is None or _REGION_LANGS.get(tag.group(1)) == lang


def is_usable(face: FontFace, lang: str, min_coverage: float | None = None) -> bool:
    """Whether ``face`` can render ``lang``: name rules, then coverage thresholds.

    ja also needs every kana of :data:`KANA`, ko 98% of its charset's Hangul syllables.
    """
    from ppocr_bench.text.langs import get_lang

    script = get_lang(lang).script
    return allowed_by_name(face, lang, script) and _covers_enough(face.codepoints, lang, min_coverage)


@lru_cache(maxsize=16384)
def _covers_enough(codepoints: frozenset[int], lang: str, min_coverage: float | None) -> bool:
    """The coverage rules of :func:`is_usable`, once per distinct cmap (faces of a collection
    share theirs) and language: ``langs`` and each training start judge hundreds of faces."""
    from ppocr_bench.text.corpus import load_charset
    from ppocr_bench.text.langs import get_lang

    script = get_lang(lang).script
    charset = load_charset(lang)
    share = sum(map(codepoints.__contains__, map(ord, charset))) / len(charset) if charset else 1.0
    if share < (MIN_COVERAGE[script] if min_coverage is None else min_coverage):
        return False
    if script == "japanese":
        return all(ord(ch) in codepoints for ch in charset if ch in KANA)
    if script == "hangul":
        hangul = [ch for ch in charset if "\uac00" <= ch <= "\ud7a3"]
        return sum(ord(ch) in codepoints for ch in hangul) >= MIN_HANGUL_COVERAGE * len(hangul)
    return True


def fonts_for_lang(lang: str, font_dirs: list[Path] | None = None,
                   min_coverage: float | None = None) -> list[FontFace]:
    """The faces usable for ``lang`` (see ``is_usable``); PpocrError when there is none."""
    from ppocr_bench.text.corpus import load_charset
    from ppocr_bench.text.langs import get_lang

    faces = discover_fonts(font_dirs)
    usable = [f for f in faces if is_usable(f, lang, min_coverage)]
    if usable:
        return usable
    path = get_lang(lang).charset_path
    path = path.relative_to(REPO_ROOT) if path.is_relative_to(REPO_ROOT) else path
    missing = uncovered_chars(load_charset(lang), faces)
    letters = [c for c in missing if c.isalpha() and not "\u3000" <= c <= "\u303f"] or missing
    detail = (f"{len(missing)} characters missing from every font, e.g. {''.join(letters[:5])}…"
              if missing else f"{len(faces)} fonts found, none covers enough of it alone")
    raise PpocrError(f"no font covers the {lang} charset ({path}): {detail}; install some "
                     f"(ppocr-bench fonts install --script {get_lang(lang).script}, or apt-get "
                     "install fonts-noto-cjk) or drop a font file into fonts/")


def uncovered_chars(charset: list[str], faces: list[FontFace]) -> list[str]:
    """The characters of ``charset`` that no face of ``faces`` has a glyph for, in charset order."""
    covered: set[int] = set()
    for cps in {id(f.codepoints): f.codepoints for f in faces}.values():
        covered |= cps
    return [ch for ch in charset if ord(ch) not in covered]


def coverage_rows(font_dirs: list[Path] | None = None,
                  langs: list[str] | None = None) -> list[dict[str, str | float]]:
    """Rows of ``ppocr-bench fonts``, one per discovered face (``discover_fonts`` order).

    Keys, in column order: family, style, source, license, then each language code with the
    face's coverage of that charset (0..1), then usable (the codes ``is_usable`` accepts).
    """
    from ppocr_bench.text.corpus import load_charset
    from ppocr_bench.text.langs import LANGS

    codes = list(LANGS) if langs is None else langs
    charsets = {code: load_charset(code) for code in codes}
    rows: list[dict[str, str | float]] = []
    for face in discover_fonts(font_dirs):
        row: dict[str, str | float] = {"family": face.family, "style": face.style,
                                       "source": face.source, "license": face.license}
        row.update({code: coverage(face, charsets[code]) for code in codes})
        row["usable"] = " ".join(code for code in codes if is_usable(face, code))
        rows.append(row)
    return rows


def language_rows(font_dirs: list[Path] | None = None) -> list[dict[str, str | int | float]]:
    """Rows of ``ppocr-bench langs``, one per language.

    Keys: code, name, script, family count (families of :func:`family_key` among the usable
    faces), charset (size), fonts (usable faces), min cov, mean cov (coverage of the charset
    over the usable faces, 0 when none), uncovered (charset characters no usable face draws;
    renderers resample lines holding them), families (their names, shortened).
    """
    from ppocr_bench.text.corpus import load_charset
    from ppocr_bench.text.langs import LANGS

    faces = discover_fonts(font_dirs)
    rows: list[dict[str, str | int | float]] = []
    for lang in LANGS.values():
        charset = load_charset(lang.code)
        usable = [f for f in faces if is_usable(f, lang.code)]
        families = sorted({family_key(f.family) for f in usable})
        covs = [coverage(f, charset) for f in usable]
        rows.append({"code": lang.code, "name": lang.name, "script": lang.script,
                     "family count": len(families), "charset": len(charset), "fonts": len(usable),
                     "min cov": round(min(covs, default=0.0), 3),
                     "mean cov": round(sum(covs) / len(covs), 3) if covs else 0.0,
                     "uncovered": len(uncovered_chars(charset, usable)) if usable else len(charset),
                     "families": _short_list(families)})
    return rows


def _short_list(names: list[str], keep: int = 3) -> str:
    """'a, b, c +4 more' for a table cell."""
    more = f" +{len(names) - keep} more" if len(names) > keep else ""
    return ", ".join(names[:keep]) + more
