"""--font-dir: a missing, empty or unreadable folder each get their own one-line error; a font
covering part of a charset serves the lines it can draw."""

from __future__ import annotations

import json
import shutil
import string
from pathlib import Path

import pytest

from ppocr_bench.errors import PpocrError
from ppocr_bench.synth.pipeline import SynthSpec, run_synth
from ppocr_bench.text.corpus import load_charset
from ppocr_bench.text.font_dirs import MIN_LINE_SHARE, fonts_in_dirs, line_share
from ppocr_bench.text.font_files import package_font_dir
from ppocr_bench.text.fonts import coverage, is_usable

DEJAVU = package_font_dir("matplotlib") / "DejaVuSans.ttf"


@pytest.fixture(scope="module")
def ascii_dejavu(tmp_path_factory, font_subset) -> Path:
    """DejaVu Sans cut down to printable ASCII: no umlauts, no ß, no accents."""
    folder = tmp_path_factory.mktemp("ascii-font")
    font_subset(DEJAVU, folder / "DejaVuSans-ascii.ttf", string.printable)
    return folder


@pytest.mark.parametrize("case, needle", [
    ("missing", "--font-dir does not exist"),
    ("empty", "--font-dir holds no font file (.ttf, .otf, .ttc, .otc)"),
    ("unreadable", "none of its 2 font file(s) can be read (e.g. a.ttf: not a font, or damaged)"),
    ("not a font", "--font-dir is not a folder nor a font file"),
])
def test_bad_font_dir_gets_its_own_line(tmp_path: Path, case: str, needle: str):
    folder = tmp_path / "fonts"
    if case != "missing":
        folder.mkdir()
        (folder / "README.txt").write_text("no fonts here")
    if case == "unreadable":
        (folder / "a.ttf").write_bytes(b"not a font")
        (folder / "b.otf").write_bytes(b"")
    target = folder / "README.txt" if case == "not a font" else folder
    with pytest.raises(PpocrError) as err:
        fonts_in_dirs("en", [target])
    msg = str(err.value)
    assert msg.startswith(f"{target}: {needle}"), msg
    assert "no font covers" not in msg and "\n" not in msg


def test_latin_font_for_japanese_says_what_is_missing(ascii_dejavu: Path):
    with pytest.raises(PpocrError) as err:
        fonts_in_dirs("ja", [ascii_dejavu])
    msg = str(err.value)
    assert msg.startswith("no font covers the ja charset (corpora/ja/charset.txt)")
    assert f"at least {MIN_LINE_SHARE:.0%} needed" in msg and "missing from every font" in msg


def test_partial_font_serves_the_lines_it_can_draw(tmp_path: Path, ascii_dejavu: Path):
    [face] = fonts_in_dirs("de", [ascii_dejavu])
    assert not is_usable(face, "de") and coverage(face, load_charset("de")) < 0.97
    assert MIN_LINE_SHARE <= line_share([face], "de") < 1.0
    out = tmp_path / "de"
    result = run_synth(SynthSpec(lang="de", count=2, seed=5), out, font_dirs=[ascii_dejavu])
    assert result.complete and result.manifest["counts"]["instances"] >= 10
    texts = [json.loads(line)["text"] for line in
             (out / "rec" / "meta.jsonl").read_text(encoding="utf-8").splitlines()]
    assert all(set(t) <= set(string.printable) for t in texts)
    fonts = {json.loads(line)["font"] for line in
             (out / "rec" / "meta.jsonl").read_text(encoding="utf-8").splitlines()}
    assert fonts == {str(ascii_dejavu / "DejaVuSans-ascii.ttf")}


def test_full_font_dir_is_unchanged(tmp_path: Path):
    shutil.copy(DEJAVU, tmp_path / DEJAVU.name)
    assert [f.family for f in fonts_in_dirs("en", [tmp_path])] == ["DejaVu Sans"]


def test_fonts_command_names_a_missing_font_dir(tmp_path: Path):
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "ppocr_bench", "fonts", "--font-dir",
                           str(tmp_path / "nope")], capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"error: {tmp_path / 'nope'}: --font-dir does not exist"
