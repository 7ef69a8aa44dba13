"""Training datasets over the synth layout and a resumable, deterministic batch sampler.

Every sample is addressed by ``(epoch, index)`` and augmented with its own generator
``np.random.default_rng([seed, epoch, index])``, so what a batch holds depends only on
(seed, epoch, index), never on worker count, worker order or where a run was resumed.

Layout read (``run_synth`` output, PaddleOCR label files): ``DIR/det/label.txt``,
``DIR/cls/cls_gt.txt``, ``DIR/rec/rec_gt.txt``; image paths are relative to the label file.
Images are read with OpenCV (BGR), as at inference.
"""

from __future__ import annotations

import logging
import math
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
import torch
from torch.utils.data import Dataset, Sampler, default_collate

from ppocr_bench.data.db_targets import make_db_targets
from ppocr_bench.data.images import read_image
from ppocr_bench.data.labels import (
    is_dont_care,
    read_cls_labels,
    read_det_labels,
    read_rec_labels,
)
from ppocr_bench.data.transforms import (
    cls_resize_norm,
    normalize_image,
    rec_resize_norm,
)
from ppocr_bench.errors import PpocrError
from ppocr_bench.train.det_augment import DetAugment, det_augment
from ppocr_bench.train.line_augment import LineAugment, line_augment
from ppocr_bench.train.randaugment import RandAugment, rand_augment
from ppocr_bench.text.charset import graphemes

log = logging.getLogger(__name__)
NO_DET_AUGMENT = DetAugment(flip=False, rotate=False, scale=False, crop=False)


def sample_rng(seed: int, epoch: int, index: int) -> np.random.Generator:
    return np.random.default_rng([seed, epoch, index])


# ---------------------------------------------------------------- CTC labels
@dataclass
class EncodeStats:
    """Rec lines left out of training, and the characters that caused it."""

    unknown: int = 0
    too_long: int = 0
    empty: int = 0
    unknown_chars: Counter = field(default_factory=Counter)

    @property
    def skipped(self) -> int:
        return self.unknown + self.too_long + self.empty

    def to_dict(self) -> dict:
        return {"skipped_unknown_chars": self.unknown, "skipped_too_long": self.too_long,
                "skipped_empty": self.empty,
                "unknown_chars": "".join(c for c, _ in self.unknown_chars.most_common(50))}


def encode_text(text: str, vocabulary: list[str]) -> list[int] | None:
    """CTC class indices of ``text`` (``vocabulary`` as ``OcrModel.vocabulary``: blank first);
    None when a character is not in the vocabulary."""
    return encode_ids(text, {c: i for i, c in enumerate(vocabulary) if i})


def encode_ids(text: str, index: dict[str, int]) -> list[int] | None:
    """:func:`encode_text` with the vocabulary's index built once (character -> class).

    A character made of several code points (a flag, a letter with combining marks:
    :func:`~ppocr_bench.text.charset.graphemes`) is one class when the vocabulary holds it
    whole, else one class per code point."""
    out: list[int | None] = []
    for char in graphemes(text) if not text.isascii() else text:
        if char in index or len(char) == 1:
            out.append(index.get(char))
        else:
            out.extend(index.get(c) for c in char)
    return None if any(i is None for i in out) else out  # type: ignore[return-value]


def charset_from_texts(texts: list[str], use_space: bool) -> list[str]:
    """Sorted distinct characters of ``texts`` (without " " when the model adds a space class)."""
    chars = sorted(set("".join(texts)))
    return [c for c in chars if not (use_space and c == " ") and c not in "\r\n\t"]


# ---------------------------------------------------------------- datasets
class DetDataset(Dataset):
    """(epoch, index) -> {image 3 x S x S, shrink_map, shrink_mask, threshold_map,
    threshold_mask (S x S each)} with S = ``size``."""

    def __init__(self, labels: Path, size: int, aug: DetAugment | None, seed: int,
                 max_samples: int | None = None) -> None:
        self.root = labels.parent
        self.items = list(read_det_labels(labels).items())[:max_samples]
        self.size, self.aug, self.seed = size, aug or NO_DET_AUGMENT, seed

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, key: tuple[int, int]) -> dict[str, np.ndarray]:
        epoch, index = key
        path, instances = self.items[index]
        image = read_image(self.root / path)
        polys = [np.asarray(inst["points"], dtype=np.float64) for inst in instances]
        ignore = [is_dont_care(inst["transcription"]) for inst in instances]
        out, polys, ignore = det_augment(image, polys, ignore, self.size, self.aug,
                                         sample_rng(self.seed, epoch, index))
        targets = make_db_targets(polys, ignore, (self.size, self.size))
        return {"image": normalize_image(out), **targets}


class ClsDataset(Dataset):
    """(epoch, index) -> {image 3 x H x W, label 0 (0 deg) | 1 (180 deg)}. With ``flip180``
    half the samples are turned by 180 degrees and their label swapped."""

    def __init__(self, labels: Path, input_size: tuple[int, int, int], aug: LineAugment | None,
                 rand: RandAugment | None, flip180: bool, seed: int,
                 max_samples: int | None = None) -> None:
        self.root = labels.parent
        self.items = list(read_cls_labels(labels).items())[:max_samples]
        self.input_size, self.aug, self.rand = tuple(input_size), aug, rand
        self.flip180, self.seed = flip180, seed

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, key: tuple[int, int]) -> dict[str, np.ndarray | int]:
        epoch, index = key
        path, angle = self.items[index]
        image = read_image(self.root / path)
        rng = sample_rng(self.seed, epoch, index)
        label = int(angle == 180)
        if self.aug is not None:
            image = line_augment(image, self.aug, rng)
        if self.rand is not None:
            image = rand_augment(image, self.rand, rng)
        if self.flip180 and rng.random() < 0.5:
            image, label = np.ascontiguousarray(image[::-1, ::-1]), 1 - label
        return {"image": cls_resize_norm(image, self.input_size), "label": label}


class RecDataset(Dataset):
    """(epoch, index) -> {image 3 x H x W, label (max_len,) int64 zero-padded, length}.

    With ``skip_bad`` (training) lines with characters outside the vocabulary, longer than
    ``max_len`` or empty are left out and counted in ``stats`` (a warning is logged); without it
    (validation) every line stays and ``texts`` keeps the ground truth. ``tight``: images not
    padded to the input width (:class:`RecCollate` pads each batch to its own width).
    """

    def __init__(self, labels: Path, input_size: tuple[int, int, int], vocabulary: list[str],
                 aug: LineAugment | None, seed: int, max_len: int = 25,
                 max_samples: int | None = None, skip_bad: bool = True,
                 tight: bool = False) -> None:
        self.root, self.tight = labels.parent, tight
        self.input_size, self.aug, self.seed, self.max_len = tuple(input_size), aug, seed, max_len
        self.stats = EncodeStats()
        self.items: list[tuple[str, list[int]]] = []
        self.texts: list[str] = []
        index = {c: i for i, c in enumerate(vocabulary) if i}
        for path, text in list(read_rec_labels(labels).items())[:max_samples]:
            ids = encode_ids(text, index)
            if ids is None:
                self.stats.unknown += 1
                self.stats.unknown_chars.update(c for c in text if c not in index)
            elif len(ids) > max_len:
                self.stats.too_long += 1
            elif not ids:
                self.stats.empty += 1
            elif skip_bad:
                self.items.append((path, ids))
                self.texts.append(text)
                continue
            if not skip_bad:
                self.items.append((path, (ids or [])[:max_len]))
                self.texts.append(text)
        if skip_bad and self.stats.skipped:
            log.info("%s: skipped %d rec lines (%d with characters outside the charset %r, "
                        "%d longer than %d, %d empty)", labels, self.stats.skipped,
                        self.stats.unknown, self.stats.to_dict()["unknown_chars"],
                        self.stats.too_long, max_len, self.stats.empty)

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, key: tuple[int, int]) -> dict[str, np.ndarray | int]:
        epoch, index = key
        path, ids = self.items[index]
        image = read_image(self.root / path)
        if self.aug is not None:
            image = line_augment(image, self.aug, sample_rng(self.seed, epoch, index))
        label = np.zeros(self.max_len, dtype=np.int64)
        label[: len(ids)] = ids
        return {"image": rec_resize_norm(image, self.input_size, pad=not self.tight),
                "label": label, "length": len(ids), "index": index}

    def lengths(self) -> list[int]:
        """Characters per line (what :class:`ResumableBatchSampler` groups by)."""
        return [len(ids) for _, ids in self.items]


# ---------------------------------------------------------------- sampler
class ResumableBatchSampler(Sampler[list[tuple[int, int]]]):
    """Batches of (epoch, index) keys for global steps ``start_step .. total_steps - 1``.

    Epoch e's order is ``default_rng([seed, e]).permutation(n)`` (identity without shuffle),
    padded by wrapping to a multiple of ``world_size`` and dealt out ``rank::world_size`` (as
    torch's DistributedSampler), then cut into batches; a last partial batch is dropped unless it
    would be the only one. Step s is batch ``s % batches_per_epoch`` of epoch
    ``s // batches_per_epoch``, so resuming at step k only needs k.

    ``lengths`` (rec lines' character counts): each run of :data:`BUCKET_BATCHES` batches of
    the order is sorted by length before it is cut, and its batches shuffled again, so a batch
    holds lines of similar width (less padding, see :class:`RecCollate`).
    """

    def __init__(self, n: int, batch_size: int, seed: int, total_steps: int, *,
                 start_step: int = 0, shuffle: bool = True, rank: int = 0,
                 world_size: int = 1, lengths: list[int] | None = None) -> None:
        if n <= 0:
            raise PpocrError("the training set is empty")
        self.lengths = None if lengths is None else np.asarray(lengths)
        self.n, self.batch_size, self.seed, self.shuffle = n, batch_size, seed, shuffle
        self.total_steps, self.start_step = total_steps, start_step
        self.rank, self.world_size = rank, world_size
        per_rank = math.ceil(n / world_size)
        self.batches_per_epoch = max(per_rank // batch_size, 1)

    def epoch_order(self, epoch: int) -> list[int]:
        order = (np.random.default_rng([self.seed, epoch]).permutation(self.n) if self.shuffle
                 else np.arange(self.n))
        padded = math.ceil(self.n / self.world_size) * self.world_size
        order = np.resize(order, padded)[self.rank :: self.world_size]
        if self.lengths is not None:
            order = self._bucketed(order, epoch)
        return order.tolist()

    def _bucketed(self, order: np.ndarray, epoch: int) -> np.ndarray:
        run = self.batch_size * BUCKET_BATCHES
        rng = np.random.default_rng([self.seed, epoch, 1])
        out = []
        for start in range(0, len(order), run):
            part = order[start : start + run]
            part = part[np.argsort(self.lengths[part], kind="stable")]  # type: ignore[index]
            batches = [part[i : i + self.batch_size] for i in range(0, len(part), self.batch_size)]
            full = [b for b in batches if len(b) == self.batch_size]
            out += [full[i] for i in rng.permutation(len(full))] + batches[len(full):]
        return np.concatenate(out) if out else order

    def __iter__(self):
        cached_epoch, order = -1, []
        for step in range(self.start_step, self.total_steps):
            epoch, pos = divmod(step, self.batches_per_epoch)
            if epoch != cached_epoch:
                cached_epoch, order = epoch, self.epoch_order(epoch)
            batch = order[pos * self.batch_size : (pos + 1) * self.batch_size]
            yield [(epoch, i) for i in batch]

    def __len__(self) -> int:
        return max(self.total_steps - self.start_step, 0)


#: Batches a rec epoch is sorted by line length in (see :class:`ResumableBatchSampler`).
BUCKET_BATCHES = 32
#: Rec batches are padded to a multiple of this width (fewer distinct shapes for oneDNN).
WIDTH_STEP = 32
#: Share of rec batches padded to the full input width anyway (as every line at inference).
FULL_WIDTH_SHARE = 0.25


class RecCollate:
    """Collates rec samples whose images are not padded (``tight``): the batch is padded on
    the right (zeros, as PaddleOCR pads) to its widest line rounded up to
    :data:`WIDTH_STEP`, at least 8 px per label character (CTC needs a time step per
    character and one between repeats), at most the input width ``max_width``; a
    :data:`FULL_WIDTH_SHARE` of the batches (chosen by their sample indices, so the same with
    any worker count) are padded to ``max_width``, so the model keeps seeing what inference
    feeds it: lines padded to the full width. PaddleOCR trains its later recognizers on such
    batches of one width each (``MultiScaleSampler``, ``ds_width``)."""

    def __init__(self, max_width: int) -> None:
        self.max_width = max_width

    def width(self, samples: list[dict]) -> int:
        indices = np.asarray(sorted(int(s["index"]) for s in samples), dtype=np.int64)
        if zlib.crc32(indices.tobytes()) % 1000 < FULL_WIDTH_SHARE * 1000:
            return self.max_width
        widest = max(max(s["image"].shape[2] for s in samples),
                     8 * max(int(s["length"]) for s in samples))
        return min(self.max_width, -(-widest // WIDTH_STEP) * WIDTH_STEP)

    def __call__(self, samples: list[dict]) -> dict:
        width = self.width(samples)
        c, h = samples[0]["image"].shape[:2]
        images = np.zeros((len(samples), c, h, width), dtype=np.float32)
        for out, s in zip(images, samples):
            w = min(s["image"].shape[2], width)
            out[:, :, :w] = s["image"][:, :, :w]
        batch = default_collate([{k: v for k, v in s.items() if k != "image"} for s in samples])
        batch["image"] = torch.from_numpy(images)
        return batch


def worker_init(_: int) -> None:
    """DataLoader workers: one OpenCV and one torch thread each (the trainer owns the cores)."""
    cv2.setNumThreads(1)
    torch.set_num_threads(1)
