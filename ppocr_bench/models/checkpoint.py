"""Model weights as safetensors that carry their preset, preset arguments and charset.

The safetensors header metadata (all strings) holds:

- ``format``: ``ppocr-bench-weights/1``
- ``preset``: the preset name, e.g. ``rec_mv3_crnn``
- ``spec``: the resolved :class:`~ppocr_bench.models.presets.ModelSpec` as JSON
- ``charset``: the recognizer's charset as a JSON list (``null`` for det and cls)
- ``charset_sha256``: :func:`charset_sha256` of it (empty for det and cls)
- ``quant``: only in the weights of a quantisation-aware trained model, its method (``pact``,
  :mod:`ppocr_bench.slim.quant`): loading such weights builds the quantised model

Loading into a model whose preset, charset or tensor shapes differ is a PpocrError that names
both sides: a recognizer read with another dictionary would otherwise predict garbage.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from safetensors import safe_open
from safetensors.torch import save

from ppocr_bench.errors import PpocrError
from ppocr_bench.models.model import OcrModel
from ppocr_bench.models.presets import create_model
from ppocr_bench.text.charset import charset_text

FORMAT = "ppocr-bench-weights/1"
_SHA_SHOWN = 12


def charset_sha256(charset: list[str]) -> str:
    """Hex sha256 of the charset written one entry per line with a final newline, which is the
    sha256 of the PaddleOCR-style dictionary file holding it."""
    return hashlib.sha256(charset_text(charset).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class WeightsInfo:
    """What a weights file says about the model it belongs to."""

    preset: str
    spec: dict[str, Any]
    charset: list[str] | None
    quant: str | None = None


def save_weights(model: OcrModel, path: str | Path) -> None:
    """Write ``model``'s state dict (parameters and BatchNorm statistics) and its provenance."""
    path = Path(path)
    metadata = {
        "format": FORMAT,
        "preset": model.preset,
        "spec": json.dumps(model.spec.to_dict(), sort_keys=True),
        "charset": json.dumps(model.charset, ensure_ascii=False),
        "charset_sha256": "" if model.charset is None else charset_sha256(model.charset),
        **({"quant": model.quant} if getattr(model, "quant", None) else {}),
    }
    tensors = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_canonical_header(save(tensors, metadata=metadata)))


def _canonical_header(data: bytes) -> bytes:
    """The same safetensors bytes with the JSON header's keys sorted: safetensors writes the
    metadata map in hash order, so the same model would otherwise get a new sha256 per save."""
    size = int.from_bytes(data[:8], "little")
    header = json.loads(data[8:8 + size])
    text = json.dumps(header, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    raw = text.encode("utf-8")
    raw += b" " * (-len(raw) % 8)  # keep the data section 8-byte aligned, as safetensors does
    return len(raw).to_bytes(8, "little") + raw + data[8 + size:]


def read_weights_info(path: str | Path) -> WeightsInfo:
    """The preset, spec and charset recorded in a weights file (tensors are not read)."""
    with _open(path) as handle:
        return _info(path, handle.metadata())


def load_weights(model: OcrModel, path: str | Path, strict: bool = True) -> None:
    """Load a file written by :func:`save_weights` into ``model``, in place.

    The preset, the charset and every tensor shape must match, else PpocrError. ``strict=False``
    only tolerates tensors missing from either side (as :meth:`torch.nn.Module.load_state_dict`).
    """
    with _open(path) as handle:
        info = _info(path, handle.metadata())
        _check_provenance(path, info, model)
        tensors = {key: handle.get_tensor(key) for key in handle.keys()}
    expected = model.state_dict()
    for key, wanted in expected.items():
        if key in tensors and tensors[key].shape != wanted.shape:
            raise PpocrError(
                f"{path}: tensor {key} is {list(tensors[key].shape)} in the file but "
                f"{list(wanted.shape)} in the model{_spec_difference(info, model)}"
            )
    if strict:
        missing = sorted(expected.keys() - tensors.keys())
        unexpected = sorted(tensors.keys() - expected.keys())
        if missing or unexpected:
            raise PpocrError(
                f"{path}: {len(missing)} model tensors missing from the file "
                f"{missing[:3]}, {len(unexpected)} file tensors unknown to the model "
                f"{unexpected[:3]}{_spec_difference(info, model)}"
            )
    model.load_state_dict(tensors, strict=strict)


def load_model(path: str | Path) -> OcrModel:
    """Build the model a weights file describes, load the weights and return it in eval mode."""
    info = read_weights_info(path)
    try:
        model = create_model(info.preset, charset=info.charset, **info.spec)
    except PpocrError as error:
        raise PpocrError(f"{path}: {error}") from None
    load_weights(apply_quant(model, info), path)
    return model.eval()


def apply_quant(model: OcrModel, info: WeightsInfo) -> OcrModel:
    """``model`` quantised in place as the weights ``info`` describes are (their ``quant``
    method, :func:`ppocr_bench.slim.quant.quantize_model`); unchanged for float weights."""
    if info.quant:
        from ppocr_bench.slim.quant import quantize_model

        quantize_model(model, info.quant)
    return model


def _open(path: str | Path) -> Any:
    if not Path(path).is_file():
        raise PpocrError(f"{path}: no such weights file")
    try:
        return safe_open(str(path), framework="pt", device="cpu")
    except Exception as error:  # safetensors raises its own error types
        raise PpocrError(f"{path}: not a safetensors file ({error})") from None


def _info(path: str | Path, metadata: dict[str, str] | None) -> WeightsInfo:
    metadata = metadata or {}
    if metadata.get("format") != FORMAT:
        raise PpocrError(f"{path}: not ppocr-bench weights (no {FORMAT!r} format metadata)")
    try:
        return WeightsInfo(
            metadata["preset"], json.loads(metadata["spec"]), json.loads(metadata["charset"]),
            metadata.get("quant") or None,
        )
    except (KeyError, ValueError) as error:
        raise PpocrError(f"{path}: damaged ppocr-bench metadata ({error!r})") from None


def _describe_charset(charset: list[str] | None) -> str:
    if charset is None:
        return "no charset"
    return f"{len(charset):,} characters (sha {charset_sha256(charset)[:_SHA_SHOWN]})"


def _check_provenance(path: str | Path, info: WeightsInfo, model: OcrModel) -> None:
    if info.preset != model.preset:
        raise PpocrError(
            f"{path}: weights of preset {info.preset} do not fit the model's {model.preset}"
        )
    if info.charset != model.charset:
        raise PpocrError(
            f"{path}: charset of {_describe_charset(info.charset)} does not match the "
            f"model's {_describe_charset(model.charset)}"
        )
    quant = getattr(model, "quant", None)
    if info.quant != quant:
        raise PpocrError(
            f"{path}: {_describe_quant(info.quant)} weights do not fit a "
            f"{_describe_quant(quant)} model"
        )


def _describe_quant(quant: str | None) -> str:
    return f"quantisation-aware ({quant})" if quant else "float"


def _spec_difference(info: WeightsInfo, model: OcrModel) -> str:
    mine = model.spec.to_dict()
    differences = [
        f"{key} {info.spec.get(key)!r} in the file vs {value!r}"
        for key, value in mine.items()
        if info.spec.get(key) != value
    ]
    return f" (preset args differ: {', '.join(differences)})" if differences else ""

