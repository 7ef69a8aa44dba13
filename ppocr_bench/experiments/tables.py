"""The named tables of ``ppocr-bench reproduce`` (plain Python data).

- ``smoke``: two rows of a tiny recogniser, a few steps: checks the runner itself in seconds.
- ``synth-realism``: does each realism option of the synthesis (:mod:`ppocr_bench.synth.
  realism`) help models read real photos? Base = every option on; one row per option turned
  off; ``legacy`` = the synthesis of before (zoo/mobile v1's data: ``synth --realism legacy``
  folders for rec, as v1 was trained; its pages streamed for det). Latin rec and det,
  fine-tuned from zoo/mobile v1 for ``budget`` steps, scored on ``../shared/real/
  ic15-train-300`` (real ICDAR 2015 photos; skipped where absent) and the default synthetic en
  eval set.
- ``paper-det``, ``paper-cls``, ``paper-rec``: the paper's ablation tables at our scale
  (:mod:`.paper_tables`).
"""

from __future__ import annotations

from ppocr_bench.experiments.paper_tables import PAPER_CLS, PAPER_DET, PAPER_REC
from ppocr_bench.experiments.table import REAL_IC15, EvalSet, Part, Row, Table

_SMOKE_EVAL = EvalSet("synth-smoke", "en", path=None, limit=8)

SMOKE = Table(
    name="smoke",
    title="smoke: the runner on a tiny recogniser",
    budget=2,
    seeds=2,
    description="Two rows of a 2-step rec run (streamed en lines, 32 x 64 input): the runner's "
                "own check, not a result.",
    parts=(Part(
        name="rec-tiny",
        task="rec",
        base={"preset": "rec_mv3_crnn", "data": "synth:en", "batch_size": 4, "charset": "lang:en",
              "overrides": {"input_size": [3, 32, 64], "scale": 0.35, "hidden_size": 16},
              "max_text_length": 8, "threads": 1, "warmup_steps": 1},
        rows=(Row("base"), Row("no-crops", {"realism": "-crops"})),
        evals=(_SMOKE_EVAL,),
        reference="base",
    ),),
)

#: The options of :mod:`ppocr_bench.synth.realism` a row turns off, and what the row is called.
_OFF = (("no-photos", "-photos", "procedural backgrounds only"),
        ("pinned-fonts", "fonts=pinned", "the eval sets' pip fonts only"),
        ("uniform-fonts", "fonts=uniform", "every face equally likely"),
        ("no-crops", "-crops", "tight crops"),
        ("no-vocab", "-vocab", "corpus text only"),
        ("no-blend", "-blend", "text painted, not blended"),
        ("no-blur", "-blur", ""),
        ("no-lowres", "-lowres", ""),
        ("no-jpeg", "-jpeg", ""),
        ("no-light", "-light", ""))
#: Options that change nothing a det model sees (crops are rec/cls only).
_REC_ONLY = {"no-crops", "uniform-fonts"}

_REC_BASE = {
    "preset": "rec_mv3_crnn", "data": "synth:en+fr+de", "synth_kind": "scene",
    "charset": "lang:en+fr+de", "init": "zoo/mobile/rec_rec_latin.safetensors",
    "overrides": {"input_size": [3, 32, 160]}, "batch_size": 32, "lr": 5e-4, "warmup_steps": 20,
    "grad_clip": 10.0, "max_text_length": 16, "line_source": "drawn",
}
_DET_BASE = {
    "preset": "det_mv3_db", "data": "synth:en", "synth_kind": "scene",
    "init": "zoo/mobile/det_det_stage2.safetensors", "batch_size": 8, "det_size": 320,
    "lr": 5e-4, "warmup_steps": 10,
}
_EN_SYNTH = "synthetic en"


def _rows(det: bool) -> tuple[Row, ...]:
    legacy = (Row("legacy", {"realism": "legacy"}, "the synthesis before realism: streamed pages")
              if det else
              Row("legacy", {"data": "synth-folder:en+fr+de", "realism": "legacy"},
                  "synth --realism legacy folders, as zoo/mobile v1 was trained"))
    off = tuple(Row(name, {"realism": text}, note) for name, text, note in _OFF
                if not (det and name in _REC_ONLY))
    # rec: legacy differs from base in its data path too (folders of both kinds, not streamed
    # scene lines); base-folder keeps legacy's path with every option on, to tell them apart.
    # base-pages*: the stream, every option on, its lines cut from rendered pages as folders'
    # are (train --line-source pages), of scene pages as base or of both kinds as folders
    folder = () if det else (
        Row("base-folder", {"data": "synth-folder:en+fr+de"},
            "synth folders as legacy, every option on"),
        Row("base-pages", {"line_source": "pages"}, "every option on, lines cut from streamed "
            "scene pages"),
        Row("base-pages-both", {"line_source": "pages", "synth_kind": "both"},
            "every option on, lines cut from streamed scene and document pages"),
        Row("pages-both-no-crops", {"line_source": "pages", "synth_kind": "both",
                                    "realism": "-crops"},
            "base-pages-both with tight crops"))
    return (Row("base", {}, "every option on"), legacy, *folder, *off)


SYNTH_REALISM = Table(
    name="synth-realism",
    title="synth realism: each option of the synthesis, measured on real photos",
    budget=300,
    seeds=2,
    description=(
        "Each row fine-tunes zoo/mobile v1 (Latin rec, det) on streamed synthesis for the budget "
        "(rec: scene lines of en, fr and de up to 16 characters, drawn on their own, or cut from "
        "streamed pages in the base-pages rows, batch 32, 32 x 160; det: a "
        "third of the steps, batch 8, 320 crops of en scene pages), then scores the "
        "final weights on the 300 real ICDAR 2015 photos (1,346 word crops) and on the default "
        "synthetic en eval set (det with the default post-processing, not v1's tuned one). "
        "Base: every realism option on; legacy: the synthesis before them (for rec, "
        "`synth --realism legacy` folders of both kinds, as v1 was trained); the other rows "
        "turn one option off."),
    parts=(
        Part(name="rec-latin", task="rec", base=_REC_BASE, rows=_rows(det=False),
             evals=(EvalSet("ic15 real", "en", REAL_IC15, optional=True),
                    EvalSet(_EN_SYNTH, "en", limit=800)),
             reference="base"),
        Part(name="det", task="det", base=_DET_BASE, rows=_rows(det=True),
             evals=(EvalSet("ic15 real", "en", REAL_IC15, optional=True),
                    EvalSet(_EN_SYNTH, "en", limit=60)),
             reference="base", budget_scale=1 / 3),
    ),
)

TABLES = {t.name: t for t in (SMOKE, SYNTH_REALISM, PAPER_DET, PAPER_CLS, PAPER_REC)}
