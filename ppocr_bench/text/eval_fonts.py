"""The font files the default eval sets are drawn with, pinned by sha256.

A default eval set must be the same bytes on every machine whatever fonts it has installed, so
it is drawn only from font files that ``pip install -e .`` itself brings: the Noto Sans CJK
collection of ``noto-cjk-sans-otc`` (pinned to 0.0.1 in pyproject.toml) and matplotlib's bundled
DejaVu TTFs. Each file is checked against the sha256 of :data:`PINNED_FONTS` before a set is
synthesized; system fonts, ``fonts/`` and other packages are never looked at. Training data keeps
using every discovered font (:func:`ppocr_bench.text.fonts.fonts_for_lang`).

:func:`fingerprint` names the pins in an eval set's cache folder, so that a set made with other
fonts (or before the pins) is never reused.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

from ppocr_bench.errors import PpocrError
from ppocr_bench.text.font_files import package_font_dir
from ppocr_bench.text.fonts import FontFace, fonts_for_lang


@dataclass(frozen=True)
class PinnedFont:
    """One pinned font file: its name in ``package``'s font folder and its sha256."""

    file: str
    package: str
    sha256: str


#: How to get each package's pinned bytes back.
INSTALL = {"noto-cjk-sans-otc": "pip install --force-reinstall noto-cjk-sans-otc==0.0.1",
           "matplotlib": "pip install --force-reinstall --no-deps matplotlib"}

_MPL = "matplotlib"
PINNED_FONTS: tuple[PinnedFont, ...] = (
    PinnedFont("NotoSansCJK-Regular.ttc", "noto-cjk-sans-otc",
               "b76b0433203017ca80401b2ee0dd69350349871c4b19d504c34dbdd80541690a"),
    PinnedFont("DejaVuSans.ttf", _MPL,
               "3fdf69cabf06049ea70a00b5919340e2ce1e6d02b0cc3c4b44fb6801bd1e0d22"),
    PinnedFont("DejaVuSans-Bold.ttf", _MPL,
               "b184b89e3c1075f22f6b71575b6fc20d4972b3cfd3b23322ca6fd596dcaef167"),
    PinnedFont("DejaVuSans-BoldOblique.ttf", _MPL,
               "6edf0283160186af451cbee71e7b845f2e4cabf264bb992ce668c83c25465e6f"),
    PinnedFont("DejaVuSans-Oblique.ttf", _MPL,
               "ccdf74b350f11fd3dd5774de50e5e6346a1a5da1f5b7d5fb83590665e97a5213"),
    PinnedFont("DejaVuSansMono.ttf", _MPL,
               "602ec86b8948cfcd956482fe64f94c36c867770149ef2f791d4613f443bcecb3"),
    PinnedFont("DejaVuSansMono-Bold.ttf", _MPL,
               "baada9a5172fe20886251aff0433fc38461912d5daf07287e7bee56620a8da96"),
    PinnedFont("DejaVuSansMono-BoldOblique.ttf", _MPL,
               "a69081c15c76c827e0a27a5a7f5c74b6135c843499955495ffa8c20d3a98288b"),
    PinnedFont("DejaVuSansMono-Oblique.ttf", _MPL,
               "28052813f7a709fc89f52d192dc995ef4f0fdc5c3d7b73a49d6849b1916d0cd0"),
    PinnedFont("DejaVuSerif.ttf", _MPL,
               "107244956e9962b9e96faccdc551825e0ae0898ae13737133e1b921a2fd35ffa"),
    PinnedFont("DejaVuSerif-Bold.ttf", _MPL,
               "c3753f2ed6bc673f15846dc45addbeb3b9c872f32fb18fd53a21f1bef1ed7676"),
    PinnedFont("DejaVuSerif-BoldItalic.ttf", _MPL,
               "d93efec7a9d2e826768d1a2ee95b95870e15e29599a84f3484af1de1cec2e181"),
    PinnedFont("DejaVuSerif-Italic.ttf", _MPL,
               "3e7994fbc54fa10ce3352a42d548fadd7d9cadb69cb1109bc9d960f6dac57f04"),
)


def fingerprint(pins: tuple[PinnedFont, ...] = PINNED_FONTS) -> str:
    """10 hex digits of sha256 over the pins (file and sha256, in order)."""
    text = "".join(f"{p.file} {p.sha256}\n" for p in pins)
    return hashlib.sha256(text.encode()).hexdigest()[:10]


def pins_record(pins: tuple[PinnedFont, ...] = PINNED_FONTS) -> dict:
    """What an eval set's manifest records: the fingerprint and every pin."""
    return {"fingerprint": fingerprint(pins), "files": [asdict(p) for p in pins]}


@lru_cache(maxsize=64)
def _sha256(path: Path, size: int, mtime_ns: int) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def pinned_path(pin: PinnedFont) -> Path:
    """The installed file of ``pin`` after checking its sha256; a one-line PpocrError when it is
    missing or holds other bytes."""
    root = package_font_dir(pin.package)
    path = root / pin.file if root is not None else None
    if path is None or not path.is_file():
        where = f"{root}: " if root is not None else ""
        raise PpocrError(f"{where}{pin.file} of the {pin.package} package is missing: the default "
                         f"eval sets are drawn with it; install it ({INSTALL[pin.package]})")
    stat = path.stat()
    if _sha256(path, stat.st_size, stat.st_mtime_ns) != pin.sha256:
        raise PpocrError(f"{path}: sha256 differs from the pinned {pin.package} file the default "
                         f"eval sets are drawn with; reinstall it ({INSTALL[pin.package]})")
    return path


def pinned_paths(pins: tuple[PinnedFont, ...] = PINNED_FONTS) -> list[Path]:
    """Every pinned file, checked (see :func:`pinned_path`)."""
    return [pinned_path(pin) for pin in pins]


def pinned_faces(lang: str, pins: tuple[PinnedFont, ...] = PINNED_FONTS) -> list[FontFace]:
    """The faces of the pinned files usable for ``lang``: what its default eval set draws with."""
    return fonts_for_lang(lang, pinned_paths(pins))
