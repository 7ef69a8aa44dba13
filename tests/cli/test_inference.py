"""`ppocr-bench ocr`: bad images and unwritable --draw paths are one line, before any work."""

import json
import os
from pathlib import Path

import cv2
import numpy as np
import pytest
from cli_run import cli, one_line_error, warning_lines


@pytest.fixture
def image(tiny_set) -> Path:
    return tiny_set / "det" / "images" / "000000.jpg"


@pytest.fixture
def zoo(tiny_zoo) -> Path:
    return tiny_zoo.root


def _marker_in_scan(data: bytes) -> bytes:
    """JPEG ``data`` with a restart marker the stream never announced, mid-scan: libjpeg
    decodes it with a 'Corrupt JPEG data' warning."""
    sos = data.index(b"\xff\xda")
    middle = (sos + 2 + int.from_bytes(data[sos + 2:sos + 4], "big") + len(data)) // 2
    return data[:middle] + b"\xff\xd0" + data[middle + 2:]


@pytest.mark.parametrize("name, data, needle", [
    ("empty.jpg", lambda good: b"", "empty file (0 bytes), not an image"),
    ("cut.jpg", lambda good: good[:len(good) // 2],
     "not a readable image: damaged JPEG (Premature end of JPEG file)"),
])
def test_unreadable_image_is_one_line(zoo, image, tmp_path, name, data, needle):
    bad = tmp_path / name
    bad.write_bytes(data(image.read_bytes()))
    one_line_error(cli("ocr", bad, "--zoo", zoo), f"error: {bad}: {needle}")


def test_damaged_image_that_decodes_is_one_warning_line(zoo, image, tmp_path):
    hurt = tmp_path / "hurt.jpg"
    hurt.write_bytes(_marker_in_scan(image.read_bytes()))
    proc = cli("ocr", hurt, "--zoo", zoo, "--json")
    lines = warning_lines(proc)
    assert len(lines) == 1 and lines[0].startswith(
        f"warning: {hurt}: damaged JPEG (Corrupt JPEG data: "), lines
    assert json.loads(proc.stdout)[0]["path"] == str(hurt)


def test_a_bad_image_among_several_stops_before_any_work(zoo, image, tmp_path):
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    drawings = tmp_path / "drawings"
    proc = cli("ocr", image, empty, image, "--zoo", zoo, "--draw", drawings / "ocr.png")
    one_line_error(proc, f"{empty}: empty file (0 bytes)")
    assert proc.stdout == "" and not list(drawings.glob("*.png"))


def _draw_targets(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    (tmp_path / "notes.txt").write_text("keep me")
    return {"under a file": (tmp_path / "notes.txt" / "ocr.png",
                             f"{tmp_path / 'notes.txt'} is a file, not a folder"),
            "under /sys": (Path("/sys/ppocr-bench/ocr.png"), "cannot write here: "),
            "unknown suffix": (tmp_path / "ocr.xyz", "cannot write an image with suffix '.xyz'")}


@pytest.mark.parametrize("case", ["under a file", "under /sys", "unknown suffix"])
def test_unwritable_draw_is_one_line_before_the_models_load(image, tmp_path, case):
    target, needle = _draw_targets(tmp_path)[case]
    # A zoo entry that does not exist: the drawing path is refused before it is even read.
    proc = cli("ocr", image, "--zoo", tmp_path / "no-zoo", "--draw", target)
    one_line_error(proc, needle)
    assert proc.stderr.startswith(f"error: {target}: ")
    assert (tmp_path / "notes.txt").read_text() == "keep me"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_draw_into_a_read_only_folder_is_one_line(zoo, image, tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        one_line_error(cli("ocr", image, "--zoo", zoo, "--draw", folder / "ocr.png"),
                       "permission denied")
    finally:
        folder.chmod(0o755)


def test_draw_into_a_new_folder(zoo, image, tmp_path):
    target = tmp_path / "new" / "sub" / "ocr.png"
    proc = cli("ocr", image, "--zoo", zoo, "--draw", target, "--json")
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    drawn = cv2.imread(str(target))
    assert drawn.shape[1] == 2 * cv2.imread(str(image)).shape[1] and np.ptp(drawn) > 0


def test_without_zoo_the_best_entry_for_the_language_is_used_and_named(tiny_zoo, image,
                                                                          tmp_path):
    import shutil

    zoo_dir = tmp_path / "zoo"
    shutil.copytree(tiny_zoo.root, zoo_dir / "random")
    proc = cli("ocr", image, "--lang", "en", "--zoo-dir", zoo_dir, "--json")
    assert proc.returncode == 0, proc.stderr
    assert "entry: en: zoo/random (no entry has eval figures for en" in proc.stderr
    assert json.loads(proc.stdout)[0]["path"] == str(image)  # stdout: the JSON alone
    one_line_error(cli("ocr", image, "--lang", "ko", "--zoo-dir", zoo_dir),
                   "has a detector and a ko recognizer")
