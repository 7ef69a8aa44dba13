import warnings
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from ppocr_bench.data.images import decode_image, read_image
from ppocr_bench.errors import PpocrError, PpocrWarning


def _jpeg_bytes(h: int = 120, w: int = 200, seed: int = 0) -> bytes:
    rng = np.random.default_rng(seed)
    image = cv2.GaussianBlur((rng.random((h, w, 3)) * 255).astype(np.uint8), (7, 7), 2)
    cv2.putText(image, "Text 123", (5, h // 2), cv2.FONT_HERSHEY_SIMPLEX, 1, (0, 0, 0), 2)
    return cv2.imencode(".jpg", image)[1].tobytes()


def _scan_middle(data: bytes) -> int:
    """An offset in the middle of the entropy-coded data (after the SOS header)."""
    sos = data.index(b"\xff\xda")
    start = sos + 2 + int.from_bytes(data[sos + 2:sos + 4], "big")
    return (start + len(data)) // 2


def _marker_in_scan(data: bytes) -> bytes:
    damaged = bytearray(data)
    middle = _scan_middle(data)
    damaged[middle:middle + 2] = b"\xff\xd0"  # a restart marker the stream never announced
    return bytes(damaged)


def _flipped_bytes(data: bytes) -> bytes:
    damaged = bytearray(data)
    for k in (0, 7, 13):
        damaged[_scan_middle(data) + k] ^= 0xFF
    return bytes(damaged)


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _no_warning(path: Path) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return read_image(path)


def test_non_ascii_paths_and_the_pixels_cv2_gives(tmp_path):
    image = np.zeros((40, 60, 3), np.uint8)
    image[:, :30] = (10, 120, 240)
    path = tmp_path / "页面 é.png"
    cv2.imencode(".png", image)[1].tofile(str(path))
    np.testing.assert_array_equal(_no_warning(path), image)
    jpeg = _write(tmp_path, "ok.jpg", _jpeg_bytes())
    np.testing.assert_array_equal(_no_warning(jpeg), cv2.imread(str(jpeg)))


def test_exif_orientation_is_applied_like_cv2(tmp_path):
    path = tmp_path / "rotated.jpg"
    pil = Image.fromarray(np.zeros((30, 50, 3), np.uint8))
    exif = pil.getexif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to display
    pil.save(path, exif=exif.tobytes())
    assert _no_warning(path).shape == (50, 30, 3) == cv2.imread(str(path)).shape


@pytest.mark.parametrize("name, data, problem", [
    ("empty.jpg", b"", "empty file (0 bytes), not an image"),
    ("garbage.jpg", b"\xff\xd8\xff garbage", "not a readable image: damaged JPEG ("),
    ("text.png", b"hello", "not a readable image (corrupt or unsupported format)"),
])
def test_unreadable_files_are_refused_by_name(tmp_path, name, data, problem):
    path = _write(tmp_path, name, data)
    with pytest.raises(PpocrError, match=rf"^{path}: ") as info:
        read_image(path)
    assert problem in str(info.value) and "\n" not in str(info.value)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(PpocrError, match="missing.png: no such image file"):
        read_image(tmp_path / "missing.png")
    with pytest.raises(PpocrError, match=f"^{tmp_path}: is a folder, not an image file$"):
        read_image(tmp_path)


@pytest.mark.parametrize("keep", [0.5, 0.9])
def test_truncated_jpeg_is_refused(tmp_path, keep):
    data = _jpeg_bytes()
    path = _write(tmp_path, "cut.jpg", data[:int(len(data) * keep)])
    with pytest.raises(PpocrError, match=rf"^{path}: not a readable image: damaged JPEG "
                                         r"\(Premature end of JPEG file\)$"):
        read_image(path)


@pytest.mark.parametrize("damage, words", [(_marker_in_scan, "Corrupt JPEG data"),
                                           (_flipped_bytes, "Corrupt JPEG data")])
def test_damaged_jpeg_that_decodes_warns_with_its_name(tmp_path, damage, words):
    intact = _jpeg_bytes()
    path = _write(tmp_path, "hurt.jpg", damage(intact))
    with pytest.warns(PpocrWarning, match=rf"^{path}: damaged JPEG \({words}") as record:
        image = read_image(path)
    assert len(record) == 1 and "\n" not in str(record[0].message)
    assert image.shape == (120, 200, 3)
    assert decode_image(path)[1].startswith(words)
    assert decode_image(_write(tmp_path, "fine.jpg", intact))[1] is None


@pytest.mark.parametrize("cut", [True, False])
def test_damaged_png_is_refused(tmp_path, cut):
    data = bytearray(cv2.imencode(".png", np.full((40, 60, 3), 7, np.uint8))[1].tobytes())
    if cut:
        data = data[:len(data) // 2]
    else:
        data[len(data) // 2] ^= 0xFF
    path = _write(tmp_path, "hurt.png", bytes(data))
    with pytest.raises(PpocrError, match=rf"^{path}: not a readable image: damaged PNG \("):
        read_image(path)
