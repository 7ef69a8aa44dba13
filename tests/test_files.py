"""The cache root and sha256 of a file (ppocr_bench.files)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from ppocr_bench.files import cache_root, sha256_file


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
