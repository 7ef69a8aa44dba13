"""``fonts/manifest.toml`` and the families faces count in.

- :func:`load_manifest`: the license, Debian packages, scripts and family of known fonts, each
  entry checked; ``ppocr-bench fonts install`` (:mod:`ppocr_bench.text.font_install`) installs
  their packages;
- :func:`manifest_entry`: the entry a face's family name falls under;
- :func:`family_key`: the family a face counts in when synthesis balances families
  (:func:`ppocr_bench.text.fonts.choose_face`), from the manifest or :func:`base_family`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ppocr_bench.errors import PpocrError
from ppocr_bench.text.font_files import REPO_FONT_DIR
from ppocr_bench.text.langs import SCRIPTS as LANG_SCRIPTS

try:
    import tomllib
except ImportError:  # Python 3.10
    tomllib = None

MANIFEST_PATH = REPO_FONT_DIR / "manifest.toml"

#: The scripts a manifest entry may list (those of ``ppocr_bench.text.langs.LANGS``).
SCRIPTS = LANG_SCRIPTS


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
