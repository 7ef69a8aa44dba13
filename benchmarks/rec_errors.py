"""Where a zoo entry's recognizer fails on an eval set's word crops (BENCHMARKS.md, "zoo/mobile v2
stages"): how many predictions are exact (``eval``'s rec accuracy: spaces ignored, case and
punctuation kept), wrong only in case, wrong only in case or punctuation (PaddleOCR's filtered
comparison would count them), or wrong in letters; and the exact share by the word's casing,
length and the crop's shape and height.

    python benchmarks/rec_errors.py work/mobile-v2/zoo/v2 --data ../shared/real/ic15-train-300 --lang en

Reads the crops as ``ppocr-bench eval`` does (``read_image``, the entry's rec predictor for the
language, batches of the eval loop's size), so its exact share equals eval's rec accuracy.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.table import Table

from ppocr_bench.data.images import read_image
from ppocr_bench.data.labels import read_rec_labels
from ppocr_bench.errors import PpocrError
from ppocr_bench.eval.loop import BATCH
from ppocr_bench.inference.system import load_predictors
from ppocr_bench.metrics.rec import normalize_text
from ppocr_bench.zoo.card import read_card

KINDS = ("exact", "case only", "case or punctuation only", "letters")


def kind(pred: str, label: str) -> str:
    """Which of :data:`KINDS` a (prediction, label) pair is."""
    p, t = normalize_text(pred), normalize_text(label)
    if p == t:
        return "exact"
    if p.lower() == t.lower():
        return "case only"
    if normalize_text(p, filter=True) == normalize_text(t, filter=True):
        return "case or punctuation only"
    return "letters"


def casing(word: str) -> str:
    letters = [c for c in word if c.isalpha()]
    if not letters:
        return "no letters"
    return "all capitals" if all(c.isupper() for c in letters) else "other"


def length(word: str) -> str:
    n = len(normalize_text(word))
    return "1-3" if n <= 3 else "4-5" if n <= 5 else "6-8" if n <= 8 else "9+"


def aspect(shape: tuple[int, ...]) -> str:
    ratio = shape[1] / shape[0]
    return "w/h < 1" if ratio < 1 else "1-2" if ratio < 2 else "2-4" if ratio < 4 else "4+"


def height(shape: tuple[int, ...]) -> str:
    h = shape[0]
    return "00-15 px" if h < 16 else "16-23 px" if h < 24 else "24-39 px" if h < 40 else (
        "40-59 px" if h < 60 else "60+ px")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("entry", type=Path, help="a zoo entry folder (its card.toml)")
    ap.add_argument("--data", type=Path, required=True, help="an eval set folder with rec/rec_gt.txt")
    ap.add_argument("--lang", default="en")
    args = ap.parse_args()
    label_file = args.data / "rec" / "rec_gt.txt"
    labels = read_rec_labels(label_file)
    preds = load_predictors(read_card(args.entry), args.lang)
    rows: list[tuple[str, str, tuple[int, ...]]] = []
    paths = list(labels)
    for start in range(0, len(paths), BATCH):
        crops = [read_image(label_file.parent / p) for p in paths[start:start + BATCH]]
        for p, crop, (text, _) in zip(paths[start:start + BATCH], crops, preds.rec(crops)):
            rows.append((labels[p], text, crop.shape))
    n = len(rows)
    console = Console()
    table = Table(title=f"{args.entry} on {label_file} ({n} crops)")
    table.add_column("prediction")
    table.add_column("crops", justify="right")
    table.add_column("share", justify="right")
    kinds = [kind(pred, label) for label, pred, _ in rows]
    for k in KINDS:
        table.add_row(k, str(kinds.count(k)), f"{kinds.count(k) / n:.3f}")
    console.print(table)
    groups: tuple[tuple[str, Callable], ...] = (
        ("casing", lambda r: casing(r[0])), ("length", lambda r: length(r[0])),
        ("crop w/h", lambda r: aspect(r[2])), ("crop height", lambda r: height(r[2])))
    for name, key in groups:
        table = Table(title=f"exact share by {name}")
        table.add_column(name)
        table.add_column("crops", justify="right")
        table.add_column("exact", justify="right")
        for value in sorted({key(r) for r in rows}):
            sel = [k for r, k in zip(rows, kinds) if key(r) == value]
            table.add_row(value, str(len(sel)), f"{sel.count('exact') / len(sel):.3f}")
        console.print(table)


if __name__ == "__main__":
    try:
        main()
    except PpocrError as exc:  # bad input: one line naming the file, as the CLI does
        raise SystemExit(f"error: {exc}") from None
