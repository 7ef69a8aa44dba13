"""Font discovery and fonttools coverage of each language's charset.

- discovery (:func:`discover_fonts`): PyPI font packages, the system folders (and those
  fontconfig names), the repo's ``fonts/``; each file's faces and code points parsed once and
  cached under ``$PPOCR_BENCH_CACHE/fonts`` (blank outlines and faces FreeType cannot draw left
  out);
- ``fonts/manifest.toml`` (:func:`load_manifest`): license, Debian packages, scripts and the
  family of known fonts; ``ppocr-bench fonts install`` (:mod:`ppocr_bench.text.font_install`)
  installs its packages;
- which faces serve a language (:func:`is_usable`, :func:`fonts_for_lang`) and how synthesis
  draws among them (:func:`choose_face`, families balanced by :func:`family_key`).
"""

from __future__ import annotations

import base64
import hashlib
import importlib.metadata
import importlib.util
import json
import logging
import os
import re
import unicodedata
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


FONT_EXTS = (".ttf", ".otf", ".ttc", ".otc")
SYSTEM_FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"),
                    Path.home() / ".fonts", Path.home() / ".local/share/fonts")
FONTCONFIG_DIR = Path("/etc/fonts")
REPO_FONT_DIR = REPO_ROOT / "fonts"
MANIFEST_PATH = REPO_FONT_DIR / "manifest.toml"
# Files never worth rendering text with: tofu-for-everything fallbacks, math and symbol fonts.
_SKIP_FILES = re.compile(r"^(LastResort|cm[a-z]+10\b|STIXSiz|STIXNonUni|DejaVuMathTeXGyre)", re.I)
_CACHE_VERSION = 3
_PARSED: dict[str, list[tuple[int, str, str, frozenset[int]]]] = {}
_INTERNED: dict[str, frozenset[int]] = {}


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
    """Where fonts are looked for by default: PyPI packages, system font folders (those of
    :data:`SYSTEM_FONT_DIRS`, then fontconfig's others), repo ``fonts/``."""
    system = [*SYSTEM_FONT_DIRS]
    system += [d for d in fontconfig_dirs() if not any(d.is_relative_to(s) for s in system)]
    return [*pypi_font_dirs(), *system, REPO_FONT_DIR]


def fontconfig_dirs(config_dir: Path | None = None) -> tuple[Path, ...]:
    """The font folders fontconfig's configuration (``config_dir``, default
    :data:`FONTCONFIG_DIR`) names: ``<dir>`` in ``fonts.conf`` and the enabled ``conf.d/*.conf``.
    Debian packages that keep their fonts elsewhere register them there (fonts-lmodern:
    ``/usr/share/texmf/fonts/opentype/public/lm``). () without fontconfig."""
    return _fontconfig_dirs(FONTCONFIG_DIR if config_dir is None else Path(config_dir))


@lru_cache(maxsize=4)
def _fontconfig_dirs(config_dir: Path) -> tuple[Path, ...]:
    import xml.etree.ElementTree as ET

    home = Path.home()
    xdg = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    found: list[Path] = []
    for conf in [config_dir / "fonts.conf", *sorted((config_dir / "conf.d").glob("*.conf"))]:
        try:
            root = ET.parse(conf).getroot()
        except (OSError, ET.ParseError):
            continue
        for node in root.iter("dir"):
            text = (node.text or "").strip()
            if node.get("prefix") == "xdg":
                path = xdg / text
            elif text.startswith("~"):
                path = home / text[1:].lstrip("/")
            else:
                path = Path(text)
            if path.is_absolute() and path not in found:
                found.append(path)
    return tuple(found)


def _source(path: Path, pypi: list[tuple[Path, str]]) -> str:
    for root, label in pypi:
        if path.is_relative_to(root):
            return label
    if path.is_relative_to(REPO_FONT_DIR):
        return "repo:fonts/"
    if path.is_relative_to("/usr/share"):  # /usr/share/fonts, or a folder fontconfig names
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


def _runs(codepoints: list[int]) -> str:
    """Code points as inclusive (first, last) runs, flattened to little-endian uint32 and base64
    encoded: what the cache stores (a CJK cmap is thousands of runs; JSON lists of them are slow
    to read back)."""
    cps = np.unique(np.asarray(codepoints, dtype=np.int64))
    if not len(cps):
        return ""
    breaks = np.flatnonzero(np.diff(cps) != 1)
    starts, ends = np.r_[cps[0], cps[breaks + 1]], np.r_[cps[breaks], cps[-1]]
    flat = np.stack([starts, ends], 1).astype("<u4").ravel()
    return base64.b64encode(flat.tobytes()).decode("ascii")


def _parse(path: Path) -> list[dict]:
    """Every face of a file that FreeType can draw: index, family, style and the runs of code
    points it draws (fontTools, slow). A code point whose TrueType outline is empty is left out
    unless it is a space: fonts that map accented letters, ``¥`` or brackets to blank glyphs
    would otherwise draw lines whose labels hold invisible characters."""
    from fontTools.ttLib import TTCollection, TTFont

    fonttools_log = logging.getLogger("fontTools")
    level = fonttools_log.level
    fonttools_log.setLevel(logging.ERROR)  # "timestamp seems very low" and such, per file
    try:
        if path.suffix.lower() in (".ttc", ".otc"):
            fonts = TTCollection(str(path), lazy=True).fonts
        else:
            fonts = [TTFont(str(path), lazy=True)]
        faces = []
        for index, font in enumerate(fonts):
            name = font["name"]
            cmap = font.getBestCmap() or {}
            blank = _blank_codepoints(font, cmap)
            codepoints = [cp for cp in cmap if cp not in blank]
            if not _drawable(path, index, codepoints):
                continue
            faces.append({"index": index, "family": name.getBestFamilyName() or path.stem,
                          "style": name.getBestSubFamilyName() or "Regular",
                          "runs": _runs(codepoints)})
        return faces
    finally:
        fonttools_log.setLevel(level)


def _blank_codepoints(font, cmap: dict[int, str]) -> set[int]:
    """The code points of ``cmap`` whose TrueType outline is empty (``loca`` gives it no bytes),
    spaces and format characters aside; none for CFF fonts (their blank glyphs were never
    found in a letter of ours, and finding them means decompiling every charstring)."""
    if "glyf" not in font or "loca" not in font:
        return set()
    loca, order = font["loca"], font.getReverseGlyphMap()
    last = len(loca) - 1
    blank = set()
    for cp, glyph in cmap.items():
        gid = order.get(glyph, 0)
        if gid < last and loca[gid] == loca[gid + 1] and not _invisible(cp):
            blank.add(cp)
    return blank


def _invisible(cp: int) -> bool:
    """Whether a code point is meant to draw nothing (spaces, controls, format characters)."""
    return unicodedata.category(chr(cp)) in ("Zs", "Zl", "Zp", "Cc", "Cf")


#: Characters a face is test-drawn with when parsed (those it has), after its first few.
_PROBE = "Aa0あア中한"


def _drawable(path: Path, index: int, codepoints: list[int]) -> bool:
    """Whether FreeType (through PIL, as the renderers use it) draws a few of the face's
    characters without an error: some faces fail on every glyph ("invalid opcode")."""
    from PIL import ImageFont

    have = set(codepoints)
    sample = [ch for ch in _PROBE if ord(ch) in have]
    sample += [chr(cp) for cp in sorted(have)[:64] if not _invisible(cp)][:4]
    try:
        ImageFont.truetype(str(path), 24, index=index).getmask("".join(sample) or " ")
    except Exception:  # FreeType raises OSError, PIL ValueError...: the face is unusable
        return False
    return True


def _faces_of(path: Path) -> list[tuple[int, str, str, frozenset[int]]]:
    """(index, family, style, codepoints) of a file, cached in memory and on disk; [] if unreadable."""
    stat = path.stat()
    key = hashlib.sha256(f"{path}|{stat.st_size}|{stat.st_mtime_ns}|{_CACHE_VERSION}".encode()).hexdigest()[:32]
    if key not in _PARSED:
        _PARSED[key] = [(f["index"], f["family"], f["style"], _intern(f["runs"])) for f in _cached_parse(path, key)]
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


def _intern(runs: str) -> frozenset[int]:
    """One shared frozenset per distinct cmap (the faces of a CJK collection share theirs),
    from :func:`_runs`' text."""
    if runs not in _INTERNED:
        if not runs:
            _INTERNED[runs] = frozenset()
            return _INTERNED[runs]
        flat = np.frombuffer(base64.b64decode(runs), dtype="<u4").astype(np.int64)
        starts, ends = flat[0::2], flat[1::2]
        sizes = ends - starts + 1
        offsets = np.repeat(starts - np.r_[0, np.cumsum(sizes)[:-1]], sizes)
        _INTERNED[runs] = frozenset((offsets + np.arange(sizes.sum())).tolist())
    return _INTERNED[runs]


#: The scripts a manifest entry may list (those of ``ppocr_bench.text.langs.LANGS``).
SCRIPTS = ("latin", "han", "japanese", "hangul")


@dataclass(frozen=True)
class KnownFamily:
    """One ``[[family]]`` of ``fonts/manifest.toml`` (see fonts/README.md).

    ``match``: a prefix of the family name in the font's name table that ends a word (the
    longest matching prefix wins, see :func:`manifest_entry`); ``family``: the family it counts
    in when families are balanced (default ``match``); ``scripts``: the scripts it may render (``[]``: never used); ``packages``: the
    Debian packages that bring it; ``install``: whether ``ppocr-bench fonts install`` installs
    them; ``bad_glyphs``: characters its cmap claims but draws wrong (left out of its coverage).
    """

    match: str
    scripts: tuple[str, ...]
    license: str
    family: str
    packages: tuple[str, ...] = ()
    pypi: str = ""
    install: bool = True
    bad_glyphs: str = ""
    note: str = ""


_ENTRY_TYPES = {"match": str, "scripts": list, "license": str, "family": str, "package": (str, list),
                "pypi": str, "install": bool, "bad_glyphs": str, "note": str}


def _known_family(entry: dict) -> KnownFamily:
    """A manifest entry checked field by field; PpocrError naming the entry and the field."""
    where = f"{MANIFEST_PATH}: [[family]] {entry.get('match', entry)!r}"
    for key in ("match", "scripts", "license"):
        if key not in entry:
            raise PpocrError(f"{where} needs {key!r}")
    for key, value in entry.items():
        if key not in _ENTRY_TYPES:
            raise PpocrError(f"{where}: unknown field {key!r} (known: {', '.join(_ENTRY_TYPES)})")
        if not isinstance(value, _ENTRY_TYPES[key]):
            raise PpocrError(f"{where}: {key!r} has the wrong type ({type(value).__name__})")
    unknown = [s for s in entry["scripts"] if s not in SCRIPTS]
    if unknown:
        raise PpocrError(f"{where}: unknown script {unknown[0]!r} (one of {', '.join(SCRIPTS)})")
    package = entry.get("package", [])
    return KnownFamily(entry["match"], tuple(entry["scripts"]), entry["license"],
                       entry.get("family", entry["match"]),
                       (package,) if isinstance(package, str) else tuple(package),
                       entry.get("pypi", ""), entry.get("install", True),
                       entry.get("bad_glyphs", ""), entry.get("note", ""))


@lru_cache(maxsize=1)
def load_manifest() -> tuple[KnownFamily, ...]:
    """The known families of ``fonts/manifest.toml``, longest ``match`` first; () without the
    file (or a TOML reader: Python 3.10). PpocrError (one line) for a bad entry."""
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
    known = [_known_family(entry) for entry in entries]
    seen: set[str] = set()
    for entry in known:
        if entry.match in seen:
            raise PpocrError(f"{MANIFEST_PATH}: two [[family]] entries match {entry.match!r}")
        seen.add(entry.match)
    return tuple(sorted(known, key=lambda e: -len(e.match)))


class _PerManifest:
    """``fn(family, manifest)`` memoized per family name, for the manifest loaded now (the memo
    starts afresh when ``load_manifest`` reloads): these run per face and per sample."""

    def __init__(self, fn) -> None:
        self.fn, self.manifest, self.memo = fn, None, {}
        self.__doc__ = fn.__doc__

    def __call__(self, family: str):
        memo = self.memo_now()
        if family not in memo:
            memo[family] = self.fn(family, self.manifest)
        return memo[family]

    def memo_now(self) -> dict:
        """The memo for the manifest loaded now (family name -> result), for hot loops."""
        manifest = load_manifest()
        if manifest is not self.manifest:
            self.manifest, self.memo = manifest, {}
        return self.memo


def _entry(family: str, manifest: tuple[KnownFamily, ...]) -> KnownFamily | None:
    """The manifest entry whose ``match`` is the longest prefix of ``family`` ending a word (what
    follows is not a lowercase letter: ``Go`` matches ``Go Mono``, not ``Gotham``), if any."""
    return next((e for e in manifest if family.startswith(e.match)
                 and not family[len(e.match):len(e.match) + 1].islower()), None)


manifest_entry = _PerManifest(_entry)


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
        faces = _faces_of(resolved)
        source = _source(path, pypi) if faces else ""
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
# Words that name a face's weight, width, slant or CJK region, not its design.
_STYLE_WORDS = re.compile(
    r"(?:[ _-]+(?:JP|KR|SC|TC|HK|CN|TW|MBE|Thin|Hairline|(?:Extra|Ultra|Semi|Demi)?Light|Book"
    r"|Regular|Normal|Medium|(?:Semi|Demi|Extra|Ultra)?Bold|Demi|Black|Heavy|(?:Semi|Extra)?"
    r"Condensed|Cond|Narrow|Italic|Oblique))+$", re.IGNORECASE)


def base_family(family: str) -> str:
    """``family`` without trailing weight, width, slant and CJK region words:
    ``Clear Sans Light`` -> ``Clear Sans``, ``Foo Gothic JP Bold`` -> ``Foo Gothic``."""
    return _STYLE_WORDS.sub("", family) or family


def _family_key(family: str, manifest: tuple[KnownFamily, ...]) -> str:
    """The family a face counts in when families are balanced: its manifest entry's ``family``
    (``Noto Sans CJK`` for every region, weight and the Mono variant of it; ``IPA Gothic`` for
    IPAGothic, IPAPGothic and IPAexGothic), or, unlisted, :func:`base_family` of its name."""
    entry = _entry(family, manifest)
    return entry.family if entry is not None else base_family(family)


family_key = _PerManifest(_family_key)


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
MIN_COVERAGE = {"latin": 0.97, "han": 0.98, "japanese": 0.98, "hangul": 0.95}
#: The kana a ja face must all have: hiragana ぁ..ん, katakana ァ..ヶ and ー. The rarer kana of
#: the charset (ゔ ゕ ゖ ヷ..ヺ, the iteration marks ゝゞヽヾ) may be missing: many good Japanese
#: fonts lack ゕゖ (Unicode 3.2), and lines holding a character a face lacks are resampled.
KANA = frozenset([*map(chr, range(0x3041, 0x3094)), *map(chr, range(0x30A1, 0x30F7)), "ー"])
MIN_HANGUL_COVERAGE = 0.98


def allowed_by_name(face: FontFace, lang: str, script: str) -> bool:
    """CJK faces tagged for another region, or listed in the manifest without this script, are out."""
    entry = manifest_entry(face.family)
    if entry is not None and script not in entry.scripts:
        return False
    tag = _REGION_TAG.search(face.family)
    return script == "latin" or tag is None or _REGION_LANGS.get(tag.group(1)) == lang


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
