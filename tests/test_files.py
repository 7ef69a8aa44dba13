"""ppocr_bench.files: the cache root, sha256 of a file, output paths checked before the work."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from ppocr_bench.errors import PpocrError
from ppocr_bench.files import cache_root, ensure_writable_dir, ensure_writable_file, sha256_file


def test_cache_root_follows_the_environment(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("PPOCR_BENCH_CACHE", str(tmp_path))
    assert cache_root() == tmp_path
    monkeypatch.setenv("PPOCR_BENCH_CACHE", "~/elsewhere")
    assert cache_root() == Path.home() / "elsewhere"
    monkeypatch.delenv("PPOCR_BENCH_CACHE")
    assert cache_root() == Path.home() / ".cache" / "ppocr-bench"
    assert not (tmp_path / "fonts").exists()  # naming the root creates nothing


def test_sha256_of_a_known_file(tmp_path: Path):
    (tmp_path / "f").write_bytes(b"abc")
    assert sha256_file(tmp_path / "f") == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")


def test_sha256_of_a_file_larger_than_one_block(tmp_path: Path):
    data = bytes(range(256)) * 5000  # 1.28 MB: two reads
    (tmp_path / "big").write_bytes(data)
    assert sha256_file(tmp_path / "big") == hashlib.sha256(data).hexdigest()
    (tmp_path / "empty").write_bytes(b"")
    assert sha256_file(tmp_path / "empty") == hashlib.sha256(b"").hexdigest()


@pytest.fixture
def a_file(tmp_path) -> Path:
    path = tmp_path / "notes.txt"
    path.write_text("keep me")
    return path


def test_writable_dir_is_created_and_left_empty(tmp_path):
    out = tmp_path / "a" / "b"
    assert ensure_writable_dir(out) == out and out.is_dir()
    assert list(out.iterdir()) == []


def test_writable_file_creates_its_folder_and_keeps_an_existing_file(tmp_path, a_file):
    new = tmp_path / "sub" / "draw.png"
    assert ensure_writable_file(new) == new
    assert new.parent.is_dir() and not new.exists()
    assert ensure_writable_file(a_file) == a_file and a_file.read_text() == "keep me"


@pytest.mark.parametrize("check", [ensure_writable_dir, ensure_writable_file])
def test_a_path_under_a_file_is_named(check, a_file):
    with pytest.raises(PpocrError, match=rf"^{a_file}/x/y: cannot write here: {a_file} is a "
                                         "file, not a folder$"):
        check(a_file / "x" / "y")
    assert a_file.read_text() == "keep me"


def test_a_file_is_not_a_folder_and_a_folder_not_a_file(tmp_path, a_file):
    with pytest.raises(PpocrError, match=f"{a_file}: cannot write here: {a_file} is a file"):
        ensure_writable_dir(a_file)
    with pytest.raises(PpocrError, match=f"{tmp_path}: cannot write here: it is a folder"):
        ensure_writable_file(tmp_path)


@pytest.mark.skipif(not Path("/sys/kernel").is_dir(), reason="needs Linux /sys")
@pytest.mark.parametrize("check", [ensure_writable_dir, ensure_writable_file])
def test_sys_is_refused(check):
    with pytest.raises(PpocrError, match=r"^/sys/ppocr-out/x: cannot write here: "
                                         r"(operation not permitted|permission denied)"):
        check("/sys/ppocr-out/x")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_folder_is_refused(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(PpocrError, match="permission denied"):
            ensure_writable_file(folder / "x.png")
        with pytest.raises(PpocrError, match="permission denied"):
            ensure_writable_dir(folder / "sub")
    finally:
        folder.chmod(0o755)


def test_without_create_nothing_is_made_and_problems_are_still_found(tmp_path, a_file):
    ensure_writable_dir(tmp_path / "a" / "b", create=False)
    assert sorted(tmp_path.iterdir()) == [a_file]
    with pytest.raises(PpocrError, match="is a file, not a folder"):
        ensure_writable_dir(a_file / "run", create=False)
    with pytest.raises(PpocrError, match=r"^/sys/ppocr-run: cannot write here: "):
        ensure_writable_dir("/sys/ppocr-run", create=False)
