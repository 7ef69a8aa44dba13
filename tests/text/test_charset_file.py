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
    # one character as a reader sees it, of several code points (PP-OCRv5's dictionary has
    # ten flags): a flag, a letter with a combining mark, an emoji with a skin tone or joins
    ("a\n\U0001f1e9\U0001f1ea\ne\u0301\n\U0001f44d\U0001f3fd\n\U0001f468\u200d\U0001f469\n"
     .encode(), ["a", "\U0001f1e9\U0001f1ea", "e\u0301", "\U0001f44d\U0001f3fd",
                 "\U0001f468\u200d\U0001f469"]),
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
    # several characters all the same: two flags, a flag and a letter, a dangling join, a
    # combining mark with nothing to combine with
    ("a\n\U0001f1e9\U0001f1ea\U0001f1ec\U0001f1e7\n".encode(), r"c.txt:2: expected one character"),
    ("\U0001f1e9a\n".encode(), r"c.txt:1: expected one character per line"),
    ("\U0001f468\u200d\n".encode(), r"c.txt:1: expected one character per line"),
    ("\u0301\u0301\n".encode(), r"c.txt:1: expected one character per line"),
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
