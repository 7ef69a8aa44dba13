import dataclasses

import numpy as np
import pytest

from ppocr_bench.errors import PpocrError
from ppocr_bench.inference.system import (
    ClsPredictor,
    DetPredictor,
    OcrLine,
    OcrSystem,
    RecPredictor,
    load_predictors,
    sort_boxes,
)
from ppocr_bench.files import sha256_file
from ppocr_bench.zoo.card import read_card, write_card

CHARSET = list("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWX")


# ---------------------------------------------------------------- fakes and fixtures
class RectMapRunner:
    """A fake detector: a probability map (at the network input size) that is 0.9 inside the
    given (x0, y0, x1, y1) pixel rectangles of the map and 0 elsewhere."""

    def __init__(self, rects):
        self.rects = rects
        self.shapes = []
        self.inputs = []

    def __call__(self, x):
        self.shapes.append(x.shape)
        self.inputs.append(x)
        prob = np.zeros((x.shape[0], 1, *x.shape[2:]), np.float32)
        for x0, y0, x1, y1 in self.rects:
            prob[:, 0, y0:y1, x0:x1] = 0.9
        return prob


class ProbsRunner:
    """A fake classifier / recognizer: returns fixed per-row outputs, records its inputs."""

    def __init__(self, make):
        self.make = make
        self.inputs = []

    def __call__(self, x):
        self.inputs.append(x.copy())
        return self.make(x)


def _write_zoo(write_random_zoo, root, rec_langs=("en",), charset_file=CHARSET):
    """The random zoo with a charset file that may differ from the weights' charset."""
    card = write_random_zoo(root, CHARSET, rec_langs, name="tiny")
    if list(charset_file) != list(CHARSET):
        path = root / "charset.txt"
        path.write_text("".join(f"{c}\n" for c in charset_file), encoding="utf-8")
        rec = card.find("rec")
        rec.charset_sha256 = sha256_file(path)
        write_card(card)
    return read_card(root)


@pytest.fixture(scope="module")
def zoo(tmp_path_factory, random_zoo):
    return _write_zoo(random_zoo, tmp_path_factory.mktemp("zoo"))


def _synthetic_page(h=120, w=240):
    import cv2

    image = np.full((h, w, 3), 235, np.uint8)
    cv2.putText(image, "PP-OCR 2020", (10, 50), cv2.FONT_HERSHEY_SIMPLEX, 0.9, (20, 20, 20), 2)
    cv2.putText(image, "bench", (30, 100), cv2.FONT_HERSHEY_SIMPLEX, 0.8, (40, 10, 10), 2)
    return image


# ---------------------------------------------------------------- detection
def test_det_box_comes_back_in_source_pixels_after_resize():
    # 170 x 300 with limit 128 "max": the network sees 64 x 128, ratios 64/170 (h), 128/300 (w).
    runner = RectMapRunner([(20, 10, 60, 26)])
    det = DetPredictor(runner, limit_side_len=128, limit_type="max")
    boxes, scores = det(np.zeros((170, 300, 3), np.uint8))
    assert runner.shapes == [(1, 3, 64, 128)]
    assert boxes.shape == (1, 4, 2) and boxes.dtype == np.float32 and scores.shape == (1,)
    assert scores[0] == pytest.approx(0.9)
    # Contour spans map pixels x 20..59, y 10..25; unclip adds D = A * 1.5 / L on each side.
    w, h = 59 - 20, 25 - 10
    d = w * h * 1.5 / (2 * (w + h))
    sx, sy = 300 / 128, 170 / 64
    expected = np.array([[20 - d, 10 - d], [59 + d, 10 - d], [59 + d, 25 + d], [20 - d, 25 + d]])
    expected = expected * [sx, sy]
    np.testing.assert_allclose(boxes[0], expected, atol=1.5)


def test_rapidocr_profile_rounds_orders_and_truncates_corners():
    # Same map as above: the paddleocr profile keeps float corners, rapidocr's are whole pixels
    # inside [0, W-1] x [0, H-1], and its larger unclip (1.6) gives a larger box.
    runner = RectMapRunner([(20, 10, 60, 26)])
    image = np.zeros((170, 300, 3), np.uint8)
    plain, _ = DetPredictor(runner, limit_side_len=128, limit_type="max")(image)
    rapid, _ = DetPredictor(runner, limit_side_len=128, limit_type="max",
                            profile="rapidocr")(image)
    assert rapid.shape == plain.shape == (1, 4, 2)
    assert np.all(rapid == np.trunc(rapid)) and not np.all(plain == np.trunc(plain))
    assert rapid[..., 0].max() <= 299 and rapid[..., 1].max() <= 169
    assert rapid[0, 0, 0] < plain[0, 0, 0] and rapid[0, 2, 0] > plain[0, 2, 0] - 1


def test_rapidocr_profile_normalises_det_input_with_half_mean_and_std():
    runner = RectMapRunner([])
    DetPredictor(runner, limit_side_len=64, limit_type="max", profile="rapidocr")(
        np.full((64, 64, 3), 255, np.uint8))
    DetPredictor(runner, limit_side_len=64, limit_type="max")(np.full((64, 64, 3), 255, np.uint8))
    assert np.allclose(runner.inputs[0], 1.0)  # (1 - 0.5) / 0.5
    assert np.allclose(runner.inputs[1][0, 0], (1 - 0.485) / 0.229)


def test_unknown_profile_names_the_choices(zoo):
    with pytest.raises(PpocrError, match="paddleocr, rapidocr"):
        load_predictors(zoo, "en", profile="tesseract")


def test_rapidocr_profile_sets_the_batch_sizes(zoo):
    preds = load_predictors(zoo, "en", profile="rapidocr")
    assert preds.rec.batch_size == 6 and preds.cls.batch_size == 6
    assert load_predictors(zoo, "en").rec.batch_size == 8


def test_det_boxes_come_in_reading_order():
    # Map rectangles: line 2 right, line 1 right, line 1 left (a bit lower), line 2 left.
    runner = RectMapRunner([(70, 40, 110, 50), (70, 8, 110, 18), (10, 10, 50, 20),
                            (10, 40, 50, 50)])
    boxes, _ = DetPredictor(runner, limit_side_len=128, limit_type="max")(
        np.zeros((64, 128, 3), np.uint8))
    centers = boxes.mean(axis=1)
    assert [(x < 60, y < 30) for x, y in centers] == [(True, True), (False, True),
                                                       (True, False), (False, False)]


def test_sort_boxes_follows_paddleocr_rule():
    def box(x, y):
        return [[x, y], [x + 10, y], [x + 10, y + 5], [x, y + 5]]

    boxes = np.array([box(50, 3), box(0, 100), box(0, 0), box(20, 15)], np.float32)
    # y 0 and 3 are one line (within 10 px): left to right; y 15 is 12 px below y 3 (new line).
    assert sort_boxes(boxes).tolist() == [2, 0, 3, 1]
    # PaddleOCR compares neighbours only: y 12 is within 10 px of y 3, so it moves before it.
    boxes[3] = box(20, 12)
    assert sort_boxes(boxes).tolist() == [2, 3, 0, 1]
    assert sort_boxes(np.zeros((0, 4, 2), np.float32)).tolist() == []


def test_det_on_random_model_returns_well_formed_arrays(zoo):
    preds = load_predictors(zoo, "en")
    preds.det.profile = dataclasses.replace(preds.det.profile, limit_side_len=160,
                                              limit_type="max")
    # a random network: keep whatever it finds
    preds.det.profile = dataclasses.replace(preds.det.profile, box_thresh=0.0)
    image = _synthetic_page()
    boxes, scores = preds.det(image)
    assert boxes.dtype == np.float32 and boxes.ndim == 3 and boxes.shape[1:] == (4, 2)
    assert scores.shape == (len(boxes),) and np.all((scores >= 0) & (scores <= 1))
    assert np.all(boxes[..., 0] >= 0) and np.all(boxes[..., 0] <= 240)
    assert np.all(boxes[..., 1] >= 0) and np.all(boxes[..., 1] <= 120)


def test_det_accepts_gray_and_rejects_other_shapes():
    det = DetPredictor(RectMapRunner([]), limit_side_len=64, limit_type="max")
    boxes, scores = det(np.zeros((40, 60), np.uint8))
    assert boxes.shape == (0, 4, 2) and scores.shape == (0,)
    with pytest.raises(ValueError, match="uint8"):
        det(np.zeros((40, 60, 3), np.float32))


# ---------------------------------------------------------------- cls and rec
def test_cls_rotates_only_confident_180_predictions():
    table = np.array([[0.05, 0.95], [0.2, 0.8], [0.99, 0.01]], np.float32)
    runner = ProbsRunner(lambda x: table[: len(x)])
    cls = ClsPredictor(runner, batch_size=8)
    crops = [np.arange(2 * 5 * 3, dtype=np.uint8).reshape(2, 5, 3) for _ in range(3)]
    rotated, results = cls.rotate(crops)
    assert results == [(180, pytest.approx(0.95)), (180, pytest.approx(0.8)),
                       (0, pytest.approx(0.99))]
    np.testing.assert_array_equal(rotated[0], crops[0][::-1, ::-1])
    assert rotated[1] is crops[1] and rotated[2] is crops[2]
    assert runner.inputs[0].shape == (3, 3, 48, 192)
    assert cls([]) == []


def test_rec_batches_by_aspect_ratio_and_restores_order():
    classes = len(CHARSET) + 2

    def decode_width(x):  # step 0: character number (batch width / 32) % 60; step 1: blank
        n, _, _, w = x.shape
        out = np.zeros((n, 2, classes), np.float32)
        out[:, 0, 1 + (w // 32) % len(CHARSET)] = 1.0
        out[:, 1, 0] = 1.0
        return out

    runner = ProbsRunner(decode_width)
    rec = RecPredictor(runner, CHARSET, use_space=True, input_size=(3, 32, 320), batch_size=2)
    crops = [np.full((32, w, 3), 255, np.uint8) for w in (640, 64, 96, 1280)]
    results = rec(crops)
    # Sorted ratios: 2 (64), 3 (96) -> width 320; 20 (640), 40 (1280) -> width 32 * 40 = 1280.
    assert [x.shape for x in runner.inputs] == [(2, 3, 32, 320), (2, 3, 32, 1280)]
    assert [t for t, _ in results] == [CHARSET[40], CHARSET[10], CHARSET[10], CHARSET[40]]
    assert all(s == pytest.approx(1.0) for _, s in results)
    # The 64 px crop is resized to 64 columns and right-padded with zeros.
    first = runner.inputs[0][0]
    assert np.all(first[:, :, :64] == 1.0) and np.all(first[:, :, 64:] == 0.0)
    assert rec([]) == []


# ---------------------------------------------------------------- the system
def test_system_runs_end_to_end_on_random_zoo(zoo):
    preds = load_predictors(zoo, "en", backend="torch", threads=1)
    assert set(preds.models) == {"det", "cls", "rec"}
    assert preds.files["rec"] == zoo.root / "rec.safetensors"
    preds.det.profile = dataclasses.replace(preds.det.profile, limit_side_len=160,
                                              limit_type="max")
    lines = preds.system(drop_score=0.0)(_synthetic_page())
    assert all(isinstance(line, OcrLine) for line in lines)
    # A fake detector guarantees crops, so cls and rec run on real (random-init) networks.
    preds.det.runner = RectMapRunner([(10, 10, 90, 30), (20, 50, 60, 70)])
    system = OcrSystem(preds.det, preds.rec, preds.cls, drop_score=0.0)
    lines = system(_synthetic_page())
    assert len(lines) == 2
    for line in lines:
        assert line.points.shape == (4, 2)
        assert set(line.text) <= set(CHARSET) | {" "}
        assert 0.0 <= line.score <= 1.0 and line.det_score == pytest.approx(0.9)
        assert line.angle in (0, 180)
    assert OcrSystem(preds.det, preds.rec, None, drop_score=1.01)(_synthetic_page()) == []


def test_missing_rec_language_and_backend_errors(zoo):
    preds = load_predictors(zoo, "ko")
    assert preds.rec is None and preds.det is not None and "rec" not in preds.models
    with pytest.raises(PpocrError, match="no rec model"):
        preds.system()
    with pytest.raises(PpocrError, match="unknown backend 'tensorrt'"):
        load_predictors(zoo, "en", backend="tensorrt")


def test_rec_weights_with_another_charset_are_refused(tmp_path, random_zoo):
    card = _write_zoo(random_zoo, tmp_path, charset_file=CHARSET[:-1] + ["Y"])
    with pytest.raises(PpocrError, match="charset of 60 characters .* does not match") as info:
        load_predictors(card, "en")
    assert "\n" not in str(info.value)


def test_tampered_weights_are_refused(tmp_path, random_zoo):
    card = _write_zoo(random_zoo, tmp_path)
    with card.resolve("cls.safetensors").open("ab") as fh:
        fh.write(b"\0")
    with pytest.raises(PpocrError, match="sha256 differs"):
        load_predictors(card, "en")
