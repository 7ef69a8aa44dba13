"""Font files: where they are looked for and what each face of each file draws.

- the folders (:func:`default_font_dirs`): PyPI font packages, the system folders (and those
  fontconfig names), the repo's ``fonts/``; the font files under them (:func:`font_files`) and
  which source each one counts as (:func:`font_source`);
- each file's faces and code points (:func:`parsed_faces`), parsed once with fontTools and
  cached in memory and under ``$PPOCR_BENCH_CACHE/fonts`` (blank outlines and faces FreeType
  cannot draw left out).

:mod:`ppocr_bench.text.fonts` turns them into :class:`~ppocr_bench.text.fonts.FontFace` objects.
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
from functools import lru_cache
from pathlib import Path

import numpy as np

from ppocr_bench import REPO_ROOT

FONT_EXTS = (".ttf", ".otf", ".ttc", ".otc")
SYSTEM_FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"),
                    Path.home() / ".fonts", Path.home() / ".local/share/fonts")
FONTCONFIG_DIR = Path("/etc/fonts")
REPO_FONT_DIR = REPO_ROOT / "fonts"
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


def pypi_font_sources() -> list[tuple[Path, str]]:
    """(folder, source label ``pypi:NAME``) of the fonts of installed PyPI packages, found
    without importing them."""
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
    return [d for d, _ in pypi_font_sources()]


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


def font_source(path: Path, pypi: list[tuple[Path, str]]) -> str:
    """Where a font file was found, as :attr:`ppocr_bench.text.fonts.FontFace.source` says it:
    ``pypi:NAME`` (its folder is one of ``pypi``, :func:`pypi_font_sources`), ``repo:fonts/``,
    ``debian:FOLDER`` or ``dir:FOLDER``."""
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


def parsed_faces(path: Path) -> list[tuple[int, str, str, frozenset[int]]]:
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
