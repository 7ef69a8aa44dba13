"""Real photographs as backgrounds: a cached copy of each, the library a process draws from,
crops of them.

**Where** they are found (``--background-dir``, the system's wallpaper folders) is
:mod:`ppocr_bench.synth.photo_sources`; :func:`install_packages` installs the Debian packages
that bring them (``ppocr-bench backgrounds install``).

**Cache.** Decoding a 5K PNG takes a second: each photograph is read once, downscaled to at
most :data:`MAX_SIDE` px and kept as a JPEG (quality 95) under ``cache_root()/backgrounds``,
named by its path, size and mtime and written atomically. Pixels always come from that JPEG, so
a page is the same whether the copy was made by this run or an earlier one. A file whose pixels
do not decode is skipped with a warning naming it when it is first used.

**Crops.** :func:`page_crop` cuts a random window of a random photograph to a page's size
(random scale, mirrored half of the time); :func:`line_patch` cuts a text line's background,
the least textured of a few windows. Both draw only from the ``rng`` they are given; the list
of photographs is sorted, so samples are reproducible on machines holding the same files.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
import warnings
from pathlib import Path

import cv2
import numpy as np

from ppocr_bench.data.images import decode_image
from ppocr_bench.errors import PpocrError, PpocrWarning
from ppocr_bench.files import cache_root
from ppocr_bench.synth.photo_sources import (
    SYSTEM_ROOT,
    Photo,
    find_photos,
    install_command,
    system_root,
    user_photos,
)
from ppocr_bench.synth.realism import Realism
from ppocr_bench.synth.surface import texture_map

MAX_SIDE = 1600
QUALITY = 95


def install_packages(dry_run: bool = False) -> tuple[str, bool]:
    """Install the photograph packages with apt-get when this process can (root, apt-get on
    the PATH, not ``dry_run``). Returns (the command line, whether it ran); PpocrError when
    apt-get fails."""
    command = install_command()
    can = hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get") is not None
    if dry_run or not can:
        return " ".join(command if can or dry_run else ["sudo", *command]), False
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    done = subprocess.run(command, env=env, check=False)
    if done.returncode != 0:
        raise PpocrError(f"{' '.join(command)} failed (exit status {done.returncode}); "
                         "run apt-get update first if apt could not find the packages")
    clear_caches()
    return " ".join(command), True


def cached_path(photo: Photo) -> Path:
    """Where the downscaled copy of ``photo`` lives (keyed by its path, size and mtime)."""
    stat = photo.path.stat()
    key = f"{photo.path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{MAX_SIDE}|{QUALITY}"
    digest = hashlib.sha1(key.encode()).hexdigest()[:16]
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", "-".join(photo.path.with_suffix("").parts[-4:]))[-60:]
    return cache_root() / "backgrounds" / f"{stem}-{digest}.jpg"


def _copy_bytes(photo: Photo) -> bytes:
    """The JPEG bytes of ``photo``'s downscaled copy: read from the cache, else made (from the
    decoded file) and written there atomically (kept in memory only when the cache cannot be
    written). PpocrError when the file does not decode cleanly."""
    target = cached_path(photo)
    try:
        return target.read_bytes()
    except OSError:
        pass
    bgr, damage = decode_image(photo.path)
    if damage is not None:
        raise PpocrError(f"damaged JPEG ({damage})")
    scale = MAX_SIDE / max(bgr.shape[:2])
    if scale < 1:
        size = (max(1, round(bgr.shape[1] * scale)), max(1, round(bgr.shape[0] * scale)))
        bgr = cv2.resize(bgr, size, interpolation=cv2.INTER_AREA)
    ok, buf = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, QUALITY])
    assert ok
    data, tmp = buf.tobytes(), None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".jpg")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
        tmp = None
    except OSError:
        pass  # a read-only cache: the copy lives in this process only
    finally:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
    return data


def _decode(photo: Photo, flags: int) -> np.ndarray:
    """The pixels of ``photo``'s copy; a copy that does not decode is made again once."""
    for _ in range(2):
        image = cv2.imdecode(np.frombuffer(_copy_bytes(photo), np.uint8), flags)
        if image is not None:
            return image
        cached_path(photo).unlink(missing_ok=True)
    raise PpocrError("its downscaled copy does not decode")


@functools.lru_cache(maxsize=12)
def _full(photo: Photo) -> np.ndarray:
    return _decode(photo, cv2.IMREAD_COLOR)


@functools.lru_cache(maxsize=64)
def _half(photo: Photo) -> np.ndarray:
    return _decode(photo, cv2.IMREAD_REDUCED_COLOR_2)


def load_photo(photo: Photo, half: bool = False) -> np.ndarray | None:
    """``photo`` as H x W x 3 uint8 **BGR** (as :func:`ppocr_bench.data.images.read_image`
    gives images; crops are turned to RGB), longest side at most :data:`MAX_SIDE` (half that
    with ``half``: what line patches are cut from, many kept in memory), from its cached copy
    (made when missing); None, after a warning naming it, when it does not decode. The array is
    shared: never edit it."""
    try:
        return (_half if half else _full)(photo)
    except (PpocrError, OSError) as exc:
        warnings.warn(PpocrWarning(f"{photo.path}: skipped as a background: {exc}"), stacklevel=2)
        return None


class PhotoLibrary:
    """The photographs one process draws from (see :func:`library`); a photograph that does not
    decode is left out from then on, its draws going to the next one in the list."""

    def __init__(self, photos: list[Photo]):
        self.photos = photos
        self._bad: set[int] = set()

    def __len__(self) -> int:
        return len(self.photos) - len(self._bad)

    def image(self, index: int, half: bool = False) -> np.ndarray | None:
        """The pixels (BGR, :func:`load_photo`) of photograph ``index`` or of the first good
        one after it; None when none decodes."""
        for step in range(len(self.photos)):
            i = (index + step) % len(self.photos)
            if i in self._bad:
                continue
            image = load_photo(self.photos[i], half)
            if image is not None:
                return image
            self._bad.add(i)
        return None

    def draw(self, rng: np.random.Generator, half: bool = False) -> np.ndarray | None:
        """A random photograph's pixels (BGR; one draw from ``rng``), None for an empty
        library."""
        if not self.photos:
            return None
        return self.image(int(rng.integers(len(self.photos))), half)


@functools.lru_cache(maxsize=8)
def library(dirs: tuple[str, ...] = (), root: Path | None = SYSTEM_ROOT) -> PhotoLibrary:
    """The per-process :class:`PhotoLibrary` of :func:`find_photos` (built once per arguments).
    None found is not an error: backgrounds are then all procedural, and ``synth`` says so in
    its summary (:func:`photos_summary`)."""
    return PhotoLibrary(find_photos(tuple(dirs), root))


def clear_caches() -> None:
    """Forget this process's libraries and decoded photographs (after an install, in tests)."""
    library.cache_clear()
    _full.cache_clear()
    _half.cache_clear()


def check_background_dirs(realism: Realism) -> None:
    """Refuse, before any work, a ``--background-dir`` that is missing or holds no usable
    photograph (one-line PpocrError); with photos on, the process's library is built here, so
    that forked workers inherit it instead of scanning again."""
    if realism.on("photos"):
        library(realism.background_dirs, system_root())
    else:
        for folder in realism.background_dirs:
            user_photos(folder)


def realism_library(realism: Realism) -> PhotoLibrary | None:
    """The library a synthesis with ``realism`` draws from: None when photos are off (or in
    legacy mode) or none is found."""
    if not realism.on("photos"):
        return None
    lib = library(realism.background_dirs, system_root())
    return lib if len(lib) else None


def photos_used(realism: Realism) -> list[str]:
    """The photographs a synthesis with ``realism`` may draw (their paths, in draw order): what
    a manifest or a stream record keeps, so that a run is never resumed on other photos."""
    lib = realism_library(realism)
    return [str(p.path) for p in lib.photos] if lib is not None else []


def photos_summary(paths: list[str] | None) -> str:
    """One line on a run's scene backgrounds, from its manifest's ``photos_available``."""
    if paths is None:
        return "backgrounds: procedural (--realism legacy or photos off)"
    if not paths:
        return ("backgrounds: procedural only, no photographs found (`ppocr-bench backgrounds "
                "install`, or --background-dir)")
    return f"backgrounds: {len(paths)} photographs and procedural ones"


def _window(rng: np.random.Generator, ph: int, pw: int, h: int, w: int, lo: float
            ) -> tuple[int, int, int, int]:
    """A random (x, y, cw, ch) window of a ph x pw photo with the aspect of h x w, its size
    between ``lo`` and 1 of the largest such window."""
    fit = min(pw / w, ph / h)
    cw, ch = w * fit, h * fit
    frac = rng.uniform(min(lo, 1.0), 1.0)
    cw, ch = max(1, int(cw * frac)), max(1, int(ch * frac))
    return int(rng.integers(0, pw - cw + 1)), int(rng.integers(0, ph - ch + 1)), cw, ch


def _to_patch(rng: np.random.Generator, window: np.ndarray, w: int, h: int) -> np.ndarray:
    """A BGR ``window`` resized to w x h, mirrored half of the time, as RGB."""
    shrink = window.shape[1] > w
    out = cv2.resize(window, (w, h), interpolation=cv2.INTER_AREA if shrink else cv2.INTER_LINEAR)
    if rng.random() < 0.5:
        out = cv2.flip(out, 1)
    return cv2.cvtColor(out, cv2.COLOR_BGR2RGB)


def page_crop(rng: np.random.Generator, lib: PhotoLibrary, h: int, w: int,
              max_zoom: float = 1.5) -> np.ndarray | None:
    """An h x w x 3 uint8 RGB window of a random photograph rescaled to the page (enlarged at
    most ``max_zoom`` times where the photograph allows), mirrored half of the time."""
    photo = lib.draw(rng)
    if photo is None:
        return None
    ph, pw = photo.shape[:2]
    fit = min(pw / w, ph / h)  # the largest window, in photo px per page px
    x, y, cw, ch = _window(rng, ph, pw, h, w, 1.0 / (fit * max_zoom))
    return _to_patch(rng, photo[y:y + ch, x:x + cw], w, h)


def line_patch(rng: np.random.Generator, h: int, w: int, realism: Realism,
               tries: int = 4) -> np.ndarray | None:
    """An h x w x 3 uint8 RGB patch cut from a random photograph, to lie under a text line: the
    least textured of ``tries`` random windows (their size a random 0.5-3 times the patch's,
    mirrored half of the time); None when photos are off or none is available."""
    lib = realism_library(realism)
    photo = lib.draw(rng, half=True) if lib is not None else None
    if photo is None:
        return None
    ph, pw = photo.shape[:2]
    scale = min(float(np.exp(rng.uniform(np.log(0.5), np.log(3.0)))), pw / w, ph / h)
    cw, ch = max(1, int(w * scale)), max(1, int(h * scale))
    xs, ys = rng.integers(0, pw - cw + 1, tries), rng.integers(0, ph - ch + 1, tries)
    best, score = None, np.inf
    for x, y in zip(xs.tolist(), ys.tolist()):
        window = photo[y:y + ch, x:x + cw]
        busy = float(texture_map(window)[0].mean())
        if busy < score:
            best, score = window, busy
    return _to_patch(rng, best, w, h)
