"""``ppocr-bench synth``: spec, output folder checks, parallel rendering, resume and shards
(merged by :mod:`ppocr_bench.synth.merge`)."""

from __future__ import annotations

import json
import multiprocessing as mp
import platform
import warnings
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from enum import Enum
from pathlib import Path

import numpy as np

from ppocr_bench import __version__
from ppocr_bench.text.corpus import load_charset
from ppocr_bench.text.sampler import LineSampler
from ppocr_bench.errors import PpocrError, PpocrWarning
from ppocr_bench.files import sha256_file
from ppocr_bench.files import ensure_writable_dir
from ppocr_bench.text.font_dirs import fonts_in_dirs
from ppocr_bench.text.fonts import FontFace, fonts_for_lang
from ppocr_bench.text.langs import get_lang
from ppocr_bench.synth import writer
from ppocr_bench.synth.document import make_document
from ppocr_bench.synth.page import Page
from ppocr_bench.synth.realism import BASE, LEGACY, Realism
from ppocr_bench.synth.scene import make_scene

MANIFEST = "manifest.json"


class Kind(str, Enum):
    scene = "scene"
    document = "document"
    both = "both"


class Engine(str, Enum):
    ours = "ours"
    trdg = "trdg"


@dataclass(frozen=True)
class SynthSpec:
    """Everything that decides the content of a synth run (not how it is run)."""

    lang: str
    kind: Kind = Kind.both
    count: int = 100
    seed: int = 0
    engine: Engine = Engine.ours
    vertical: bool = False
    realism: Realism = BASE

    def command(self) -> str:
        cmd = (f"ppocr-bench synth --lang {self.lang} --kind {self.kind.value} "
               f"--count {self.count} --seed {self.seed} --engine {self.engine.value}")
        cmd += " --vertical" if self.vertical else ""
        if self.realism != BASE:
            cmd += f" --realism {self.realism.text()}"
        return cmd + "".join(f" --background-dir {d}" for d in self.realism.background_dirs)

    def to_json(self) -> dict:
        """The spec as a manifest records it; a legacy spec reads as before realism options
        existed (no ``realism`` key), so folders made then still resume."""
        data = {**asdict(self), "kind": self.kind.value, "engine": self.engine.value,
                "realism": self.realism.to_json()}
        if self.realism == LEGACY:
            del data["realism"]
        return data


def validate(spec: SynthSpec, workers: int = 1) -> None:
    """Refuse, before anything is written, a spec or worker count that cannot run: one line."""
    lang = get_lang(spec.lang)
    if spec.count <= 0:
        raise PpocrError(f"--count must be a positive number of images, got {spec.count}")
    if spec.seed < 0:
        raise PpocrError(f"--seed must be 0 or more, got {spec.seed}")
    if workers <= 0:
        raise PpocrError(f"--workers must be a positive number of processes, got {workers}")
    if spec.vertical and not lang.vertical:
        raise PpocrError(f"--vertical is only for languages with vertical text (ja, zh), "
                         f"not {spec.lang}")
    if spec.engine is Engine.trdg:
        from ppocr_bench.synth.trdg_engine import load_trdg

        load_trdg()
    from ppocr_bench.synth.photos import check_background_dirs

    check_background_dirs(spec.realism)


def parse_shard(text: str | None) -> tuple[int, int]:
    """``"K/N"`` -> (K, N) with 0 <= K < N; None -> (0, 1)."""
    if text is None:
        return 0, 1
    try:
        k, n = (int(part) for part in text.split("/"))
    except ValueError:
        raise PpocrError(f"--shard must look like K/N (e.g. 0/4), got {text!r}") from None
    if not 0 <= k < n:
        raise PpocrError(f"--shard {text}: K and N must satisfy 0 <= K < N")
    return k, n


def sample_kind(spec: SynthSpec, index: int) -> Kind:
    if spec.kind is Kind.both:
        return Kind.scene if index % 2 == 0 else Kind.document
    return spec.kind


def sample_rng(seed: int, index: int, stream: int = 0) -> np.random.Generator:
    """The generator of sample ``index``: depends only on (seed, index, stream)."""
    return np.random.default_rng([seed, index, stream])


def render_page(spec: SynthSpec, index: int, sampler: LineSampler,
                faces: list[FontFace]) -> Page:
    rng = sample_rng(spec.seed, index)
    if sample_kind(spec, index) is Kind.scene:
        return make_scene(rng, sampler, faces, realism=spec.realism)
    vertical = spec.vertical and bool(rng.random() < 1 / 3)
    return make_document(rng, sampler, faces, vertical=vertical, realism=spec.realism)


def rec_images(spec: SynthSpec, index: int, page: Page,
               faces: dict[tuple[str, int], FontFace]) -> list[np.ndarray]:
    """The rec (and cls) crops of a page: cut from it (engine ours; as a detector cuts them
    unless legacy, drawing from the sample's stream 3), or lines trdg draws (stream 2)."""
    if spec.engine is Engine.ours:
        rng = None if spec.realism.legacy else sample_rng(spec.seed, index, 3)
        return writer.rec_crops(page, rng, spec.realism)
    from ppocr_bench.synth.trdg_engine import render_trdg_line

    seeds = sample_rng(spec.seed, index, 2).integers(0, 2**31, len(page.instances))
    return [render_trdg_line(inst.text, faces[(inst.font, inst.face)], int(seed))
            for inst, seed in zip(page.instances, seeds)]


class _Renderer:
    """Renders and writes samples; lives once per worker process."""

    def __init__(self, spec: SynthSpec, faces: list[FontFace], out: Path):
        self.spec, self.faces, self.out = spec, faces, out
        self.sampler = LineSampler(spec.lang)
        self.by_key = {(str(f.path), f.index): f for f in faces}

    def __call__(self, index: int) -> int:
        page = render_page(self.spec, index, self.sampler, self.faces)
        crops = rec_images(self.spec, index, page, self.by_key)
        flips = list(sample_rng(self.spec.seed, index, 1).random(len(crops)) < 0.5)
        writer.write_sample(self.out, index, page, self.spec.lang, crops, flips)
        return index


_WORKER: _Renderer | None = None


def _init_worker(spec: SynthSpec, faces: list[FontFace], out: Path) -> None:
    global _WORKER
    _WORKER = _Renderer(spec, faces, out)


def _work(index: int) -> int:
    assert _WORKER is not None
    return _WORKER(index)


def render_indices(spec: SynthSpec, faces: list[FontFace], out: Path, indices: list[int],
                   workers: int) -> Iterator[int]:
    """Render ``indices`` with ``workers`` processes, yielding each index when written."""
    if workers <= 1 or len(indices) <= 1:
        renderer = _Renderer(spec, faces, out)
        yield from (renderer(i) for i in indices)
        return
    ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
    with ctx.Pool(workers, initializer=_init_worker, initargs=(spec, faces, out)) as pool:
        yield from pool.imap_unordered(_work, indices, chunksize=1)


def versions() -> dict[str, str]:
    import cv2
    import fontTools
    import PIL

    return {"ppocr_bench": __version__, "python": platform.python_version(),
            "numpy": np.__version__, "pillow": PIL.__version__, "opencv": cv2.__version__,
            "fonttools": fontTools.version}


def new_manifest(spec: SynthSpec, faces: list[FontFace]) -> dict:
    lang = get_lang(spec.lang)
    words = lang.corpus_dir / "words.tsv"
    return {
        "tool": "ppocr-bench synth",
        "command": spec.command(),
        "spec": spec.to_json(),
        "versions": versions(),
        "corpus": {"charset": f"corpora/{spec.lang}/charset.txt",
                   "charset_size": len(load_charset(spec.lang)),
                   "charset_sha256": sha256_file(lang.charset_path),
                   "words": f"corpora/{spec.lang}/words.tsv",
                   "words_sha256": sha256_file(words) if words.exists() else None},
        "fonts_available": [f.key for f in faces],
        **_photos_record(spec.realism),
        "complete": False,
    }


def _photos_record(realism: Realism) -> dict:
    """``photos_available`` for a manifest: the photographs drawn from (left out with photos
    off or in legacy mode, as in folders made before photographs were used)."""
    if not realism.on("photos"):
        return {}
    from ppocr_bench.synth.photos import photos_used

    return {"photos_available": photos_used(realism)}


def read_manifest(out: Path) -> dict | None:
    path = out / MANIFEST
    if not path.exists():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise PpocrError(f"{path}: unreadable manifest ({exc})") from None


def prepare_out(out: Path, manifest: dict) -> None:
    """Create ``out`` or check it belongs to this run; write the manifest if new."""
    ensure_writable_dir(out)
    old = read_manifest(out)
    if old is None:
        if any(out.iterdir()):
            raise PpocrError(f"{out} is not empty and holds no synth manifest: use an empty "
                             "or new --out folder")
    elif old.get("spec") != manifest["spec"]:
        raise PpocrError(f"{out / MANIFEST} belongs to another run ({old.get('command')}): "
                         "use another --out folder or the same arguments to resume")
    elif old.get("fonts_available") != manifest["fonts_available"]:
        raise PpocrError(f"{out / MANIFEST}: the fonts available changed since this run "
                         "started, so resuming would mix outputs: use a new --out folder")
    elif old.get("photos_available") != manifest.get("photos_available"):
        raise PpocrError(f"{out / MANIFEST}: the background photographs found changed since "
                         "this run started, so resuming would mix outputs: use a new --out "
                         "folder")
    else:
        return
    writer.make_dirs(out)
    write_json(out / MANIFEST, manifest)


def write_json(path: Path, data: dict) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    writer.atomic_write_bytes(path, text.encode("utf-8"))


def fonts_used(uses: dict[tuple[str, int], int], faces: list[FontFace]) -> list[dict]:
    by_key = {(str(f.path), f.index): f for f in faces}
    rows = []
    for (path, face), n in sorted(uses.items()):
        known = by_key.get((path, face))
        rows.append({"font": path, "face": face, "instances": n,
                     "family": known.family if known else None,
                     "style": known.style if known else None})
    return rows


def finalize(out: Path, spec: SynthSpec, faces: list[FontFace]) -> dict:
    """Write the label files and complete the manifest; returns the manifest."""
    manifest = read_manifest(out) or new_manifest(spec, faces)
    manifest["counts"], uses = writer.assemble(out, spec.count)
    manifest["fonts_used"] = fonts_used(uses, faces)
    manifest["complete"] = True
    write_json(out / MANIFEST, manifest)
    return manifest


@dataclass
class SynthResult:
    out: Path
    rendered: int
    skipped: int
    complete: bool
    manifest: dict


def run_synth(spec: SynthSpec, out: Path, *, workers: int = 1, shard: tuple[int, int] = (0, 1),
              font_dirs: list[Path] | None = None, faces: list[FontFace] | None = None,
              manifest_extra: dict | None = None,
              on_start: Callable[[int], None] | None = None,
              on_sample: Callable[[int], None] | None = None) -> SynthResult:
    """Render the samples of ``spec`` that ``out`` lacks (in this shard), then, when every
    sample is there, write the label files. A damaged sample of this shard (an unreadable part
    record, a file it lists gone) is rendered again after a PpocrWarning naming the file;
    intact samples are not touched. ``on_start(n_todo)`` and ``on_sample(index)`` report
    progress.

    Fonts: ``faces`` when given (the default eval sets' pinned faces), else the fonts of
    ``font_dirs`` (``--font-dir``: see :func:`ppocr_bench.text.font_dirs.fonts_in_dirs`), else
    every discovered font usable for the language. ``manifest_extra``: more keys for the
    manifest (e.g. the font pins of an eval set).
    """
    validate(spec, workers)
    k, n = shard
    if faces is None:
        faces = spec_faces(spec, font_dirs)
    manifest = {**new_manifest(spec, faces), **(manifest_extra or {})}
    prepare_out(out, manifest)
    writer.remove_partial_files(out)
    mine = set(range(k, spec.count, n))
    incomplete = writer.incomplete_samples(out, list(range(spec.count)))
    todo = [i for i in sorted(incomplete) if i in mine]
    for index in todo:
        if incomplete[index] is not None:
            warnings.warn(PpocrWarning(f"{incomplete[index]}: rendering sample {index} again"))
    if on_start:
        on_start(len(todo))
    for index in render_indices(spec, faces, out, todo, workers):
        if on_sample:
            on_sample(index)
    others = [i for i in incomplete if i not in mine]  # other shards may have filled them in
    complete = not writer.incomplete_samples(out, others)
    if complete:
        manifest = finalize(out, spec, faces)
    return SynthResult(out, len(todo), len(mine) - len(todo), complete, manifest)


def spec_faces(spec: SynthSpec, font_dirs: list[Path] | None = None) -> list[FontFace]:
    """The faces a spec draws from: ``font_dirs`` (``--font-dir``: see
    :func:`ppocr_bench.text.font_dirs.fonts_in_dirs`), else the pinned eval-set fonts for the
    ``pinned`` pool, else every discovered font usable for the language."""
    if font_dirs:
        return fonts_in_dirs(spec.lang, font_dirs)
    if spec.realism.font_pool == "pinned":
        from ppocr_bench.text.eval_fonts import pinned_faces

        return pinned_faces(spec.lang)
    return fonts_for_lang(spec.lang)


def spec_from_json(data: dict) -> SynthSpec:
    return SynthSpec(lang=data["lang"], kind=Kind(data["kind"]), count=int(data["count"]),
                     seed=int(data["seed"]), engine=Engine(data["engine"]),
                     vertical=bool(data["vertical"]),
                     realism=Realism.from_json(data.get("realism")))
