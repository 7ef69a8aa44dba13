"""Streaming synthetic training data: ``--data synth:LANG[+LANG...]`` renders every training
sample on the fly, in the DataLoader workers, and writes nothing to disk.

- rec and cls samples are drawn directly as lines (``lines`` drawn: :func:`ppocr_bench.synth.
  render.render_line_image`, or trdg with ``engine trdg``), though (unless ``realism`` is
  legacy) drawn as a detector crops a photo (neighbouring text at the edges, loose or tight
  margins, slight turns, degradations; the cls flip comes after), or (``lines`` pages) cut
  from whole rendered pages as a synth folder's crops are (:mod:`.page_lines`); det samples are
  whole pages (:func:`ppocr_bench.synth.pipeline.render_page`): det sample ``i`` of epoch ``e``
  is page ``e * epoch_size + i`` of ``ppocr-bench synth --seed SEED``, the same pixels a synth
  folder of that seed holds.
- Sample ``i`` of epoch ``e`` depends only on (seed, e, i) (and the fonts and package versions
  recorded in the run's config.json), so two runs are the same run, ``--resume`` continues
  exactly and the worker count changes nothing. Seeds of the evaluation sets are refused.
- An epoch of a stream is ``epoch_size`` samples (:data:`EPOCH_SIZE` by default): it only names
  samples and sets the default warm-up; no sample is ever seen twice.
- :class:`MixedDataset` draws a share ``mix_ratio`` of the samples from a folder (a little real
  or pre-rendered data beside endless synthetic data).
- :func:`render_validation`: ``--val synth`` renders one fixed validation folder per run
  (``RUN/val``, fixed seeds, the default ``synth`` pipeline), so curves of different runs that
  stream the same languages are comparable.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from torch.utils.data import Dataset

from ppocr_bench.data.db_targets import make_db_targets
from ppocr_bench.data.transforms import cls_resize_norm, normalize_image, rec_resize_norm
from ppocr_bench.errors import PpocrError
from ppocr_bench.eval.sets import check_training_seed
from ppocr_bench.synth.page import Page
from ppocr_bench.synth.pipeline import (
    Engine, Kind, SynthSpec, render_page, run_synth, spec_faces, versions,
)
from ppocr_bench.synth.photos import check_background_dirs, photos_used
from ppocr_bench.synth.realism import BASE, LEGACY, Realism
from ppocr_bench.synth.render import SCENE_TEXT_SHARE, covering, readable, render_line_image
from ppocr_bench.text.fonts import FontFace, choose_face
from ppocr_bench.text.langs import LANGS, get_lang
from ppocr_bench.text.sampler import get_sampler
from ppocr_bench.train.datasets import encode_ids
from ppocr_bench.train.det_augment import DetAugment, det_augment
from ppocr_bench.train.line_augment import LineAugment, line_augment
from ppocr_bench.train.page_lines import LINE_SOURCES, PageLines
from ppocr_bench.train.randaugment import RandAugment, rand_augment

PREFIX = "synth:"
#: Samples per epoch of a stream.
EPOCH_SIZE = 100_000
#: Seeds of the validation folders ``--val synth`` renders: ``VAL_SEED + language index``;
#: training seeds, fixed, so every run validates on the same images.
VAL_SEED = 900_000
#: Tries to draw a line the vocabulary and the length limit allow before giving up.
TRIES = 50
_TAG = 71  # the stream's generator is default_rng([seed, epoch, index, _TAG])


def stream_langs(value: str) -> tuple[str, ...]:
    """``synth:en+fr`` -> ("en", "fr"); unknown languages are a one-line error."""
    names = tuple(n.strip() for n in value[len(PREFIX):].split("+"))
    if not all(names):
        raise PpocrError(f"--data {value}: give languages as synth:LANG[+LANG...], e.g. "
                         "synth:en+fr+de")
    for name in names:
        if name not in LANGS:
            raise PpocrError(f"--data {value}: unknown language {name!r}; known: "
                             f"{', '.join(LANGS)}")
    return names


def stream_rng(seed: int, epoch: int, index: int) -> np.random.Generator:
    return np.random.default_rng([seed, epoch, index, _TAG])


def check_scene_pages(scene_pages: int, kind: str, lines: str) -> None:
    """A one-line error for a ``--scene-pages`` the stream cannot honour."""
    if scene_pages < 1:
        raise PpocrError(f"--scene-pages must be at least 1, got {scene_pages}")
    if scene_pages != 1 and (kind != "both" or lines != "pages"):
        raise PpocrError(f"--scene-pages {scene_pages}: only for --synth-kind both with "
                         "--line-source pages")


@dataclass(frozen=True)
class StreamSpec:
    """What a stream renders: languages and the synth options that matter for training."""

    langs: tuple[str, ...]
    seed: int = 0
    kind: Kind = Kind.both
    engine: Engine = Engine.ours
    font_dirs: tuple[str, ...] = ()
    vertical: bool = False
    epoch_size: int = EPOCH_SIZE
    realism: Realism = BASE
    #: rec/cls lines: ``drawn`` on their own, or ``pages``: cut from rendered pages
    #: (:mod:`.page_lines`)
    lines: str = "pages"
    #: ``kind both`` with ``lines`` pages: scene pages per document page in the stream
    #: (:func:`.page_lines.page_slot`; 1: a quarter of the lines are scene crops, 3: half)
    scene_pages: int = 1

    def __post_init__(self) -> None:
        try:
            check_training_seed(self.seed)
        except PpocrError as exc:
            raise PpocrError(f"--seed {self.seed}: {exc}; streamed training data may not use "
                             "it") from None
        if self.lines not in LINE_SOURCES:
            raise PpocrError(f"--line-source must be one of {', '.join(LINE_SOURCES)}, not "
                             f"{self.lines!r}")
        if self.epoch_size <= 0:
            raise PpocrError(f"--epoch-size must be positive, got {self.epoch_size}")
        check_scene_pages(self.scene_pages, self.kind.value, self.lines)
        if self.vertical and not all(get_lang(lang).vertical for lang in self.langs):
            raise PpocrError("--vertical is only for languages with vertical text (ja, zh), not "
                             + "+".join(lang for lang in self.langs if not get_lang(lang).vertical))
        if self.engine is Engine.trdg and self.lines == "pages":
            raise PpocrError("--line-source pages cuts lines from pages, which --synth-engine "
                             "ours draws; trdg draws lines only (use --line-source drawn)")
        if self.engine is Engine.trdg:
            from ppocr_bench.synth.trdg_engine import load_trdg

            load_trdg()
        check_background_dirs(self.realism)

    def synth_spec(self, lang: str) -> SynthSpec:
        return SynthSpec(lang=lang, kind=self.kind, count=1, seed=self.seed, engine=self.engine,
                         vertical=self.vertical, realism=self.realism)

    def faces(self) -> dict[str, list[FontFace]]:
        """Each language's faces (``font_dirs`` or the fonts found); one-line error if none."""
        dirs = [Path(d) for d in self.font_dirs]
        return {lang: spec_faces(self.synth_spec(lang), dirs) for lang in self.langs}

    def record(self, faces: dict[str, list[FontFace]]) -> dict[str, Any]:
        """What config.json (and a zoo card) records of the stream."""
        return {"langs": list(self.langs), "seed": self.seed, "kind": self.kind.value,
                "engine": self.engine.value, "font_dirs": list(self.font_dirs),
                "vertical": self.vertical, "epoch_size": self.epoch_size,
                "realism": self.realism.to_json(), "lines": self.lines,
                "scene_pages": self.scene_pages, "photos": photos_used(self.realism),
                "fonts": {lang: [f.key for f in fs] for lang, fs in faces.items()},
                "versions": versions()}


def describe(record: dict[str, Any]) -> str:
    """One line for a zoo card's ``data``: the stream and what it drew with."""
    fonts = sum(len(v) for v in record.get("fonts", {}).values())
    v = record.get("versions", {})
    return (f"streamed synthesis synth:{'+'.join(record['langs'])} (seed {record['seed']}, kind "
            f"{record['kind']}, engine {record['engine']}, {fonts} font faces"
            + (f" from {', '.join(record['font_dirs'])}" if record.get("font_dirs") else "")
            + f", realism {Realism.from_json(record.get('realism')).text()}, "
            + f"{len(record.get('photos', []))} background photographs"
            + (", rec/cls lines cut from pages" if record.get("lines") == "pages" else "")
            + (f" ({record['scene_pages']} scene pages a document page)"
               if record.get("scene_pages", 1) != 1 else "")
            + f"; ppocr_bench {v.get('ppocr_bench')}, pillow {v.get('pillow')}, opencv "
            f"{v.get('opencv')}, numpy {v.get('numpy')})")


class _Lines:
    """Draws (text, BGR line image) pairs of the stream's languages, one generator a sample."""

    def __init__(self, spec: StreamSpec, faces: dict[str, list[FontFace]],
                 vocabulary: list[str] | None, max_len: int) -> None:
        self.spec, self.faces, self.max_len = spec, faces, max_len
        self.allowed = None if vocabulary is None else set(vocabulary[1:])
        self.pages = (PageLines(spec, faces, max_len, self.allowed) if spec.lines == "pages"
                      else None)

    def text(self, rng: np.random.Generator, lang: str, scene: bool,
             lengths: tuple[int, int] | None) -> str:
        """A scene phrase or a corpus line of ``lengths`` (lo, hi) characters; with the
        ``vocab`` option, a share :data:`~ppocr_bench.synth.render.SCENE_TEXT_SHARE` of the
        scene texts are real-scene text (``scene_text``: signs, prices, dates, URLs...)."""
        sampler = get_sampler(lang)  # built once per process, in the worker that uses it
        lo, hi = lengths or ((3, 14) if scene else (2, self.max_len))
        text = ""
        if scene and self.spec.realism.on("vocab") and rng.random() < SCENE_TEXT_SHARE:
            text = " ".join(sampler.scene_text(rng).split())
            if lo <= len(text) <= hi:
                return text
        text = sampler.phrase(rng) if scene and rng.random() < 0.6 else ""
        if not lo <= len(text) <= hi:
            text = sampler.line(rng, lo, hi)
        return " ".join(text.split())

    def sample(self, rng: np.random.Generator, height: int, key: tuple[int, int],
               lengths: tuple[int, int] | None = None) -> tuple[str, np.ndarray]:
        """Stream sample ``key``'s (text, BGR line): cut from its page (``lines`` pages: any
        height, any length within the limit), else drawn (:meth:`draw`)."""
        cut = None
        if self.pages is not None:
            cut = self.pages.cut(rng, key[0] * self.spec.epoch_size + key[1])
        if cut is None:  # drawn lines, or a page without a usable line
            return self.draw(rng, height, None if self.pages is not None else lengths)
        return cut[0], cv2.cvtColor(cut[1], cv2.COLOR_RGB2BGR)

    def draw(self, rng: np.random.Generator, height: int,
             lengths: tuple[int, int] | None = None) -> tuple[str, np.ndarray]:
        """A line (and its text) ``height`` px high, of ``lengths`` (lo, hi) characters."""
        for _ in range(TRIES):
            lang = self.spec.langs[int(rng.integers(len(self.spec.langs)))]
            kind = self.spec.kind
            scene = kind is Kind.scene or (kind is Kind.both and rng.random() < 0.5)
            text = self.text(rng, lang, scene, lengths)
            if not text or len(text) > self.max_len or not readable(text):
                continue
            if self.allowed is not None and not set(text) <= self.allowed:
                continue
            usable = covering(self.faces[lang], text)
            if not usable:
                continue
            face = choose_face(rng, usable, self.spec.realism.font_pool == "balanced")
            if self.spec.engine is Engine.trdg:
                from ppocr_bench.synth.trdg_engine import render_trdg_line

                image = render_trdg_line(text, face, int(rng.integers(2**31)), height=height)
            else:
                image, _ = render_line_image(text, face, rng, height=height,
                                             realism=self.spec.realism)
            return text, cv2.cvtColor(image, cv2.COLOR_RGB2BGR)
        raise PpocrError(f"synth:{'+'.join(self.spec.langs)}: no line in {TRIES} tries fits the "
                         f"charset, the length limit {self.max_len} and the fonts")


#: Character-count ranges of rec stream lines; the lines of one batch share a range.
LENGTH_BUCKETS = ((1, 4), (5, 8), (9, 13), (14, 19), (20, 25))


class RecStream(Dataset):
    """(epoch, index) -> the :class:`~.datasets.RecDataset` sample dict, rendered.

    ``group``: with ``tight`` images (not padded: :class:`~.datasets.RecCollate` pads each
    batch to its width) the samples ``index // group`` alike (one batch: the batch size times
    the number of processes) draw their length from the same one of :data:`LENGTH_BUCKETS`,
    chosen uniformly, so a batch holds lines of similar width and long lines are as common as
    short ones."""

    def __init__(self, spec: StreamSpec, faces: dict[str, list[FontFace]],
                 input_size: tuple[int, int, int], vocabulary: list[str],
                 aug: LineAugment | None, max_len: int = 25, tight: bool = False,
                 group: int = 1) -> None:
        self.spec, self.input_size, self.aug, self.max_len = spec, tuple(input_size), aug, max_len
        self.tight, self.group = tight, group
        self.buckets = [(lo, min(hi, max_len)) for lo, hi in LENGTH_BUCKETS if lo <= max_len]
        self.lines = _Lines(spec, faces, vocabulary, max_len)
        self.index = {c: i for i, c in enumerate(vocabulary) if i}

    def __len__(self) -> int:
        return self.spec.epoch_size

    def __getitem__(self, key: tuple[int, int]) -> dict[str, Any]:
        epoch, index = key
        rng = stream_rng(self.spec.seed, epoch, index)
        lengths = None
        if self.tight and self.spec.lines == "drawn":
            pick = np.random.default_rng([self.spec.seed, epoch, index // self.group, _TAG + 2])
            lengths = self.buckets[int(pick.integers(len(self.buckets)))]
        text, image = self.lines.sample(rng, self.input_size[1], key, lengths)
        if self.aug is not None:
            image = line_augment(image, self.aug, rng)
        ids = encode_ids(text, self.index) or []  # every character is in it (_Lines.draw)
        label = np.zeros(self.max_len, dtype=np.int64)
        label[: len(ids)] = ids
        return {"image": rec_resize_norm(image, self.input_size, pad=not self.tight),
                "label": label, "length": len(ids), "index": index}


class ClsStream(Dataset):
    """(epoch, index) -> {image, label 0 | 1 (turned by 180 degrees, half the lines)}."""

    def __init__(self, spec: StreamSpec, faces: dict[str, list[FontFace]],
                 input_size: tuple[int, int, int], aug: LineAugment | None,
                 rand: RandAugment | None, max_len: int = 25) -> None:
        self.spec, self.input_size, self.aug, self.rand = spec, tuple(input_size), aug, rand
        self.lines = _Lines(spec, faces, None, max_len)

    def __len__(self) -> int:
        return self.spec.epoch_size

    def __getitem__(self, key: tuple[int, int]) -> dict[str, Any]:
        epoch, index = key
        rng = stream_rng(self.spec.seed, epoch, index)
        height = int(rng.integers(24, self.input_size[1] + 1))
        _, image = self.lines.sample(rng, height, key)
        label = int(rng.random() < 0.5)
        if self.aug is not None:
            image = line_augment(image, self.aug, rng)
        if self.rand is not None:
            image = rand_augment(image, self.rand, rng)
        if label:
            image = np.ascontiguousarray(image[::-1, ::-1])
        return {"image": cls_resize_norm(image, self.input_size), "label": label}


class DetStream(Dataset):
    """(epoch, index) -> the :class:`~.datasets.DetDataset` sample dict of a rendered page."""

    def __init__(self, spec: StreamSpec, faces: dict[str, list[FontFace]], size: int,
                 aug: DetAugment) -> None:
        self.spec, self.faces, self.size, self.aug = spec, faces, size, aug

    def __len__(self) -> int:
        return self.spec.epoch_size

    def page(self, epoch: int, index: int) -> Page:
        """Page ``epoch * epoch_size + index`` of ``synth --seed SEED`` in the language
        ``langs[page % len(langs)]``."""
        page_index = epoch * self.spec.epoch_size + index
        lang = self.spec.langs[page_index % len(self.spec.langs)]
        return render_page(self.spec.synth_spec(lang), page_index, get_sampler(lang),
                           self.faces[lang])

    def __getitem__(self, key: tuple[int, int]) -> dict[str, Any]:
        epoch, index = key
        page = self.page(epoch, index)
        image = cv2.cvtColor(page.image, cv2.COLOR_RGB2BGR)
        polys = [np.asarray(inst.points, dtype=np.float64) for inst in page.instances]
        out, polys, ignore = det_augment(image, polys, [False] * len(polys), self.size,
                                         self.aug, stream_rng(self.spec.seed, epoch, index))
        return {"image": normalize_image(out), **make_db_targets(polys, ignore,
                                                                 (self.size, self.size))}


class MixedDataset(Dataset):
    """A stream with a share ``ratio`` of its samples taken from ``folder`` (a dataset keyed
    by (epoch, index) too): sample (e, i) comes from the folder when
    ``default_rng([seed, e, i, 72]).random() < ratio``, as folder item ``j`` drawn by the same
    generator, augmented under the key (e * len(stream) + i, j) so no two draws repeat."""

    def __init__(self, stream: Dataset, folder: Dataset, ratio: float, seed: int) -> None:
        self.stream, self.folder, self.ratio, self.seed = stream, folder, ratio, seed
        self.stats = getattr(folder, "stats", None)  # rec lines the folder left out

    def __len__(self) -> int:
        return len(self.stream)  # type: ignore[arg-type]

    def __getitem__(self, key: tuple[int, int]) -> dict[str, Any]:
        epoch, index = key
        rng = np.random.default_rng([self.seed, epoch, index, _TAG + 1])
        if rng.random() >= self.ratio:
            return self.stream[key]
        j = int(rng.integers(len(self.folder)))  # type: ignore[arg-type]
        sample = dict(self.folder[(epoch * len(self) + index, j)])
        if "index" in sample:
            sample["index"] = index
        return sample


def render_validation(langs: tuple[str, ...], run_dir: Path, count: int, workers: int = 1
                      ) -> Path:
    """``RUN/val``: ``count`` samples (pages with their det, cls and rec labels) split over
    ``langs``, each language's folder ``ppocr-bench synth --seed VAL_SEED+k`` (k: its index
    in the language list), and label files over all of them. Rendered once; a run resumed
    finds it (an interrupted rendering is resumed)."""
    from ppocr_bench.data.labels import LABEL_FILES

    root = Path(run_dir) / "val"
    shares = [count // len(langs) + (k < count % len(langs)) for k in range(len(langs))]
    for lang, share in zip(langs, shares):
        if share:
            run_synth(SynthSpec(lang, Kind.both, count=share, seed=VAL_SEED + list(LANGS).index(lang),
                                realism=LEGACY),
                      root / lang, workers=workers)
    for name in LABEL_FILES.values():
        lines = []
        for lang, share in zip(langs, shares):
            labels = root / lang / name
            if not share or not labels.is_file():
                continue
            folder = os.path.join("..", lang, os.path.dirname(name))
            for line in labels.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    path, sep, rest = line.partition("\t")
                    lines.append(f"{os.path.join(folder, path)}{sep}{rest}")
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("".join(f"{ln}\n" for ln in lines), encoding="utf-8")
    return root
