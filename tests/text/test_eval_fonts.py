"""The pinned fonts of the default eval sets: every pin holds, and a missing or changed file is
a one-line error naming it, its package and what to install."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ppocr_bench.errors import PpocrError
from ppocr_bench.text import eval_fonts
from ppocr_bench.text.eval_fonts import (
    PINNED_FONTS,
    fingerprint,
    pinned_faces,
    pinned_paths,
    pins_record,
)
from ppocr_bench.text.font_files import package_font_dir

CODES = ["zh", "en", "fr", "de", "ja", "ko"]


def test_every_pin_matches_the_installed_file():
    paths = pinned_paths()
    assert [p.name for p in paths] == [pin.file for pin in PINNED_FONTS]
    assert {pin.package for pin in PINNED_FONTS} == {"noto-cjk-sans-otc", "matplotlib"}


@pytest.mark.parametrize("lang", CODES)
def test_pinned_faces_serve_every_language_from_pinned_files_only(lang: str):
    faces = pinned_faces(lang)
    assert faces
    assert {f.path for f in faces} <= set(pinned_paths())


def test_fingerprint_names_the_pins():
    assert len(fingerprint()) == 10 and int(fingerprint(), 16) >= 0
    record = pins_record()
    assert record["fingerprint"] == fingerprint()
    assert [f["sha256"] for f in record["files"]] == [p.sha256 for p in PINNED_FONTS]
    other = (*PINNED_FONTS[:-1], eval_fonts.PinnedFont(PINNED_FONTS[-1].file, "matplotlib", "0" * 64))
    assert fingerprint(other) != fingerprint()


@pytest.fixture()
def fake_matplotlib(tmp_path: Path, monkeypatch) -> Path:
    """matplotlib's font folder replaced by an empty folder."""
    real = package_font_dir

    def fake(package: str) -> Path | None:
        return tmp_path if package == "matplotlib" else real(package)

    monkeypatch.setattr(eval_fonts, "package_font_dir", fake)
    return tmp_path


def test_missing_pinned_file_is_one_line_naming_it_and_the_install(fake_matplotlib: Path):
    with pytest.raises(PpocrError) as err:
        pinned_paths()
    msg = str(err.value)
    assert "\n" not in msg
    assert f"{fake_matplotlib}: DejaVuSans.ttf of the matplotlib package is missing" in msg
    assert "pip install --force-reinstall --no-deps matplotlib" in msg


def test_changed_pinned_file_is_one_line_naming_it(fake_matplotlib: Path):
    real = package_font_dir("matplotlib")
    for pin in PINNED_FONTS[1:]:
        shutil.copy(real / pin.file, fake_matplotlib / pin.file)
    shutil.copy(real / "DejaVuSans-Bold.ttf", fake_matplotlib / "DejaVuSans.ttf")  # other bytes
    with pytest.raises(PpocrError) as err:
        pinned_faces("en")
    msg = str(err.value)
    assert "\n" not in msg
    assert msg.startswith(f"{fake_matplotlib / 'DejaVuSans.ttf'}: sha256 differs from the pinned")
    assert "pip install --force-reinstall" in msg
