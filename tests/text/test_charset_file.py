"""The one charset file parser: its rules, degenerate files and the writer's round trip."""

from __future__ import annotations

from pathlib import Path

import pytest

from ppocr_bench.errors import PpocrError
from ppocr_bench.text.charset import (charset_text, parse_charset, read_charset_file,
                                      write_charset_file)


@pytest.mark.parametrize(("data", "chars"), [
    (b"a\nb\nc\n", ["a", "b", "c"]),               # final newline ends the last entry
    (b"a\nb\nc", ["a", "b", "c"]),                 # ... and may be left out
    (b"a\r\nb\r\nc\r\n", ["a", "b", "c"]),         # CRLF
    (b"a\r\nb\n \n", ["a", "b", " "]),             # mixed ends; a lone space is the space
    (b"\xef\xbb\xbfa\nb\n", ["a", "b"]),           # UTF-8 byte-order mark dropped
    ("é\n中\n\u3000\n".encode(), ["é", "中", "\u3000"]),  # one code point each, any script
    (b"x", ["x"]),
])
def test_accepted_files(tmp_path: Path, data: bytes, chars: list[str]):
    (tmp_path / "c.txt").write_bytes(data)
    assert read_charset_file(tmp_path / "c.txt") == chars


@pytest.mark.parametrize(("data", "message"), [
    (b"", r"c.txt: empty charset"),
    (b"\n", r"c.txt:1: empty line \(a space is a line holding one space\)"),
    (b"\xef\xbb\xbf", r"c.txt: empty charset"),
    (b"a\n\nb\n", r"c.txt:2: empty line"),
    (b"a\nb\n\n", r"c.txt:3: empty line"),          # two final newlines: an empty entry
    (b"a\r\n\r\nb\r\n", r"c.txt:2: empty line"),
    (b"a\nbc\n", r"c.txt:2: expected one character per line, got 'bc'"),
    (b"a\nb \n", r"c.txt:2: expected one character per line, got 'b '"),
    (b"a\n\tb\n", r"c.txt:2: expected one character per line, got '\\tb'"),
    (b"a\nb\na\n", r"c.txt:3: 'a' is already on line 1"),
    (b"a\n\xff\n", r"c.txt: not valid UTF-8 \(invalid start byte at byte 2\)"),
])
def test_refused_files_name_the_file_and_line(tmp_path: Path, data: bytes, message: str):
    (tmp_path / "c.txt").write_bytes(data)
    with pytest.raises(PpocrError, match=message):
        read_charset_file(tmp_path / "c.txt")


def test_missing_or_unreadable_file(tmp_path: Path):
    with pytest.raises(PpocrError, match=r"nope.txt: charset file not found"):
        read_charset_file(tmp_path / "nope.txt")
    with pytest.raises(PpocrError, match=r": cannot read the charset file"):
        read_charset_file(tmp_path)  # a folder


def test_parse_names_its_source():
    with pytest.raises(PpocrError, match=r"^rec.onnx: 'character' metadata:2: empty line"):
        parse_charset("a\n\nb", "rec.onnx: 'character' metadata")
    assert parse_charset("a\nb", "x") == ["a", "b"]


def test_writer_round_trip(tmp_path: Path):
    chars = ["a", " ", "中", "\u3000", "\ufeff"]  # a BOM character not first in the file is kept
    path = write_charset_file(tmp_path / "c.txt", chars)
    assert path.read_bytes() == charset_text(chars).encode("utf-8")
    assert path.read_bytes().endswith(b"\n") and b"\r" not in path.read_bytes()
    assert read_charset_file(path) == chars
