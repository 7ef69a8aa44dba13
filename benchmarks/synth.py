"""Synthesis speed: recognition lines/s (ours against trdg, same lines and fonts, same run) and
detection pages/s, with one worker and two. Writes its figures into BENCHMARKS.md.

    python benchmarks/synth.py [--lines 300] [--pages 40] [--langs en,ja]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import machine, write_section  # noqa: E402

from ppocr_bench.text.sampler import LineSampler  # noqa: E402
from ppocr_bench.text.fonts import FontFace, fonts_for_lang  # noqa: E402
from ppocr_bench.synth.pipeline import Kind, SynthSpec, run_synth  # noqa: E402
from ppocr_bench.synth.render import render_line_image  # noqa: E402
from ppocr_bench.synth.trdg_engine import render_trdg_line  # noqa: E402

Job = tuple[str, FontFace, int]


def make_jobs(lang: str, n: int) -> list[Job]:
    """The same n (text, face, seed) triples for both engines: texts every face can draw."""
    sampler, faces = LineSampler(lang), fonts_for_lang(lang)
    rng = np.random.default_rng(1234)
    jobs: list[Job] = []
    while len(jobs) < n:
        text = sampler.line(rng, 4, 24)
        usable = [f for f in faces if f.covers(text)]
        if usable:
            jobs.append((text, usable[int(rng.integers(len(usable)))], len(jobs)))
    return jobs


JOBS: list[Job] = []  # set before forking, so workers receive indices, not font objects


def ours(i: int) -> int:
    text, face, seed = JOBS[i]
    image, _ = render_line_image(text, face, np.random.default_rng(seed))
    return image.shape[1]


def trdg(i: int) -> int:
    text, face, seed = JOBS[i]
    return render_trdg_line(text, face, seed).shape[1]


def lines_per_second(fn, jobs: list[Job], workers: int) -> float:
    JOBS[:] = jobs
    fn(0)  # warm-up: font caches, imports
    indices = list(range(len(jobs)))
    if workers == 1:
        start = time.perf_counter()
        for i in indices:
            fn(i)
        return len(jobs) / (time.perf_counter() - start)
    with mp.get_context("fork").Pool(workers) as pool:
        pool.map(fn, indices[:workers * 4])  # warm every worker
        start = time.perf_counter()
        pool.map(fn, indices, chunksize=16)
        return len(jobs) / (time.perf_counter() - start)


def pages_per_second(lang: str, kind: Kind, pages: int, workers: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        spec = SynthSpec(lang=lang, kind=kind, count=pages, seed=7)
        start = time.perf_counter()
        run_synth(spec, Path(tmp) / "out", workers=workers)
        return pages / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=300)
    parser.add_argument("--pages", type=int, default=40)
    parser.add_argument("--langs", default="en,ja")
    args = parser.parse_args()
    command = f"python benchmarks/synth.py --lines {args.lines} --pages {args.pages} " \
              f"--langs {args.langs}"
    rows = ["| lang | workers | ours lines/s | trdg lines/s | ours / trdg |", "|---|---|---|---|---|"]
    for lang in args.langs.split(","):
        jobs = make_jobs(lang, args.lines)
        for workers in (1, 2):
            a, b = lines_per_second(ours, jobs, workers), lines_per_second(trdg, jobs, workers)
            rows.append(f"| {lang} | {workers} | {a:.0f} | {b:.0f} | {a / b:.2f}x |")
            print(rows[-1], flush=True)
    rows += ["", "| lang | kind | workers | pages/s (render + crops + files) |", "|---|---|---|---|"]
    for lang in args.langs.split(","):
        for kind in (Kind.scene, Kind.document):
            for workers in (1, 2):
                rate = pages_per_second(lang, kind, args.pages, workers)
                rows.append(f"| {lang} | {kind.value} | {workers} | {rate:.2f} |")
                print(rows[-1], flush=True)
    body = "\n".join([
        "## Synthesis speed", "",
        f"Command: `{command}`  ", f"Machine: {machine()}", "",
        "Recognition lines: the same texts, fonts and seeds for both engines; ours is "
        "`render_line_image` (text, background, light augmentation), trdg is 1.8.0 through our "
        "compatibility shim (gaussian-noise/plain/quasicrystal backgrounds, skew, blur). "
        "Detection pages: `run_synth` end to end (page, rectified crops, JPEG files, labels).",
        "", *rows])
    write_section("synth", body)


if __name__ == "__main__":
    main()
