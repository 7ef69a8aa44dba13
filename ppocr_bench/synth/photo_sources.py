"""Where the photographs used as backgrounds are, and which packages bring them.

Folders named with ``--background-dir`` (``Realism.background_dirs``) first, then the system's
wallpaper folders (``/usr/share/backgrounds``, ``/usr/share/wallpapers``), which the Debian
packages of :data:`PACKAGES` fill (``ppocr-bench backgrounds install``:
:func:`ppocr_bench.synth.photos.install_packages`); ``$PPOCR_BENCH_BACKGROUNDS_ROOT`` names
another root than ``/usr/share`` (empty: none). A system file a package of that table lists as
abstract or vector art is skipped; one it does not know is taken.
Photographs are jpg, jpeg, png or webp files of at least 640 x 480 (either way round); of a
wallpaper shipped at several resolutions (``Autumn/contents/images/1920x1080.jpg``, ...,
``Elephants_3840x2160.jpg``) only the largest is kept. A file whose header cannot be read is
skipped with a warning naming it. :mod:`ppocr_bench.synth.photos` reads and crops them.
"""

from __future__ import annotations

import fnmatch
import os
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from ppocr_bench.errors import PpocrError, PpocrWarning

SYSTEM_ROOT = Path("/usr/share")
ROOT_ENV = "PPOCR_BENCH_BACKGROUNDS_ROOT"
SYSTEM_FOLDERS = ("backgrounds", "wallpapers")
SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")
MIN_SIZE = (640, 480)


@dataclass(frozen=True)
class PhotoPackage:
    """A Debian package of wallpapers: ``photos`` and ``art`` are globs (relative to
    ``/usr/share``) of its photographs and of its abstract or vector images (skipped)."""

    name: str
    license: str
    photos: tuple[str, ...] = ()
    art: tuple[str, ...] = ()


_LOMIRI_16 = ("Bridge_by_Sander_Klootwijk", "Dragonfly_by_Bolly", "Picture_0B_by_freespace",
              "Picture_1A_by_freespace", "Wine_by_Jakkub_Mede", "aitzgorri_by_Aitzol_Berasategi",
              "analogpattern_by_Peter_Nerlich", "free_by_Peter_Nerlich",
              "friends_by_Aitzol_Berasategi", "greentock_by_Peter_Nerlich",
              "life_by_Aitzol_Berasategi", "picosdeeuropa_by_Aitzol_Berasategi",
              "seeding_by_Clements_Engelhardt", "sunset_by_Aitzol_Berasategi")
_PLASMA = ("BytheWater", "ColdRipple", "ColorfulCups", "DarkestHour", "EveningGlow", "FallenLeaf",
           "Grey", "Kite", "OneStandsOut", "Path", "Volna", "summer_1am")
_UKUI = ("2004default", "calla", "city", "desert", "firstgeneration", "fluent-color",
         "focal-ubuntukylin", "goldfish", "rhythm", "rollpaper", "string", "the-mouse")

#: The wallpaper packages of Debian 12 (bookworm), looked at one image at a time. Those holding
#: photographs are installed by ``ppocr-bench backgrounds install``; the others are listed so
#: that their art is skipped when they are installed anyway.
PACKAGES = (
    PhotoPackage("mate-backgrounds", "GPL-2+", ("backgrounds/mate/nature/*",),
                 ("backgrounds/mate/*",)),
    PhotoPackage("plasma-workspace-wallpapers", "GPL-2+",
                 tuple(f"wallpapers/{n}/contents/images/*" for n in _PLASMA), ("wallpapers/*",)),
    PhotoPackage("lomiri-wallpapers-16.04", "CC-BY-4.0, CC-BY-SA-4.0, CC0-1.0 (per file)",
                 tuple(f"backgrounds/{n}.jpg" for n in _LOMIRI_16),
                 ("backgrounds/umang_by_Abhishek_Mudgal.jpg",)),
    PhotoPackage("lomiri-wallpapers-20.04", "CC-BY-SA-3.0",
                 ("backgrounds/Kleiber_by_Lukas_Baubkus.jpg",),
                 tuple(f"backgrounds/{n}.jpg" for n in ("Fossa_by_Jasper_Roks",
                       "Infinite-Sea_by_Aury88", "Painting-Colors_by__herobrine7gamer"))),
    PhotoPackage("lomiri-wallpapers", "CC-BY-SA-3.0", (),
                 ("backgrounds/warty-final-ubuntu.png",
                  "backgrounds/lomiri-default-background.png")),
    PhotoPackage("gnome-backgrounds", "CC-BY-SA-3.0", (), ("backgrounds/gnome/*",)),
    PhotoPackage("ukui-wallpapers", "CC-BY-SA-3.0", (),
                 tuple(f"backgrounds/{n}.*" for n in _UKUI)),
    PhotoPackage("sway-backgrounds", "Expat", (), ("backgrounds/sway/*",)),
)


def install_command() -> list[str]:
    """The apt-get command installing the packages of :data:`PACKAGES` that hold photographs."""
    return ["apt-get", "install", "-y", "--no-install-recommends",
            *(p.name for p in PACKAGES if p.photos)]


@dataclass(frozen=True)
class Photo:
    """A photograph: its file, where it was found (a package name, ``background-dir`` or
    ``system``), the license when known, and its size in the file (width, height)."""

    path: Path
    source: str
    license: str
    size: tuple[int, int]


def _classify(rel: str) -> PhotoPackage | str | None:
    """The package whose photographs match ``rel`` (a path below /usr/share), ``"art"`` for a
    known non-photograph, None for a file no package lists."""
    for package in PACKAGES:
        if any(fnmatch.fnmatchcase(rel, g) for g in package.photos):
            return package
    if any(fnmatch.fnmatchcase(rel, g) for p in PACKAGES for g in p.art):
        return "art"
    return None


def _image_size(path: Path) -> tuple[int, int] | None:
    """(width, height) from the file's header; None (and a warning) when it cannot be read."""
    try:
        with Image.open(path) as image:
            return image.size
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        warnings.warn(PpocrWarning(f"{path}: not a readable image ({exc or type(exc).__name__}):"
                                   " skipped as a background"), stacklevel=3)
        return None


def _big_enough(size: tuple[int, int]) -> bool:
    return max(size) >= MIN_SIZE[0] and min(size) >= MIN_SIZE[1]


def _images(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file())


def _variant_key(path: Path) -> str:
    """Resolutions of one wallpaper share a key: ``.../images/1920x1080.jpg`` -> its folder,
    ``Elephants_3840x2160.jpg`` -> ``Elephants``."""
    if re.fullmatch(r"\d+x\d+", path.stem):
        return str(path.parent.parent)  # images/ and images_dark/ are variants of one picture
    return str(path.parent / re.sub(r"_\d+x\d+(_portrait)?$", "", path.stem, flags=re.IGNORECASE))


def user_photos(folder: str | os.PathLike) -> list[Photo]:
    """The photographs of a ``--background-dir``: PpocrError when it is no folder or holds
    none."""
    path = Path(folder).expanduser()
    if not path.is_dir():
        raise PpocrError(f"--background-dir {folder}: no such folder")
    photos = [Photo(p, "background-dir", "", size) for p in _images(path)
              if (size := _image_size(p)) is not None and _big_enough(size)]
    if not photos:
        raise PpocrError(f"--background-dir {folder}: no usable photograph (jpg, jpeg, png or "
                         f"webp of at least {MIN_SIZE[0]} x {MIN_SIZE[1]} px)")
    return photos


def system_photos(root: Path = SYSTEM_ROOT) -> list[Photo]:
    """The photographs of the system wallpaper folders below ``root`` (see the module
    docstring), one per wallpaper, sorted by path."""
    best: dict[str, Photo] = {}
    for folder in SYSTEM_FOLDERS:
        for path in _images(root / folder) if (root / folder).is_dir() else []:
            rel = path.relative_to(root).as_posix()
            package = _classify(rel)
            if package == "art" or "screenshot" in path.stem.lower():
                continue
            size = _image_size(path)
            if size is None or not _big_enough(size):
                continue
            source = package.name if isinstance(package, PhotoPackage) else "system"
            licence = package.license if isinstance(package, PhotoPackage) else ""
            key, real = _variant_key(path), path.resolve()  # KDE links sizes to one file
            if key not in best or size[0] * size[1] > best[key].size[0] * best[key].size[1]:
                best[key] = Photo(real, source, licence, size)
    unique = {photo.path: photo for photo in best.values()}
    return sorted(unique.values(), key=lambda p: str(p.path))


def system_root() -> Path | None:
    """``$PPOCR_BENCH_BACKGROUNDS_ROOT`` (None when set but empty), else /usr/share."""
    env = os.environ.get(ROOT_ENV)
    if env is None:
        return SYSTEM_ROOT
    return Path(env).expanduser() if env else None


def find_photos(dirs: tuple[str, ...] = (), root: Path | None = SYSTEM_ROOT) -> list[Photo]:
    """Every photograph: those of ``dirs`` in their order, then the system's (none when
    ``root`` is None)."""
    photos = [photo for folder in dirs for photo in user_photos(folder)]
    return photos + (system_photos(root) if root is not None else [])


def source_rows(photos: list[Photo], dirs: tuple[str, ...] = ()) -> list[dict]:
    """One row per source of ``photos`` (found with ``dirs``): each ``--background-dir``
    folder, each package of :data:`PACKAGES` holding photographs (installed or not), other
    system files; with its number of photos, folder and license."""
    rows = []
    for folder in dirs:
        root = Path(folder).expanduser()
        count = sum(p.source == "background-dir" and p.path.is_relative_to(root) for p in photos)
        rows.append({"source": "background-dir", "photos": count, "folder": str(folder),
                     "license": "yours"})
    for name, licence in [*((p.name, p.license) for p in PACKAGES if p.photos), ("system", "")]:
        found = [p for p in photos if p.source == name]
        if found or name != "system":
            folder = os.path.commonpath([str(p.path.parent) for p in found]) if found else ""
            rows.append({"source": name, "photos": len(found),
                         "folder": folder or "not installed", "license": licence or "unknown"})
    return rows
