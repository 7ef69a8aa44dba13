"""``ppocr-bench eval`` as library calls: the checks made before any work, the loop over
languages and systems, the report and ``--record``.

1. :func:`prepare_eval` checks all that can be checked without evaluating (profile, backend,
   ``--record``'s conditions, zoo entries, languages, ``--data`` against ``--lang``, a writable
   report folder, installed peers) and returns an :class:`EvalPlan`. A bad argument is a
   PpocrError here, before any eval set is synthesized or any model runs.
2. :func:`run_eval` evaluates every entry and peer per language (each language's default eval
   set is synthesized on first use, with a progress bar), writes the report and, with
   ``record``, the entries' cards, and returns an :class:`EvalRun`.

Warnings are one line each, in ``EvalPlan.warnings`` (known before the work) and
``EvalRun.warnings`` (found during it), for the caller to print. An eval set whose synth
manifest names another language than ``--lang`` is warned about, not refused: reading one
language's set with another language's recognizer is a measurement of its own (what RapidOCR
does with its zh models on ja and ko text; ``benchmarks/peers.py`` does it); meta["data_lang"]
keeps the set's language in the report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ppocr_bench.errors import PpocrError
from ppocr_bench.eval.evaluate import evaluate_entries, evaluate_peers, served_langs
from ppocr_bench.eval.loop import EvalSystem
from ppocr_bench.eval.parts import set_lang
from ppocr_bench.eval.report import write_report
from ppocr_bench.eval.sets import recorded_set_warning
from ppocr_bench.inference.backends import BACKENDS
from ppocr_bench.inference.profiles import DEFAULT_PROFILE, get_profile
from ppocr_bench.files import ensure_writable_dir
from ppocr_bench.zoo.card import ZooCard, cards_at, eval_figures, write_card


@dataclass
class EvalPlan:
    """A checked ``eval`` request: the entries, the peers loaded per language, the languages
    (``langs_given``: named by the user rather than taken from the entries) and the
    settings."""

    cards: list[ZooCard]
    peers: dict[str, list[EvalSystem]]
    langs: list[str]
    langs_given: bool
    data: Path | None
    out: Path
    threads: int = 1
    backend: str = "torch"
    latency_runs: int = 20
    profile: str = DEFAULT_PROFILE
    record: bool = False
    command: str | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class EvalRun:
    """What :func:`run_eval` did: one result per entry (or peer) and language, the report
    files written, the cards recorded (card path, languages recorded in it) and warnings."""

    results: list[dict]
    written: list[Path]
    recorded: list[tuple[Path, list[str]]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def lang_warning(data: Path, lang: str) -> str | None:
    """One line when the synth manifest of the eval set ``data`` names another language."""
    found = set_lang(data)
    if found is None or found == lang:
        return None
    return (f"{data}: an eval set of {found} text (its manifest.json) evaluated as {lang}: the "
            f"figures are {lang} models on {found} lines (give --lang {found} to match)")


def prepare_eval(zoo_dirs: list[Path], systems: list[str], data: Path | None,
                 langs: list[str], out: Path, *, threads: int = 1, backend: str = "torch",
                 latency_runs: int = 20, profile: str = DEFAULT_PROFILE, record: bool = False,
                 command: str | None = None) -> EvalPlan:
    """Check an ``eval`` request (see the module docstring) and load what it names."""
    from ppocr_bench.eval.peers import load_peer
    from ppocr_bench.text.langs import get_lang

    get_profile(profile)
    if backend not in BACKENDS:
        raise PpocrError(f"--backend must be one of {', '.join(BACKENDS)}, not {backend!r}")
    if record and (backend != "torch" or profile != DEFAULT_PROFILE):
        raise PpocrError("--record keeps figures of the torch backend and the paddleocr "
                         "profile: drop --backend and --profile")
    if not zoo_dirs and not systems:
        raise PpocrError("nothing to evaluate: give zoo entry folders and/or --system NAME")
    cards = [card for path in zoo_dirs for card in cards_at(path)]
    codes = list(dict.fromkeys(langs)) or served_langs(cards)
    for code in codes:
        get_lang(code)
    warnings = []
    if data is not None:
        if len(codes) > 1:
            raise PpocrError(f"--data is one eval set: give one --lang with it, not {len(codes)}")
        if not Path(data).is_dir():
            raise PpocrError(f"{data}: no such eval set folder")
        warnings = [w for w in [lang_warning(Path(data), codes[0])] if w]
    ensure_writable_dir(out)
    peers = {code: [load_peer(spec, code, threads=threads) for spec in systems]
             for code in codes}
    return EvalPlan(cards, peers, codes, bool(langs), data, Path(out), threads, backend,
                    latency_runs, profile, record, command, warnings)


def _eval_set(lang: str, progress: Any) -> Path:
    """``lang``'s default eval set, with a bar on ``progress`` while it is synthesized."""
    from ppocr_bench.eval.sets import default_eval_set

    if progress is None:
        return default_eval_set(lang)
    task = progress.add_task(f"eval set {lang}", total=None, unit="img")
    started: list[int] = []

    def on_start(todo: int) -> None:
        started.append(todo)
        progress.update(task, total=todo)

    path = default_eval_set(lang, on_start=on_start, on_sample=lambda i: progress.advance(task))
    if not started:
        progress.update(task, visible=False)  # cached: nothing was synthesized
    return path


def run_eval(plan: EvalPlan, progress: Any = None) -> EvalRun:
    """Evaluate the plan's entries and peers per language, write the report (and the cards,
    with ``record``). ``progress``: a rich Progress for the bars."""
    results: list[dict] = []
    warnings: list[str] = []
    settings = dict(threads=plan.threads, latency_runs=plan.latency_runs, progress=progress,
                    command=plan.command)
    for code in plan.langs:
        data = plan.data if plan.data is not None else _eval_set(code, progress)
        entries = (plan.cards if plan.langs_given
                   else [c for c in plan.cards if code in served_langs([c])])
        warnings += filter(None, (recorded_set_warning(card, code, data) for card in entries))
        if entries:
            results += evaluate_entries(entries, data, code, backend=plan.backend,
                                        profile=plan.profile, **settings)
        results += evaluate_peers(plan.peers[code], data, code, **settings)
    run = EvalRun(results, write_report(results, plan.out), warnings=warnings)
    if plan.record:
        run.recorded = record_eval(plan.cards, results, plan.data)
    return run


def record_eval(cards: list[ZooCard], results: list[dict], data: Path | None = None
                ) -> list[tuple[Path, list[str]]]:
    """``eval --record``: each entry's accuracies per language into its card: ``[eval.LANG]``
    for the default eval sets, ``[eval_data.SET.LANG]`` for the eval set ``data`` (``--data``,
    by its folder name); what ``ppocr-bench eval zoo/NAME`` (with the same ``--data``)
    reproduces with the torch backend and the paddleocr profile. Returns (card path, what it
    now holds: languages, and ``SET/LANG`` for other sets) per card."""
    recorded = []
    for card in cards:
        for result in results:
            meta = result.get("meta", {})
            if "peer" not in meta and meta.get("zoo_path") == str(card.root):
                table = (card.eval if data is None else
                         card.eval_data.setdefault(Path(data).name, {}))
                table[meta["lang"]] = eval_figures(result)
        held = sorted(card.eval) + sorted(f"{name}/{lang}" for name, langs in
                                          card.eval_data.items() for lang in langs)
        recorded.append((write_card(card), held))
    return recorded
