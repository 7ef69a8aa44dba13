"""`ppocr-bench preview`: the contact sheet, and its --out checked before any image is read."""

from pathlib import Path

import pytest
from cli_run import cli, one_line_error
from PIL import Image


def test_preview_into_a_new_folder(tiny_set, tmp_path):
    out = tmp_path / "new" / "sheet.png"
    proc = cli("preview", tiny_set, "--out", out)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    with Image.open(out) as sheet:
        assert sheet.width > 1000 and sheet.height > 300


@pytest.mark.parametrize("case", ["under a file", "under /sys", "unknown suffix"])
def test_unwritable_out_is_one_line(tiny_set, tmp_path, case):
    notes = tmp_path / "notes.txt"
    notes.write_text("keep me")
    out, needle = {"under a file": (notes / "sheet.png", f"{notes} is a file, not a folder"),
                   "under /sys": (Path("/sys/ppocr-bench/sheet.png"), "cannot write here: "),
                   "unknown suffix": (tmp_path / "sheet.xyz",
                                      "cannot write an image with suffix '.xyz'")}[case]
    proc = cli("preview", tiny_set, "--out", out)
    one_line_error(proc, needle)
    assert proc.stderr.startswith(f"error: {out}: ") and notes.read_text() == "keep me"
    assert not (tiny_set / "preview.png").exists()
