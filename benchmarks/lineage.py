"""The PP-OCR lineage in one table: every official zoo entry (PP-OCRv2 to v6 and the server
detector) beside zoo/mobile (and zoo/mobile-slim, zoo/ko and zoo/ru when present), measured
with the same data and metrics: the default eval set of each language and the real ICDAR 2015
photos. Writes the "lineage" section of BENCHMARKS.md and benchmarks/lineage_size.png,
lineage_latency.png.

    ppocr-bench zoo import NAME            # for each official entry (the weights are not committed)
    python benchmarks/lineage.py [--count 40] [--langs zh,en,...] [--threads 1] [--latency-runs 5]

Each (entry, data set) result is kept in OUT/lineage.json (default benchmarks/lineage/, which
is committed) as soon as it is measured, with the machine, the date and a digest of the entry's
weights, and a rerun skips those already there whose entry has not changed since, so a long run
resumes after an interruption, in a later session too, and a republished entry (zoo/ko's next
stage) is measured again (delete the file, or pass --fresh, to measure everything again). An entry is measured on a language's set when it has a
recognizer for the language (a detector-only entry, ppocr-server-det, on every set: det only);
entries whose weights are not on disk are listed as missing with the command that makes them.
The plots put one point per system: end-to-end hmean (and det hmean, rec accuracy) on the real
photos against fp32 weights MB and against ms per image.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import machine, write_section  # noqa: E402

from ppocr_bench.eval.evaluate import evaluate_zoo  # noqa: E402
from ppocr_bench.eval.report import plot  # noqa: E402
from ppocr_bench.eval.sets import default_eval_set  # noqa: E402
from ppocr_bench.experiments.table import REAL_IC15  # noqa: E402
from ppocr_bench.text.langs import LANGS  # noqa: E402
from ppocr_bench.zoo.card import ZOO_DIR, ZooCard, read_card  # noqa: E402
from ppocr_bench.zoo.importers.entries import OFFICIAL  # noqa: E402

HERE = Path(__file__).resolve().parent
OURS = ("mobile", "mobile-slim", "ko", "ru")
REAL = "ic15 real"
#: (header, task, key, format) of each table column
COLUMNS = (("det H", "det", "hmean", ".3f"), ("rec acc", "rec", "acc", ".3f"),
           ("rec 1-NED", "rec", "norm_edit_dis", ".3f"), ("e2e H", "system", "hmean", ".3f"),
           ("MB det + cls + rec", None, None, None), ("ms / img", "system", "ms_per_image", ".0f"))


def entries() -> tuple[list[ZooCard], list[str]]:
    """The entries to measure (weights on disk), and the missing ones as lines to show."""
    cards, missing = [], []
    for name in (*OFFICIAL, *OURS):
        root = ZOO_DIR / name
        if not (root / "card.toml").is_file():
            continue
        card = read_card(root)
        if all(card.resolve(m.weights).is_file() for m in card.models):
            cards.append(card)
        else:
            missing.append(f"zoo/{name} (`{card.import_command or 'not in this checkout'}`)")
    return cards, missing


def weights_digest(card: ZooCard) -> str:
    """What an entry's results depend on: the sha256 of its weights files, in model order. A
    stored result with another digest (the entry republished) is measured again."""
    digest = hashlib.sha256()
    for model in card.models:
        digest.update(hashlib.sha256(card.resolve(model.weights).read_bytes()).digest())
    return digest.hexdigest()[:16]


def serves(card: ZooCard, lang: str) -> bool:
    return card.find("rec", lang) is not None or card.find("rec") is None


def measure(cards: list[ZooCard], langs: list[str], count: int, threads: int, runs: int,
            store: Path, real: bool = True) -> dict:
    """``store``'s results, completed: data set name -> entry name -> evaluate_zoo result."""
    results = json.loads(store.read_text(encoding="utf-8")) if store.is_file() else {}
    sets = [(lang, lang, default_eval_set(lang, count=count)) for lang in langs]
    real_dir = HERE.parent / REAL_IC15  # the table's path is relative to the repository root
    if real and real_dir.is_dir():
        sets.append((REAL, "en", real_dir))
    digests = {card.name: weights_digest(card) for card in cards}
    for name, lang, data in sets:
        for card in cards:
            kept = results.get(name, {}).get(card.name)
            # results stored before digests were kept carry none: they are kept as they are
            if not serves(card, lang) or (kept and kept.get("weights", digests[card.name])
                                          == digests[card.name]):
                continue
            started = time.perf_counter()
            result = evaluate_zoo(card, data, lang, threads=threads, latency_runs=runs)
            box = machine().split(", load average")[0]
            result["measured_on"] = f"{box}, {datetime.now(timezone.utc):%Y-%m-%d}"
            result["weights"] = digests[card.name]
            results.setdefault(name, {})[card.name] = result
            store.parent.mkdir(parents=True, exist_ok=True)
            store.write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
            print(f"{name} {card.name}: e2e H {result.get('system', {}).get('hmean', '-')} "
                  f"({time.perf_counter() - started:.0f} s)", flush=True)
    return results


def cell(result: dict, task: str | None, key: str | None, fmt: str | None) -> str:
    if task is None:
        sizes = [result.get(t, {}).get("size_mb") for t in ("det", "cls", "rec")]
        return " + ".join("-" if s is None else f"{s:.2f}" for s in sizes)
    value = result.get(task, {}).get(key)
    return "-" if value is None else format(value, fmt)


def table(results: dict) -> list[str]:
    lines = ["| data | entry | " + " | ".join(c[0] for c in COLUMNS) + " |",
             "|---|---|" + "---:|" * len(COLUMNS)]
    for name, by_entry in results.items():
        for entry, result in by_entry.items():
            lines.append(f"| {name} | {entry} | "
                         + " | ".join(cell(result, *c[1:]) for c in COLUMNS) + " |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=40, help="Images per default eval set.")
    parser.add_argument("--langs", default=",".join(LANGS),
                        help="Comma list of languages (default: all).")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--latency-runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=HERE / "lineage")
    parser.add_argument("--fresh", action="store_true", help="Measure everything again.")
    parser.add_argument("--no-real", action="store_true", help="Leave out the real photos.")
    args = parser.parse_args()
    store = args.out / "lineage.json"
    if args.fresh and store.exists():
        store.unlink()
    cards, missing = entries()
    started = time.perf_counter()
    langs = [lang.strip() for lang in args.langs.split(",") if lang.strip()]
    results = measure(cards, langs, args.count, args.threads, args.latency_runs, store,
                      real=not args.no_real)
    minutes = (time.perf_counter() - started) / 60
    pictures = []
    if REAL in results:
        real = list(results[REAL].values())
        for latency, png in ((False, "lineage_size.png"), (True, "lineage_latency.png")):
            pictures.append(plot(real, HERE / png, latency=latency))
    command = (f"python benchmarks/lineage.py --count {args.count} --langs {','.join(langs)} "
               f"--threads {args.threads} --latency-runs {args.latency_runs}"
               + (" --no-real" if args.no_real else ""))
    where = sorted({r.get("measured_on", "?") for by in results.values() for r in by.values()})
    kept = store.relative_to(HERE.parent) if store.is_relative_to(HERE.parent) else store
    body = "\n".join([
        "## The PP-OCR lineage (issue 15)", "",
        f"`{command}` (after `ppocr-bench zoo import NAME` of each official entry); measured on "
        f"{'; '.join(where)}; {args.threads} thread(s); the last call {minutes:.1f} min "
        f"(results kept in {kept} are not measured again). Data: the first "
        f"{args.count} images of each language's default eval set (synthetic, pinned fonts)"
        + ("" if REAL not in results else
           " and the 300 real ICDAR 2015 photos (`ic15 real`, 1,346 word crops)")
        + ". An entry is "
        "measured on a set when it has a recognizer for its language; ppocr-server-det is "
        "a detector alone.", "",
        *table(results), "",
        "det H: PaddleOCR IoU hmean; rec: word or line accuracy on the ground-truth crops "
        "(spaces ignored) and 1 - normalised edit distance; e2e H: det matches that also read "
        "the exact text; MB: fp32 weights (10^6 bytes); ms / img: the whole system per image "
        "at the thread count above (it depends on what else ran on the machine at the time).",
        *([""] + [f"Not measured (weights not on disk): {', '.join(missing)}."] if missing
          else []),
        *([""] + [f"![lineage, {p.stem.split('_')[1]}](benchmarks/{p.name})" for p in pictures]),
    ])
    write_section("lineage", body)
    print(body)


if __name__ == "__main__":
    main()
