"""Per-task pieces of the training loop: build the model (charset, ``--init``), the datasets,
the loss of a batch and the validation call."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F

from ppocr_bench.data.labels import label_file, read_det_labels, read_rec_labels
from ppocr_bench.errors import PpocrError
from ppocr_bench.losses.db_loss import db_loss
from ppocr_bench.models import (
    OcrModel,
    WeightsInfo,
    apply_quant,
    create_model,
    load_model,
    load_weights,
    read_weights_info,
    resolve_spec,
)
from ppocr_bench.slim.quant import quantize_model
from ppocr_bench.train.charset import remap_charset, resolve_charset
from ppocr_bench.train.checks import check_images, check_training_seeds
from ppocr_bench.train.config import TrainConfig
from ppocr_bench.train.datasets import (
    ClsDataset,
    DetDataset,
    RecCollate,
    RecDataset,
    charset_from_texts,
)
from ppocr_bench.train.stream import (
    ClsStream,
    DetStream,
    MixedDataset,
    RecStream,
    StreamSpec,
    render_validation,
    stream_langs,
)
from ppocr_bench.train.validate import validate_det, validate_lines
from ppocr_bench.synth.pipeline import Engine, Kind
from ppocr_bench.text.charset import read_charset_file


def with_init_shape(config: TrainConfig, resume: bool = False) -> TrainConfig:
    """``config`` with its ``init`` weights' pruned shape (``spec.pruned``, ``ppocr-bench
    prune``) among the preset arguments unless they give one: fine-tuning a pruned network
    builds that network, and the run's config.json (so resume and ``zoo add``'s card) keeps
    it. On resume an ``init`` file that is gone is not needed (config.json has the shape)."""
    if not config.init or "pruned" in config.overrides or (resume and not
                                                            Path(config.init).is_file()):
        return config
    pruned = read_weights_info(config.init).spec.get("pruned")
    if not pruned:
        return config
    return dataclasses.replace(config, overrides={**config.overrides, "pruned": pruned})


def build_model(config: TrainConfig, run_dir: Path, resume: bool,
                notes: list[str]) -> OcrModel:
    """The model to train (seed torch first for a reproducible init). rec: the charset comes
    from ``run_dir/charset.txt`` on resume, else ``config.charset`` or the training labels;
    ``config.init`` with another charset goes through :func:`remap_charset`. With
    ``config.quant`` the model is quantised after its initialisation (QAT weights given as
    ``init`` are loaded into the quantised model). Appends what it did to ``notes``."""
    model = _initial_model(config, run_dir, resume, notes)
    if config.quant and not model.quant:
        quantize_model(model, config.quant)
        notes.append(f"quantisation-aware training ({config.quant}): Conv2d and Linear "
                     "layers fake-quantised to int8, LSTM and transposed convs left float")
    return model


def _init_info(config: TrainConfig) -> WeightsInfo:
    """What the ``init`` weights file says; PpocrError for QAT weights unless the run trains
    with their method (float weights may start any run)."""
    info = read_weights_info(config.init)  # type: ignore[arg-type]
    if info.quant and info.quant != config.quant:
        raise PpocrError(f"{config.init}: quantisation-aware ({info.quant}) weights: continue "
                         f"training them with --quant {info.quant}")
    return info


def _initial_model(config: TrainConfig, run_dir: Path, resume: bool,
                   notes: list[str]) -> OcrModel:
    """:func:`build_model` before quantisation (QAT ``init`` weights quantised already)."""
    preset, overrides = config.preset_name, config.overrides
    spec = resolve_spec(preset, **overrides)
    if spec.task.value != config.task:
        raise PpocrError(f"preset {preset} is a {spec.task.value} model, not {config.task}")
    if config.task != "rec":
        model = create_model(preset, **overrides)
        if config.init and not resume:
            load_weights(apply_quant(model, _init_info(config)), config.init)
            notes.append(f"initialised from {config.init}")
        return model
    if resume:
        return create_model(preset, charset=read_charset_file(run_dir / "charset.txt"),
                            **overrides)
    if config.charset:
        charset = resolve_charset(config.charset)
    elif config.streaming:
        charset = resolve_charset("lang:" + "+".join(stream_langs(config.data)))
        notes.append(f"charset of {len(charset)} characters: the corpus charsets of "
                     f"{config.data}")
    else:
        texts = list(read_rec_labels(label_file(config.data, "rec")).values())
        charset = charset_from_texts(texts, bool(spec.use_space))
        notes.append(f"charset of {len(charset)} characters derived from the training labels")
    if not config.init:
        return create_model(preset, charset=charset, **overrides)
    _init_info(config)
    old = load_model(config.init).train()
    if old.quant:
        return _qat_init(config, old, spec, charset, notes)
    if old.spec != spec and _weights_fit(old.spec, spec):  # another input width: same weights
        old = _with_spec(old, spec)
    if old.preset != preset or old.spec != spec:
        raise PpocrError(f"{config.init}: weights of {old.preset} {old.spec.to_dict()} do not "
                         f"fit {preset} {spec.to_dict()}")
    if old.charset == charset:
        notes.append(f"initialised from {config.init}")
        return old
    model, report = remap_charset(old, charset, config.init_charset, config.init_new_rows)
    notes.append(f"initialised from {config.init}; {report.describe()}")
    return model


def _qat_init(config: TrainConfig, old: OcrModel, spec: Any, charset: list[str],
              notes: list[str]) -> OcrModel:
    """QAT ``init`` weights of a recognizer, continued as they are: the same spec, and the
    same charset (or, with ``init_charset`` extend, one holding all of the run's)."""
    same = old.charset == charset or (config.init_charset == "extend"
                                      and set(charset) <= set(old.charset or ()))
    if old.spec != spec or not same:
        raise PpocrError(f"{config.init}: quantisation-aware weights continue with their own "
                         "input size and charset only: start from float weights to change them")
    notes.append(f"initialised from {config.init}")
    return old


def _weights_fit(old: Any, new: Any) -> bool:
    """Two specs whose models have the same tensors: they differ at most in the input height
    and width (the channels must match), which no weight depends on."""
    return (old.input_size[0] == new.input_size[0]
            and dataclasses.replace(old, input_size=new.input_size) == new)


def _with_spec(model: OcrModel, spec: Any) -> OcrModel:
    """``model``'s weights in a model built for ``spec`` (see :func:`_weights_fit`)."""
    moved = create_model(model.preset, charset=model.charset, **spec.to_dict())
    moved.load_state_dict(model.state_dict())
    return moved.train()


def stream_spec(config: TrainConfig) -> StreamSpec:
    from ppocr_bench.synth.realism import parse_realism

    return StreamSpec(stream_langs(config.data), seed=config.seed,
                      kind=Kind(config.synth_kind), engine=Engine(config.synth_engine),
                      font_dirs=config.font_dir, vertical=config.vertical,
                      epoch_size=config.epoch_size,
                      realism=parse_realism(config.realism, config.background_dir),
                      lines=config.line_source, scene_pages=config.scene_pages)


def validation_labels(config: TrainConfig) -> Path | None:
    """The validation label file: of the ``val`` folder, or of the set ``--val synth``
    renders into the run folder (once: rendered on first use)."""
    if not config.val:
        return None
    if not config.val.startswith("synth"):
        return label_file(config.val, config.task)
    langs = stream_langs(config.data if config.val == "synth" else config.val)
    return label_file(render_validation(langs, Path(config.out), config.val_count,
                                        workers=max(config.num_workers(), 1)), config.task)


def datasets(config: TrainConfig, model: OcrModel, with_val: bool = True) -> tuple[Any, Any]:
    """(training dataset, validation set or None); det validation is its label file path.
    Refuses (PpocrError) training labels from a synth folder with an eval seed and label files
    that list missing images, before any sample is read. Streamed data (``synth:``) is a
    :mod:`.stream` dataset whose ``record`` says what it draws with. ``with_val``: False
    leaves the validation set out (the ranks of a distributed run but the first)."""
    task = config.task
    if config.streaming:
        return _stream_datasets(config, model, with_val)
    train_labels = label_file(config.data, task)
    val_labels = validation_labels(config) if with_val else None
    train_set, val_set = _datasets(config, model, train_labels, val_labels)
    train_paths = [item[0] for item in train_set.items]
    check_training_seeds(train_labels, train_paths)
    check_images(train_labels, train_paths)
    return train_set, _checked_val(config, val_set, val_labels)


def _stream_datasets(config: TrainConfig, model: OcrModel, with_val: bool) -> tuple[Any, Any]:
    spec = stream_spec(config)
    faces = spec.faces()
    line = config.line_augment() if config.augment else None
    if config.task == "det":
        stream: Any = DetStream(spec, faces, config.det_size, config.det_augment())
    elif config.task == "cls":
        stream = ClsStream(spec, faces, model.input_size, line, config.rand_augment(),
                           config.max_text_length)
    else:
        stream = RecStream(spec, faces, model.input_size, model.vocabulary, line,
                           config.max_text_length, tight=config.rec_width == "bucket",
                           group=config.batch_size * world_size())
    if config.mix is not None:
        mix_labels = label_file(config.mix, config.task)
        folder, _ = _datasets(config, model, mix_labels, None)
        paths = [item[0] for item in folder.items]
        check_training_seeds(mix_labels, paths)
        check_images(mix_labels, paths)
        stream = MixedDataset(stream, folder, config.mix_ratio, config.seed)
    stream.record = spec.record(faces)
    val_labels = validation_labels(config) if with_val else None
    return stream, _checked_val(config, _val_dataset(config, model, val_labels), val_labels)


def _checked_val(config: TrainConfig, val_set: Any, val_labels: Path | None) -> Any:
    task = config.task
    if val_labels is not None:
        check_images(val_labels, list(read_det_labels(val_labels)) if task == "det"
                     else [item[0] for item in val_set.items])
    return val_set


def _datasets(config: TrainConfig, model: OcrModel, train_labels: Path,
              val_labels: Path | None) -> tuple[Any, Any]:
    task, seed, limit = config.task, config.seed, config.max_samples
    if task == "det":
        return DetDataset(train_labels, config.det_size, config.det_augment(), seed, limit), \
            val_labels
    line = config.line_augment() if config.augment else None
    if task == "cls":
        train_set: Any = ClsDataset(train_labels, model.input_size, line, config.rand_augment(),
                                    config.aug_on("flip180"), seed, limit)
    else:
        train_set = RecDataset(train_labels, model.input_size, model.vocabulary, line, seed,
                               config.max_text_length, limit,
                               tight=config.rec_width == "bucket")
    return train_set, _val_dataset(config, model, val_labels)


def _val_dataset(config: TrainConfig, model: OcrModel, val_labels: Path | None) -> Any:
    """The validation set (no augmentation, every line kept); det: the label file itself."""
    if val_labels is None or config.task == "det":
        return val_labels
    if config.task == "cls":
        return ClsDataset(val_labels, model.input_size, None, None, False, config.seed)
    return RecDataset(val_labels, model.input_size, model.vocabulary, None, config.seed,
                      config.max_text_length, skip_bad=False)


def to_device(model: OcrModel, device: torch.device) -> OcrModel:
    """The model on ``device`` in channels-last memory layout: oneDNN's convolutions and batch
    norm run 12-20 % faster on it in training on CPU (``benchmarks/train.py``); the weights
    and their files are the same (saved contiguous)."""
    return model.to(device=device, memory_format=torch.channels_last)


def world_size() -> int:
    """Processes of a ``torchrun`` launch (1 without)."""
    return int(os.environ.get("WORLD_SIZE", "1"))


def loader_parts(config: TrainConfig, train_set: Any, model: OcrModel
                 ) -> tuple[list[int] | None, Any]:
    """(line lengths the sampler groups batches by, collate function) of a training set:
    rec with ``rec_width`` "bucket" pads each batch to its own width; a folder's batches are
    grouped by line length, a stream's lines drawn by length bucket already."""
    if config.task != "rec" or config.rec_width != "bucket":
        return None, None
    lengths = train_set.lengths() if isinstance(train_set, RecDataset) else None
    return lengths, RecCollate(model.input_size[2])


def loss(model: torch.nn.Module, task: str, batch: dict[str, Any],
         device: torch.device, amp: bool = False) -> dict[str, torch.Tensor]:
    """``loss`` (and det's three terms) of one batch; ``model`` in training mode. ``amp``:
    the forward pass under float16 autocast (CUDA), the losses in float32."""
    images = batch["image"].to(device, non_blocking=True).contiguous(
        memory_format=torch.channels_last)
    with torch.autocast(device.type, dtype=torch.float16, enabled=amp):
        out = model(images)
    if task == "det":
        targets = {k: batch[k].to(device, non_blocking=True) for k in
                   ("shrink_map", "shrink_mask", "threshold_map", "threshold_mask")}
        maps = {k: v.float() if isinstance(v, torch.Tensor) else v
                for k, v in out._asdict().items()}
        return db_loss(maps, targets)
    if task == "cls":
        return {"loss": F.cross_entropy(out.float(), batch["label"].to(device))}
    log_probs = out.float().log_softmax(2).transpose(0, 1)  # T x B x C
    steps, size = log_probs.shape[0], log_probs.shape[1]
    input_lengths = torch.full((size,), steps, dtype=torch.long)
    loss = F.ctc_loss(log_probs, batch["label"].to(device), input_lengths,
                      batch["length"].to(torch.long), blank=0, reduction="sum",
                      zero_infinity=True) / size
    return {"loss": loss}


def validate(config: TrainConfig, model: OcrModel, val: Any, device: torch.device
             ) -> dict[str, float]:
    if config.task == "det":
        return validate_det(model, val, device, config.det_val_side)
    texts = val.texts if config.task == "rec" else None
    return validate_lines(model, val, device, batch_size=max(config.batch_size, 16), texts=texts)
