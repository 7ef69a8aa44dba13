"""The PP-OCR system: detect -> crop -> classify direction -> recognize (PaddleOCR ``TextSystem``).

Each predictor wraps a :class:`~ppocr_bench.inference.backends.Runner` with its pre- and post-processing,
so the same code runs the PyTorch models and their ONNX exports. Images are H x W x 3 uint8 in
**BGR** order, as :func:`ppocr_bench.data.images.read_image` (and ``cv2.imread``) gives
them.

>>> preds = load_predictors(read_card(Path("zoo/mobile")), "en", backend="onnx")
>>> lines = preds.system()(read_image(Path("page.png")))
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import cv2
import numpy as np

from ppocr_bench.inference.backends import BACKENDS, OnnxRunner, Runner, TorchRunner
from ppocr_bench.data.transforms import (
    CLS_SHAPE,
    REC_SHAPE_V2,
    cls_resize_norm,
    det_preprocess,
    det_resize_for_test,
    get_rotate_crop_image,
    rec_resize_norm,
)
from ppocr_bench.data.labels import TASKS
from ppocr_bench.errors import PpocrError
from ppocr_bench.models import (
    OcrModel,
    apply_quant,
    create_model,
    load_weights,
    read_weights_info,
)
from ppocr_bench.postprocess.cls import cls_decode, should_flip
from ppocr_bench.postprocess.ctc import ctc_greedy_decode
from ppocr_bench.postprocess.db import db_postprocess
from ppocr_bench.inference.profiles import DEFAULT_PROFILE, Profile, get_profile
from ppocr_bench.text.charset import read_charset_file
from ppocr_bench.zoo.card import ZooCard, ZooModel, verified_file

EXPORT_COMMAND = "ppocr-bench export {root} --onnx"
MIN_BOX_SIDE = 3  # PaddleOCR filter_tag_det_res: boxes with a side <= 3 px are dropped
SAME_LINE_PX = 10  # PaddleOCR sorted_boxes: top-left y within 10 px counts as one line


def _as_bgr(image: np.ndarray) -> np.ndarray:
    image = np.asarray(image)
    if image.dtype != np.uint8:
        raise ValueError(f"expected a uint8 image, got {image.dtype}")
    if image.ndim == 2:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    if image.ndim == 3 and image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    if image.ndim != 3 or image.shape[2] != 3:
        raise ValueError(f"expected an H x W x 3 BGR image, got shape {image.shape}")
    return image


# ---------------------------------------------------------------- detection
def sort_boxes(boxes: np.ndarray) -> np.ndarray:
    """Reading order of N x 4 x 2 boxes (PaddleOCR ``sorted_boxes``): indices sorted by the
    top-left corner (y, x), then neighbours whose top-left y differ by < 10 px swapped into
    left-to-right order."""
    order = sorted(range(len(boxes)), key=lambda i: (boxes[i][0][1], boxes[i][0][0]))
    for i in range(len(order) - 1):
        for j in range(i, -1, -1):
            a, b = boxes[order[j]][0], boxes[order[j + 1]][0]
            if abs(b[1] - a[1]) < SAME_LINE_PX and b[0] < a[0]:
                order[j], order[j + 1] = order[j + 1], order[j]
            else:
                break
    return np.asarray(order, dtype=np.int64)


class DetPredictor:
    """DB text detection of one image (PaddleOCR ``TextDetector``).

    The profile's resize (``limit_side_len`` / ``limit_type``, sides multiples of 32) and
    normalisation, the runner's probability map, DB post-processing (the profile's ``thresh``,
    ``box_thresh``, ``unclip_ratio``, dilation), boxes with a side <= 3 px dropped, reading
    order. With ``integer_boxes`` (RapidOCR) corners are rounded, ordered by x then y and
    truncated into [0, W-1] x [0, H-1] as RapidOCR's ``filter_tag_det_res`` does.
    ``limit_side_len`` / ``limit_type`` given here replace the profile's.
    """

    def __init__(self, runner: Runner, *, profile: str | Profile = DEFAULT_PROFILE,
                 limit_side_len: int | None = None, limit_type: str | None = None) -> None:
        self.runner = runner
        resize = {key: value for key, value in (("limit_side_len", limit_side_len),
                                                ("limit_type", limit_type)) if value is not None}
        self.profile = replace(get_profile(profile), **resize)

    def input_size(self, height: int, width: int) -> tuple[int, int, int]:
        """(3, H', W') the network sees for an H x W image (the profile's resize)."""
        resized, _ = det_resize_for_test(np.zeros((height, width, 1), np.uint8),
                                         self.profile.limit_side_len, self.profile.limit_type)
        return (3, *resized.shape[:2])

    def __call__(self, image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """H x W x 3 uint8 BGR -> (boxes N x 4 x 2 float32 (x, y) TL, TR, BR, BL in source
        pixels, scores N float32), top-to-bottom then left-to-right."""
        return self.boxes(*self.prob_map(image))

    def prob_map(self, image: np.ndarray) -> tuple[np.ndarray, tuple[int, int]]:
        """The network's 1 x 1 x H' x W' probability map of an image and the image's (H, W)."""
        p = self.profile
        x, (src_h, src_w, _, _) = det_preprocess(_as_bgr(image), p.limit_side_len, p.limit_type,
                                                 p.det_mean, p.det_std)
        return self.runner(x[None]), (src_h, src_w)

    def boxes(self, prob: np.ndarray, size: tuple[int, int], profile: Profile | None = None
              ) -> tuple[np.ndarray, np.ndarray]:
        """Post-processing of :meth:`prob_map`'s result with this predictor's profile (or
        ``profile``: post-processing settings can be compared on one network pass)."""
        p = profile or self.profile
        src_h, src_w = size
        boxes, scores = db_postprocess(prob, [(src_h, src_w)], thresh=p.thresh,
                                       box_thresh=p.box_thresh, unclip_ratio=p.unclip_ratio,
                                       dilation=p.dilation, integer=p.integer_boxes)[0]
        if p.integer_boxes and len(boxes):
            boxes = np.stack([_order_and_truncate(b, src_h, src_w) for b in boxes])
        width = np.linalg.norm(boxes[:, 0] - boxes[:, 1], axis=1).astype(int)
        height = np.linalg.norm(boxes[:, 0] - boxes[:, 3], axis=1).astype(int)
        keep = (width > MIN_BOX_SIDE) & (height > MIN_BOX_SIDE)
        boxes, scores = boxes[keep], scores[keep]
        order = sort_boxes(boxes)
        return boxes[order].reshape(-1, 4, 2), scores[order]


def _order_and_truncate(box: np.ndarray, height: int, width: int) -> np.ndarray:
    """RapidOCR's corner order (the two left-most points by x, each pair by y: TL, TR, BR, BL)
    and integer clipping into the image."""
    by_x = box[np.argsort(box[:, 0], kind="stable")]
    left = by_x[:2][np.argsort(by_x[:2, 1], kind="stable")]
    right = by_x[2:][np.argsort(by_x[2:, 1], kind="stable")]
    out = np.array([left[0], right[0], right[1], left[1]], dtype=np.float32)
    out[:, 0] = np.trunc(np.clip(out[:, 0], 0, width - 1))
    out[:, 1] = np.trunc(np.clip(out[:, 1], 0, height - 1))
    return out


# ---------------------------------------------------------------- direction classifier
class ClsPredictor:
    """0 / 180 degree classification of text crops (PaddleOCR ``TextClassifier``)."""

    def __init__(self, runner: Runner, *, input_size: tuple[int, int, int] = CLS_SHAPE,
                 batch_size: int = 8, flip_thresh: float = 0.9) -> None:
        self.runner = runner
        self.input_size = tuple(input_size)
        self.batch_size = batch_size
        self.flip_thresh = flip_thresh

    def __call__(self, crops: list[np.ndarray]) -> list[tuple[int, float]]:
        """H x W x 3 uint8 crops -> per crop (label 0 | 180, score of that label)."""
        results: list[tuple[int, float]] = []
        for start in range(0, len(crops), self.batch_size):
            batch = np.stack([cls_resize_norm(c, self.input_size)
                              for c in crops[start:start + self.batch_size]])
            results.extend(cls_decode(self.runner(batch)))
        return results

    def rotate(self, crops: list[np.ndarray]) -> tuple[list[np.ndarray], list[tuple[int, float]]]:
        """The crops with those predicted 180 (score > ``flip_thresh``) turned by 180 degrees,
        and the per-crop predictions."""
        results = self(crops)
        rotated = [np.ascontiguousarray(np.rot90(c, 2))
                   if should_flip(label, score, self.flip_thresh) else c
                   for c, (label, score) in zip(crops, results)]
        return rotated, results


# ---------------------------------------------------------------- recognizer
class RecPredictor:
    """CTC text recognition of crops (PaddleOCR ``TextRecognizer``).

    Crops are sorted by width / height and batched; a batch is resized to the model height and
    padded on the right to width int(H * r), r = max(model W / H, widest ratio in the batch), so
    long lines are not squeezed (PaddleOCR's rule; T grows with the width). Greedy CTC decode.
    """

    def __init__(self, runner: Runner, charset: list[str], *, use_space: bool,
                 input_size: tuple[int, int, int] = REC_SHAPE_V2, batch_size: int = 8) -> None:
        self.runner = runner
        self.charset = list(charset)
        self.use_space = use_space
        self.input_size = tuple(input_size)
        self.batch_size = batch_size

    def __call__(self, crops: list[np.ndarray]) -> list[tuple[str, float]]:
        """H x W x 3 uint8 crops -> per crop (text, mean max-probability of its characters)."""
        _, img_h, img_w = self.input_size
        ratios = np.array([c.shape[1] / c.shape[0] for c in crops], dtype=np.float64)
        order = np.argsort(ratios)  # default kind, as PaddleOCR and RapidOCR
        results: list[tuple[str, float]] = [("", 0.0)] * len(crops)
        for start in range(0, len(crops), self.batch_size):
            idx = order[start:start + self.batch_size]
            max_ratio = max(img_w / img_h, float(ratios[idx].max()))
            batch = np.stack([rec_resize_norm(crops[i], self.input_size, max_ratio) for i in idx])
            decoded = ctc_greedy_decode(self.runner(batch), self.charset,
                                        use_space_char=self.use_space)
            for i, result in zip(idx, decoded):
                results[i] = result
        return results


# ---------------------------------------------------------------- the system
@dataclass
class OcrLine:
    """One recognised line: ``points`` 4 x 2 float32 (TL, TR, BR, BL) in image pixels, the
    recognizer's confidence ``score``, the detector's ``det_score`` and ``angle`` 180 when the
    classifier turned the crop, else 0."""

    points: np.ndarray
    text: str
    score: float
    det_score: float
    angle: int = 0


class OcrSystem:
    """det -> rectified crops -> (cls flip) -> rec; lines with rec score < ``drop_score`` are
    left out. Call with one H x W x 3 uint8 BGR image."""

    def __init__(self, det: DetPredictor, rec: RecPredictor, cls: ClsPredictor | None = None,
                 *, drop_score: float = 0.5) -> None:
        self.det = det
        self.rec = rec
        self.cls = cls
        self.drop_score = drop_score

    def __call__(self, image: np.ndarray) -> list[OcrLine]:
        image = _as_bgr(image)
        return self.read(image, *self.det(image))

    def read(self, image: np.ndarray, boxes: np.ndarray, det_scores: np.ndarray
             ) -> list[OcrLine]:
        """The stages after detection: the lines of ``image`` at ``boxes`` (N x 4 x 2, as the
        detector returns them, with their N ``det_scores``)."""
        image = _as_bgr(image)
        crops = [get_rotate_crop_image(image, box) for box in boxes]
        angles = [0] * len(crops)
        if self.cls is not None and crops:
            crops, results = self.cls.rotate(crops)
            angles = [180 if should_flip(label, score, self.cls.flip_thresh) else 0
                      for label, score in results]
        texts = self.rec(crops) if crops else []
        return [OcrLine(box, text, score, float(det_score), angle)
                for box, det_score, (text, score), angle in zip(boxes, det_scores, texts, angles)
                if score >= self.drop_score]


# ---------------------------------------------------------------- loading a zoo entry
@dataclass
class Predictors:
    """The predictors of one zoo entry and language; None where the entry lacks the task.

    ``models``: task -> the PyTorch model (for parameter counts, whatever the backend);
    ``files``: task -> the file the backend runs (safetensors for torch, .onnx for onnx).
    """

    det: DetPredictor | None
    cls: ClsPredictor | None
    rec: RecPredictor | None
    models: dict[str, OcrModel] = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)
    name: str = ""

    def system(self, drop_score: float = 0.5) -> OcrSystem:
        """The OCR system (PpocrError when the entry has no detector or no recognizer)."""
        missing = [task for task in ("det", "rec") if getattr(self, task) is None]
        if missing:
            raise PpocrError(f"{self.name or 'zoo entry'}: no {' or '.join(missing)} model; "
                             "the OCR system needs both det and rec")
        return OcrSystem(self.det, self.rec, self.cls, drop_score=drop_score)


def load_zoo_model(card: ZooCard, entry: ZooModel) -> OcrModel:
    """The PyTorch model of one card entry in eval mode, from hash-verified weights (and
    charset for rec); quantised (``quantize_model``) when the weights are QAT-trained."""
    charset = None
    if entry.task == "rec":
        if not entry.charset:
            raise PpocrError(f"{card.path}: rec model {entry.weights} has no charset file")
        charset = read_charset_file(verified_file(card, entry.charset, entry.charset_sha256))
    weights = verified_file(card, entry.weights, entry.weights_sha256)
    try:
        model = create_model(entry.preset, charset=charset, **entry.args)
    except PpocrError as error:
        raise PpocrError(f"{card.path}: {error}") from None
    load_weights(apply_quant(model, read_weights_info(weights)), weights)
    return model.eval()


def onnx_file(card: ZooCard, entry: ZooModel) -> Path:
    """Where :func:`ppocr_bench.inference.export.export_zoo` writes an entry's ONNX: next to the weights,
    ``<weights stem>.onnx``."""
    return card.resolve(entry.weights).with_suffix(".onnx")


def model_input_size(entry: ZooModel, model: OcrModel) -> tuple[int, int, int]:
    """The card's ``input_size`` when given, else the model's (preset plus args)."""
    size = tuple(int(v) for v in entry.input_size) if entry.input_size else model.input_size
    if len(size) != 3:
        raise PpocrError(f"input_size of {entry.weights} must be [C, H, W], got {list(size)}")
    return size


def _onnx_runner(card: ZooCard, entry: ZooModel, threads: int, quant: str | None
                 ) -> OnnxRunner:
    path = onnx_file(card, entry)
    command = EXPORT_COMMAND.format(root=card.root) + (" --int8" if quant else "")
    if not path.is_file():
        raise PpocrError(f"{path}: missing: create it with `{command}`")
    runner = OnnxRunner(path, threads)
    exported_from = runner.metadata.get("weights_sha256")
    if exported_from and entry.weights_sha256 and exported_from != entry.weights_sha256:
        raise PpocrError(f"{path}: exported from other weights than {entry.weights} "
                         f"(stale): re-create it with `{command}`")
    return runner


def det_profile(profile: Profile, entry: ZooModel) -> Profile:
    """The profile a det model runs under: the DB settings of its card's ``[model.post]``
    (chosen for those weights by ``zoo tune-det``) replace the paddleocr profile's; another
    profile (a peer system's settings, reproduced exactly) is kept as it is."""
    if entry.post and profile.name == DEFAULT_PROFILE:
        return replace(profile, **entry.post)
    return profile


def load_predictors(card: ZooCard, lang: str, *, backend: str = "torch", threads: int = 1,
                    profile: str | Profile = DEFAULT_PROFILE) -> Predictors:
    """Det, cls and the rec serving ``lang`` of a zoo entry on ``backend`` ("torch" | "onnx"),
    with the pre/post-processing of ``profile`` (:mod:`ppocr_bench.inference.profiles`)."""
    profile = get_profile(profile)
    if backend not in BACKENDS:
        raise PpocrError(f"unknown backend {backend!r}: choose one of {', '.join(BACKENDS)}")
    preds = Predictors(None, None, None, name=str(card.root))
    for task in TASKS:
        entry = card.find(task, lang if task == "rec" else None)
        if entry is None:
            continue
        model = load_zoo_model(card, entry)
        if backend == "torch":
            runner: Runner = TorchRunner(model, threads)
            preds.files[task] = card.resolve(entry.weights)
        else:
            runner = _onnx_runner(card, entry, threads, model.quant)
            preds.files[task] = runner.path
        preds.models[task] = model
        size = model_input_size(entry, model)
        if task == "det":
            preds.det = DetPredictor(runner, profile=det_profile(profile, entry))
        elif task == "cls":
            preds.cls = ClsPredictor(runner, input_size=size, batch_size=profile.cls_batch,
                                     flip_thresh=profile.cls_thresh)
        else:
            preds.rec = RecPredictor(runner, model.charset, use_space=model.use_space,
                                     input_size=size, batch_size=profile.rec_batch)
    return preds

