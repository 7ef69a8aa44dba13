"""Font discovery and fonttools coverage of each language's charset."""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ppocr_bench import REPO_ROOT
from ppocr_bench.errors import PpocrError

try:
    import tomllib
except ImportError:  # Python 3.10
    tomllib = None


@dataclass(frozen=True)
class FontFace:
    """One face of a font file (TTC/OTC collections hold several, picked by ``index``).

    ``codepoints``: every code point the face's cmap maps to a glyph.
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
        return all(ord(ch) in self.codepoints for ch in text)


FONT_EXTS = (".ttf", ".otf", ".ttc", ".otc")
SYSTEM_FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"),
                    Path.home() / ".fonts", Path.home() / ".local/share/fonts")
REPO_FONT_DIR = REPO_ROOT / "fonts"
MANIFEST_PATH = REPO_FONT_DIR / "manifest.toml"
# Files never worth rendering text with: tofu-for-everything fallbacks, math and symbol fonts.
_SKIP_FILES = re.compile(r"^(LastResort|cm[a-z]+10\b|STIXSiz|STIXNonUni|DejaVuMathTeXGyre)", re.I)
_CACHE_VERSION = 1
_PARSED: dict[str, list[tuple[int, str, str, frozenset[int]]]] = {}
_INTERNED: dict[tuple[int, ...], frozenset[int]] = {}


#: PyPI distribution -> (module, font folder inside it): the fonts ppocr-bench's own
#: dependencies bring, found without importing them.
PACKAGE_FONT_DIRS = {"noto-cjk-sans-otc": ("noto_cjk_sans_otc", "."),
                     "matplotlib": ("matplotlib", "mpl-data/fonts/ttf")}


def package_font_dir(package: str) -> Path | None:
    """The font folder of an installed dependency of :data:`PACKAGE_FONT_DIRS`, None if absent."""
    module, sub = PACKAGE_FONT_DIRS[package]
    spec = importlib.util.find_spec(module)
    if not (spec and spec.submodule_search_locations):
        return None
    return Path(next(iter(spec.submodule_search_locations))) / sub


def _pypi_font_dirs() -> list[tuple[Path, str]]:
    """Font folders of installed PyPI packages, found without importing them."""
    found = []
    for package in PACKAGE_FONT_DIRS:
        root = package_font_dir(package)
        if root is not None:
            found.append((root, f"pypi:{package}"))
    for dist in importlib.metadata.distributions():
        name = dist.metadata["Name"] or ""
        if re.match(r"fonts?[-_]", name, re.I):
            dirs = {Path(dist.locate_file(f)).parent for f in dist.files or () if f.suffix.lower() in FONT_EXTS}
            found += [(d, f"pypi:{name}") for d in sorted(dirs)]
    return found


def pypi_font_dirs() -> list[Path]:
    """The font folders of installed PyPI packages (noto-cjk-sans-otc, matplotlib, font-* ...).

    These are always there with ppocr-bench's dependencies: tests restrict fonts to them.
    """
    return [d for d, _ in _pypi_font_dirs()]


def default_font_dirs() -> list[Path]:
    """Where fonts are looked for by default: PyPI packages, system font folders, repo ``fonts/``."""
    return [*pypi_font_dirs(), *SYSTEM_FONT_DIRS, REPO_FONT_DIR]


def _source(path: Path, pypi: list[tuple[Path, str]]) -> str:
    for root, label in pypi:
        if path.is_relative_to(root):
            return label
    if path.is_relative_to(REPO_FONT_DIR):
        return "repo:fonts/"
    if path.is_relative_to("/usr/share/fonts"):
        return f"debian:{path.parent}"
    return f"dir:{path.parent}"


def font_files(font_dirs: list[Path]) -> list[Path]:
    """The font files (by extension) under each folder of ``font_dirs`` (a file counts as
    itself), sorted, without LastResort/math/symbol fonts."""
    files = []
    for root in font_dirs:
        if root.is_dir():
            files += [p for p in root.rglob("*") if p.suffix.lower() in FONT_EXTS]
        elif root.is_file():
            files.append(root)
    return sorted(p for p in set(files) if not _SKIP_FILES.match(p.name) and p.is_file())


def _cache_dir() -> Path:
    """Parsed cmaps: ``fonts/`` under the cache root (``$PPOCR_BENCH_CACHE``)."""
    from ppocr_bench.files import cache_root

    return cache_root() / "fonts"


def _ranges(codepoints: list[int]) -> list[list[int]]:
    """Sorted code points as inclusive [first, last] runs."""
    cps = np.unique(np.asarray(codepoints, dtype=np.int64))
    if not len(cps):
        return []
    breaks = np.flatnonzero(np.diff(cps) != 1)
    starts, ends = np.r_[cps[0], cps[breaks + 1]], np.r_[cps[breaks], cps[-1]]
    return np.stack([starts, ends], 1).tolist()


def _parse(path: Path) -> list[dict]:
    """Every face of a font file: index, family, style and cmap runs (fontTools, slow)."""
    from fontTools.ttLib import TTCollection, TTFont

    if path.suffix.lower() in (".ttc", ".otc"):
        fonts = TTCollection(str(path), lazy=True).fonts
    else:
        fonts = [TTFont(str(path), lazy=True)]
    faces = []
    for index, font in enumerate(fonts):
        name = font["name"]
        faces.append({"index": index, "family": name.getBestFamilyName() or path.stem,
                      "style": name.getBestSubFamilyName() or "Regular",
                      "ranges": _ranges(list((font.getBestCmap() or {}).keys()))})
    return faces


def _faces_of(path: Path) -> list[tuple[int, str, str, frozenset[int]]]:
    """(index, family, style, codepoints) of a file, cached in memory and on disk; [] if unreadable."""
    stat = path.stat()
    key = hashlib.sha256(f"{path}|{stat.st_size}|{stat.st_mtime_ns}|{_CACHE_VERSION}".encode()).hexdigest()[:32]
    if key not in _PARSED:
        _PARSED[key] = [(f["index"], f["family"], f["style"], _intern(f["ranges"])) for f in _cached_parse(path, key)]
    return _PARSED[key]


def _cached_parse(path: Path, key: str) -> list[dict]:
    cache = _cache_dir() / f"{key}.json"
    try:
        return json.loads(cache.read_text(encoding="utf-8"))["faces"]
    except (OSError, ValueError, KeyError):
        pass
    try:
        faces = _parse(path)
    except Exception:  # fontTools raises many types on broken files: skip the file
        faces = []
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"path": str(path), "faces": faces}), encoding="utf-8")
        tmp.replace(cache)
    except OSError:
        pass  # read-only cache: parse again next time
    return faces


def _intern(ranges: list[list[int]]) -> frozenset[int]:
    """One shared frozenset per distinct cmap (the faces of a CJK collection share theirs)."""
    flat = tuple(v for run in ranges for v in run)
    if flat not in _INTERNED:
        _INTERNED[flat] = frozenset(c for a, b in ranges for c in range(a, b + 1))
    return _INTERNED[flat]


@lru_cache(maxsize=1)
def load_manifest() -> tuple[dict, ...]:
    """The known families of ``fonts/manifest.toml``: match (family prefix), source, license, scripts."""
    try:
        text = MANIFEST_PATH.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ()
    if tomllib is None:  # no TOML reader on Python 3.10: licenses read "see font file"
        return ()
    try:
        entries = tomllib.loads(text).get("family", [])
    except tomllib.TOMLDecodeError as exc:
        raise PpocrError(f"{MANIFEST_PATH}: invalid TOML ({exc})") from None
    for entry in entries:
        if not isinstance(entry.get("match"), str) or not isinstance(entry.get("scripts"), list):
            raise PpocrError(f"{MANIFEST_PATH}: entry {entry!r} needs 'match' and 'scripts'")
    return tuple(sorted(entries, key=lambda e: -len(e["match"])))


def manifest_entry(family: str) -> dict | None:
    """The manifest entry whose ``match`` is the longest prefix of ``family``, if any."""
    return next((e for e in load_manifest() if family.startswith(e["match"])), None)


_PRIORITY = {"repo": 0, "debian": 1, "dir": 1, "pypi": 2}


def _rank(face: FontFace) -> tuple[int, str]:
    """Which copy of a family+style wins: repo, then system, then PyPI, matplotlib last."""
    prefix = face.source.split(":", 1)[0]
    return (_PRIORITY.get(prefix, 1) + (face.source == "pypi:matplotlib"), str(face.path))


def discover_fonts(font_dirs: list[Path] | None = None) -> list[FontFace]:
    """Every usable-looking face under ``font_dirs`` (default: ``default_font_dirs()``).

    Unparsable files and LastResort/math/symbol fonts are skipped; a file reached twice (links)
    counts once, and a family+style found in two places keeps one copy (see ``_rank``).
    Sorted by (family, style, path, index).
    """
    pypi = _pypi_font_dirs()
    dirs = default_font_dirs() if font_dirs is None else [Path(d) for d in font_dirs]
    real: dict[Path, Path] = {}
    for path in font_files(dirs):
        real.setdefault(path.resolve(), path)
    best: dict[tuple[str, str], FontFace] = {}
    for resolved, path in sorted(real.items()):
        for index, family, style, cps in _faces_of(resolved):
            entry = manifest_entry(family)
            face = FontFace(path, index, family, style, _source(path, pypi),
                            entry["license"] if entry else "see font file", cps)
            key = (family.lower(), style.lower())
            if key not in best or _rank(face) < _rank(best[key]):
                best[key] = face
    return sorted(best.values(), key=lambda f: (f.family, f.style, str(f.path), f.index))


def coverage(face: FontFace, charset: list[str]) -> float:
    """The share of ``charset`` that ``face`` has glyphs for (1.0 for an empty charset)."""
    if not charset:
        return 1.0
    return sum(ord(ch) in face.codepoints for ch in charset) / len(charset)


# Region tags of CJK families ("Noto Sans CJK JP"): which CJK language each tag may render.
_REGION_TAG = re.compile(r"\b(JP|KR|SC|TC|HK|CN|TW)\b")
_REGION_LANGS = {"JP": "ja", "KR": "ko", "SC": "zh", "CN": "zh"}
# Default thresholds per script: the share of the whole charset a face must cover.
MIN_COVERAGE = {"latin": 0.97, "han": 0.98, "japanese": 0.98, "hangul": 0.95}
KANA = frozenset(chr(c) for c in range(0x3041, 0x30FF))
MIN_HANGUL_COVERAGE = 0.98


def allowed_by_name(face: FontFace, lang: str, script: str) -> bool:
    """CJK faces tagged for another region, or listed in the manifest without this script, are out."""
    entry = manifest_entry(face.family)
    if entry is not None and script not in entry["scripts"]:
        return False
    tag = _REGION_TAG.search(face.family)
    return script == "latin" or tag is None or _REGION_LANGS.get(tag.group(1)) == lang


def is_usable(face: FontFace, lang: str, min_coverage: float | None = None) -> bool:
    """Whether ``face`` can render ``lang``: name rules, then coverage thresholds.

    ja also needs every kana of the charset, ko 98% of its Hangul syllables.
    """
    from ppocr_bench.text.corpus import load_charset
    from ppocr_bench.text.langs import get_lang

    script = get_lang(lang).script
    if not allowed_by_name(face, lang, script):
        return False
    charset = load_charset(lang)
    if coverage(face, charset) < (MIN_COVERAGE[script] if min_coverage is None else min_coverage):
        return False
    if script == "japanese":
        return face.covers("".join(ch for ch in charset if ch in KANA))
    if script == "hangul":
        hangul = [ch for ch in charset if "\uac00" <= ch <= "\ud7a3"]
        return coverage(face, hangul) >= MIN_HANGUL_COVERAGE
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
    raise PpocrError(f"no font covers the {lang} charset ({path}): {detail}; install one "
                     "(apt-get install fonts-noto-cjk) or drop a font file into fonts/")


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

    Keys: code, name, script, charset (size), fonts (usable faces), families, min cov, mean cov
    (coverage of the charset over the usable faces, 0 when none), uncovered (charset characters
    no usable face draws; renderers resample lines holding them).
    """
    from ppocr_bench.text.corpus import load_charset
    from ppocr_bench.text.langs import LANGS

    faces = discover_fonts(font_dirs)
    rows: list[dict[str, str | int | float]] = []
    for lang in LANGS.values():
        charset = load_charset(lang.code)
        usable = [f for f in faces if is_usable(f, lang.code)]
        covs = [coverage(f, charset) for f in usable]
        rows.append({"code": lang.code, "name": lang.name, "script": lang.script,
                     "charset": len(charset), "fonts": len(usable),
                     "families": _short_list(sorted({f.family for f in usable})),
                     "min cov": round(min(covs, default=0.0), 3),
                     "mean cov": round(sum(covs) / len(covs), 3) if covs else 0.0,
                     "uncovered": len(uncovered_chars(charset, usable)) if usable else len(charset)})
    return rows


def _short_list(names: list[str], keep: int = 3) -> str:
    """'a, b, c +4 more' for a table cell."""
    more = f" +{len(names) - keep} more" if len(names) > keep else ""
    return ", ".join(names[:keep]) + more
