
import cv2
import numpy as np
import pytest

from ppocr_bench.errors import PpocrError
from ppocr_bench.text.fonts import FontFace
from ppocr_bench.inference.ocr import draw_ocr, drawing_paths, run_ocr, text_runs
from ppocr_bench.inference.system import OcrLine


def _face(name, chars):
    return FontFace(path=f"/fonts/{name}.ttf", index=0, family=name, style="Regular",
                    source="test", license="test", codepoints=frozenset(map(ord, chars)))


LINES = [
    OcrLine(np.float32([[10, 10], [110, 10], [110, 40], [10, 40]]), "Hello 世界", 0.9, 0.8, 0),
    OcrLine(np.float32([[150, 5], [175, 5], [175, 90], [150, 90]]), "縦書き", 0.7, 0.6, 180),
    OcrLine(np.float32([[20, 60], [60, 60], [60, 75], [20, 75]]), "", 0.0, 0.7, 0),
]


class FakeSystem:
    def __init__(self):
        self.shapes = []

    def __call__(self, image):
        self.shapes.append(image.shape)
        return LINES[:2]


def _image(h=100, w=200):
    rng = np.random.default_rng(0)
    return rng.integers(100, 255, (h, w, 3), dtype=np.uint8)


def test_text_runs_prefer_one_face_then_fall_back_per_character():
    latin, cjk = _face("Latin", "abc "), _face("Cjk", "ab漢字")
    assert text_runs("ab", [latin, cjk]) == [("ab", latin)]
    assert text_runs("a 漢字", [latin, cjk]) == [("a ", latin), ("漢字", cjk)]
    assert text_runs("ab漢", [latin, cjk]) == [("ab漢", cjk)]  # one face covers it all
    assert text_runs("a☃b", [latin]) == [("ab", latin)]  # no face has the snowman: skipped
    assert text_runs("", [latin]) == []


def test_draw_ocr_writes_a_side_by_side_png(tmp_path):
    image = _image()
    out = draw_ocr(image, LINES, tmp_path / "sub" / "drawn.png")
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    drawn = cv2.imread(str(out))
    assert drawn.shape == (100, 400, 3)
    right = drawn[:, 200:]
    assert (right == 255).all(axis=2).mean() > 0.5  # a white panel ...
    assert (right[12:38, 12:108] < 128).any()  # ... with dark text inside the first box
    assert not np.array_equal(drawn[:, :200], image)  # boxes tinted on the left


def test_draw_ocr_rejects_unknown_suffix(tmp_path):
    with pytest.raises(PpocrError, match="cannot write an image"):
        draw_ocr(_image(), LINES, tmp_path / "drawn.xyz")


def test_run_ocr_and_drawings(tmp_path):
    paths = []
    for i, name in enumerate(["a.png", "sub/a.png"]):
        path = tmp_path / "in" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        cv2.imwrite(str(path), _image(60 + i, 90))
        paths.append(path)
    system = FakeSystem()
    records = run_ocr(paths, system)
    assert system.shapes == [(60, 90, 3), (61, 90, 3)]
    assert [r["path"] for r in records] == [str(p) for p in paths]
    first = records[0]["lines"][0]
    assert first == {"points": [[10.0, 10.0], [110.0, 10.0], [110.0, 40.0], [10.0, 40.0]],
                     "text": "Hello 世界", "score": 0.9, "det_score": 0.8, "angle": 0}
    drawn = run_ocr(paths, system, draw=tmp_path / "out" / "ocr.png")
    assert [r["lines"] for r in drawn] == [r["lines"] for r in records]
    assert [p.name for p in sorted((tmp_path / "out").glob("*.png"))] == ["ocr-a-2.png",
                                                                           "ocr-a.png"]
    assert drawing_paths(paths[:1], tmp_path / "one.png") == [tmp_path / "one.png"]
