"""Evaluate zoo entries and other OCR systems on eval sets: the library calls behind
``ppocr-bench eval``.

:func:`evaluate_zoo` loads a zoo entry's predictors for a language
(:func:`ppocr_bench.inference.system.load_predictors`), wraps them as a
:class:`ppocr_bench.eval.systems.ZooSystem` and runs the scoring loop
(:func:`ppocr_bench.eval.loop.evaluate_system`, whose docstring gives the result layout);
:func:`evaluate_peer` runs the same loop on a peer (:mod:`ppocr_bench.eval.peers`). Both give
results with the same keys; meta["peer"] describes a peer's engine and settings.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ppocr_bench.errors import PpocrError
from ppocr_bench.eval.bench import torch_threads
from ppocr_bench.eval.loop import EvalSystem, evaluate_system
from ppocr_bench.eval.parts import eval_parts
from ppocr_bench.eval.systems import ZooSystem
from ppocr_bench.inference.backends import BACKENDS
from ppocr_bench.inference.system import load_predictors
from ppocr_bench.zoo.card import ZooCard


def evaluate_zoo(card: ZooCard, data: Path | None, lang: str, *, backend: str = "torch",
                 threads: int = 1, latency_runs: int = 20, progress: Any = None,
                 command: str | None = None, profile: str = "paddleocr") -> dict:
    """Evaluate ``card``'s models for ``lang`` on the eval set folder ``data`` (None: the
    language's default eval set, synthesized on first use) with ``backend`` ("torch" | "onnx")
    at ``threads`` threads under the pre/post-processing ``profile``. ``progress``: a rich
    Progress to show per-stage bars on (nothing is printed otherwise)."""
    if backend not in BACKENDS:
        raise PpocrError(f"--backend must be one of {', '.join(BACKENDS)}, not {backend!r}")
    data, _ = eval_parts(data, lang)  # a bad set fails before the models load
    preds = load_predictors(card, lang, backend=backend, threads=threads, profile=profile)
    system = ZooSystem(card, preds, backend=backend, threads=threads, profile=profile)
    if command is None:
        command = (f"ppocr-bench eval {card.root} --data {data} --lang {lang} "
                   f"--backend {backend} --threads {threads} --profile {profile}")
    with torch_threads(threads):
        return evaluate_system(system, data, lang, command=command, latency_runs=latency_runs,
                               progress=progress)


def evaluate_peer(peer: EvalSystem, data: Path | None, lang: str, *, latency_runs: int = 20,
                  progress: Any = None, command: str | None = None) -> dict:
    """Evaluate ``peer`` (e.g. from :func:`ppocr_bench.eval.peers.load_peer`) on the eval set
    folder ``data`` (None: the language's default set) like :func:`evaluate_zoo`."""
    data, _ = eval_parts(data, lang)
    command = command or f"ppocr-bench eval --system {peer.name} --data {data} --lang {lang}"
    return evaluate_system(peer, data, lang, command=command, latency_runs=latency_runs,
                           progress=progress)


def served_langs(cards: Sequence[ZooCard]) -> list[str]:
    """The languages the entries' recognizers serve (a rec without ``langs`` serves all), in
    :data:`ppocr_bench.text.langs.LANGS` order; ``["en"]`` when there is none."""
    from ppocr_bench.text.langs import LANGS

    served: set[str] = set()
    for card in cards:
        for model in card.models:
            if model.task == "rec":
                served |= set(model.langs) if model.langs else set(LANGS)
    return [code for code in LANGS if code in served] or ["en"]


def evaluate_entries(cards: Sequence[ZooCard], data: Path | None, lang: str,
                     **kwargs: Any) -> list[dict]:
    """:func:`evaluate_zoo` for several zoo entries on the same data: one result each."""
    data, _ = eval_parts(data, lang)
    return [evaluate_zoo(card, data, lang, **kwargs) for card in cards]


def evaluate_peers(systems: Sequence[Any], data: Path | None, lang: str, *, threads: int = 1,
                   **kwargs: Any) -> list[dict]:
    """:func:`evaluate_peer` for each of ``systems`` (loaded peers, or ``--system`` specs:
    ``tesseract``, ``rapidocr``, ``rapidocr:ZOO_ENTRY``) on the same data: one result each.
    Every peer is loaded before any runs, so a missing one fails first."""
    from ppocr_bench.eval.peers import load_peer

    peers = [load_peer(s, lang, threads=threads) if isinstance(s, str) else s for s in systems]
    return [evaluate_peer(peer, data, lang, **kwargs) for peer in peers]
