"""The PP-OCR paper's ablation tables at our scale (PAPER.md, "Ablations" and "Slim"):
``ppocr-bench reproduce paper-det``, ``paper-cls`` and ``paper-rec``.

Each row changes what the paper's row changes. The paper's strategy rows are cumulative (each
adds one strategy to the row before); :func:`cumulative` builds them so. Every row trains from
random initialisation for a CPU budget (the rec ``pretrained`` row excepted: it starts from
zoo/mobile's Latin recogniser), det and cls on streamed synthesis, rec on fixed legacy-synthesis
folders as zoo/mobile v1's recogniser was trained, is scored on the default synthetic en
eval set and, where present, the real ICDAR 2015 photos (det and rec), and carries the paper's
figures in ``Row.paper``. The point is the direction and size of each effect at our scale,
not the paper's figures, which came from 97K to 17.9M training images on GPUs.

Where our networks cannot take the paper's exact setting, the nearest one is used and the row's
note says so: the rec rows before ``stride`` use late strides (2, 2, 2, 1) (the paper's
(2, 2, 2, 2) leaves no height for the final 2 x 2 pool at 32 px), the cls 3 x 32 x 100 rows
late strides (1, 2, 2, 2) for the same reason.
"""

from __future__ import annotations

from typing import Any

from ppocr_bench.experiments.table import REAL_IC15, EvalSet, Part, Row, Table

#: One step of a cumulative table: (row name, options changed, note, the paper's figures).
Step = tuple[str, dict[str, Any], str, dict[str, float]]

_REAL = EvalSet("ic15 real", "en", REAL_IC15, optional=True)
_SYNTH = EvalSet("synthetic en", "en")
_TIA = ("tia_distort", "tia_stretch", "tia_perspective")


def merged(options: dict[str, Any], change: dict[str, Any]) -> dict[str, Any]:
    """``options`` changed by ``change``; their preset ``overrides`` are merged key by key."""
    out = {**options, **change}
    if "overrides" in options or "overrides" in change:
        out["overrides"] = {**options.get("overrides", {}), **change.get("overrides", {})}
    return out


def cumulative(steps: tuple[Step, ...], start: dict[str, Any] | None = None) -> tuple[Row, ...]:
    """Rows that each add their step's options to the row before (the first to ``start``)."""
    rows, options = [], dict(start or {})
    for name, change, note, paper in steps:
        options = merged(options, change)
        rows.append(Row(name, options, note, paper))
    return tuple(rows)


# ---------------------------------------------------------------- det: det_mv3_db
_DET_BASE = {"preset": "det_mv3_db", "data": "synth:en", "synth_kind": "both", "batch_size": 8,
             "det_size": 320, "lr": 2e-3}
_DET_STEPS: tuple[Step, ...] = (
    ("fpn256", {"overrides": {"inner_channels": 256, "use_se": True}, "schedule": "constant",
                "warmup_steps": 0},
     "FPN 256, SE on, constant lr, no warm-up",
     {"precision": 0.6821, "recall": 0.5560, "hmean": 0.6127, "size MB": 7, "CPU ms": 406}),
    ("fpn96", {"overrides": {"inner_channels": 96}}, "FPN 96",
     {"precision": 0.6677, "recall": 0.5524, "hmean": 0.6046, "size MB": 4.1, "CPU ms": 213}),
    ("no-se", {"overrides": {"use_se": False}}, "+ SE removed",
     {"precision": 0.6952, "recall": 0.5413, "hmean": 0.6087, "size MB": 2.6, "CPU ms": 173}),
    ("cosine", {"schedule": "cosine"}, "+ cosine lr",
     {"precision": 0.7034, "recall": 0.5404, "hmean": 0.6112, "size MB": 2.6, "CPU ms": 173}),
    ("warmup", {"warmup_steps": None}, "+ warm-up (10 % of the steps): the det_mv3_db recipe",
     {"precision": 0.7349, "recall": 0.5420, "hmean": 0.6239, "size MB": 2.6, "CPU ms": 173}),
)
#: FPGM share of every prunable layer's filters: -46 % fp32 size on det_mv3_db, the paper's cut.
DET_PRUNE = 0.3


def _det_rows() -> tuple[Row, ...]:
    rows = cumulative(_DET_STEPS)
    fpgm = Row("fpgm", merged(rows[-1].options, {"lr": 1e-3}),
               f"warmup's final weights FPGM-pruned at {DET_PRUNE} (every prunable layer), then "
               "fine-tuned for the budget at lr 1e-3; paper: -46 % size (1.4 of 2.6 MB), +19 % "
               "speed, a small hmean loss", {"size MB": 1.4},
               init_from="warmup", prune=DET_PRUNE)
    return (*rows, fpgm)


PAPER_DET = Table(
    name="paper-det",
    title="paper ablations, detector: FPN width, SE, cosine lr, warm-up, FPGM (det_mv3_db)",
    budget=200,
    seeds=2,
    description=(
        "The paper's detector table at our scale: det_mv3_db (MobileNetV3-large x0.5, DB), each "
        "row adding one change to the row before (FPN 256 -> 96, SE removed, cosine lr, warm-up), "
        "then FPGM: warmup's final weights pruned at 0.3 and fine-tuned. From random "
        "initialisation, the budget's steps (default 200) at batch 8 on 320 px crops of streamed "
        "en scene and document pages, Adam lr 2e-3; scored on 300 real ICDAR 2015 photos (where "
        "present) and the default synthetic en eval set. About 6 min of training a run on 2 CPU "
        "cores (fpn256 about 2.5 times that, fpn96 with SE 1.3 times), so the 12 runs (6 rows, 2 "
        "seeds) take about 2 h with scoring. The point is the direction and size of each effect "
        "at this scale, not the paper's figures (97K images, 1200 epochs): hmean from random "
        "weights at this budget stays low, and a change smaller than the seeds' spread says "
        "nothing. Sizes are ours, computed from the trained weights."),
    parts=(Part(name="det", task="det", base=_DET_BASE, rows=_det_rows(),
                evals=(_REAL, _SYNTH), reference="fpn256"),),
)

# ---------------------------------------------------------------- cls: cls_mv3
_CLS_BASE = {"preset": "cls_mv3", "data": "synth:en", "synth_kind": "both", "batch_size": 64,
             "lr": 1e-3}
_SMALL_INPUT = {"overrides": {"input_size": [3, 32, 100], "small_stride": [1, 2, 2, 2]}}

PAPER_CLS = Table(
    name="paper-cls",
    title="paper ablations, classifier: augmentation, input size, backbone scale, PACT (cls_mv3)",
    budget=300,
    seeds=2,
    description=(
        "The paper's classifier rows at our scale: cls_mv3 (MobileNetV3-small x0.35, SE) telling "
        "0 from 180 degree lines. Part aug, at 3 x 32 x 100: no augmentation, BDA, BDA + "
        "RandAugment; part input-scale, at 3 x 48 x 192 with BDA + RandAugment: x0.35 (the "
        "paper's 3 x 48 x 192 row), x0.5, and x0.35 with PACT int8 quantisation-aware training. "
        "From random initialisation, the budget's steps (default 300) at batch 64 of streamed en "
        "lines, Adam lr 1e-3 cosine with warm-up; scored on the default synthetic en eval set "
        "(895 lines). About 4 min of training a run on 2 CPU cores at 3 x 32 x 100, 7-9 min at 3 "
        "x 48 x 192 and 12 min with PACT, so the 12 runs (6 rows, 2 seeds) take about 1.5 h. The "
        "point is the direction and size of each effect at this scale, not the paper's figures "
        "(600K images); zoo/mobile's classifier stayed at chance for 250 steps with BDA + "
        "RandAugment, so the augmented rows may need a larger --budget. Sizes are ours, computed "
        "from the trained weights."),
    parts=(
        Part(name="aug", task="cls", base=merged(_CLS_BASE, _SMALL_INPUT), evals=(_SYNTH,),
             reference="none", rows=(
                 Row("none", {"augment": False}, "3 x 32 x 100 (late strides 1, 2, 2, 2), no "
                     "augmentation", {"accuracy": 0.8879}),
                 Row("bda", {"augment_off": ["randaugment"]}, "+ BDA", {"accuracy": 0.9134}),
                 Row("bda-ra", {}, "+ RandAugment; the paper's input 3 x 32 x 100 row",
                     {"accuracy": 0.9212}))),
        Part(name="input-scale", task="cls", base=_CLS_BASE, evals=(_SYNTH,),
             reference="48x192", rows=(
                 Row("48x192", {}, "3 x 48 x 192, x0.35 (the cls_mv3 preset)",
                     {"accuracy": 0.9403, "size MB": 0.85}),
                 Row("x0.5", {"overrides": {"scale": 0.5}}, "backbone x0.5",
                     {"accuracy": 0.9494, "size MB": 1.34}),
                 Row("pact", {"quant": "pact"}, "x0.35 + PACT int8 QAT",
                     {"accuracy": 0.9456, "size MB": 0.46}))),
    ),
)

# ---------------------------------------------------------------- rec: rec_mv3_crnn
#: The rec rows train as zoo/mobile v1's recogniser did: on fixed ``synth --realism legacy``
#: folders (240 pages per language, seen for several epochs), not the stream, on which no row
#: left CTC's all-blank plateau within 1,000 steps (BENCHMARKS.md, "The paper's ablation tables").
_REC_BASE = {"preset": "rec_mv3_crnn", "data": "synth-folder:en+fr+de", "realism": "legacy",
             "folder_pages": 240, "synth_kind": "both", "charset": "lang:en+fr+de",
             "overrides": {"input_size": [3, 32, 160]}, "batch_size": 32, "lr": 2e-3,
             "grad_clip": 10.0, "max_text_length": 12}
_REC_STEPS: tuple[Step, ...] = (
    ("light", {"augment": False, "schedule": "constant", "warmup_steps": 0, "weight_decay": 0.0,
               "overrides": {"small_stride": [2, 2, 2, 1]}},
     "MobileNetV3-small x0.5 + BiLSTM 48; no augmentation, constant lr, no L2, no warm-up, "
     "late strides 2, 2, 2, 1", {"accuracy": 0.5193, "size MB": 4.6}),
    ("bda", {"augment": True, "augment_off": list(_TIA)}, "+ BDA", {"accuracy": 0.5505}),
    ("cosine", {"schedule": "cosine"}, "+ cosine lr", {"accuracy": 0.5652}),
    ("stride", {"overrides": {"small_stride": [1, 2, 2, 2]}},
     "+ first late stride (1, 1): late strides 1, 2, 2, 2", {"accuracy": 0.6179}),
    ("l2", {"weight_decay": 1e-5}, "+ L2 1e-5", {"accuracy": 0.6519}),
    ("warmup", {"warmup_steps": None}, "+ warm-up (10 % of the steps); also the head-48 row",
     {"accuracy": 0.6581, "size MB": 4.6}),
    ("tia", {"augment_off": []}, "+ TIA", {"accuracy": 0.6670}),
    ("pact", {"quant": "pact"}, "+ PACT int8 QAT", {"accuracy": 0.6740, "size MB": 1.5}),
    ("pretrained", {"init": "zoo/mobile/rec_rec_latin.safetensors"},
     "+ initialised from zoo/mobile v1's Latin recogniser", {"accuracy": 0.6900, "size MB": 1.5}),
)
_REC_ROWS = cumulative(_REC_STEPS)
#: The backbone and head rows train as the paper's warmup row (the head-48 row) with other
#: widths; the paper's x0.5 and head-256 figures are one and the same (.6556).
_REC_WARMUP = next(r for r in _REC_ROWS if r.name == "warmup").options
_REC_WIDTHS: tuple[tuple[str, float, int, str, dict[str, float]], ...] = (
    ("x0.35-h256", 0.35, 256, "backbone x0.35", {"accuracy": 0.6288}),
    ("x0.5-h256", 0.5, 256, "backbone x0.5 = head 256", {"accuracy": 0.6556, "size MB": 23}),
    ("x1.0-h256", 1.0, 256, "backbone x1.0", {"accuracy": 0.6933}),
    ("x0.5-h96", 0.5, 96, "head 96", {"accuracy": 0.6673, "size MB": 8}),
    ("x0.5-h64", 0.5, 64, "head 64 (head 48: strategies/warmup)",
     {"accuracy": 0.6642, "size MB": 5.6}),
)

PAPER_REC = Table(
    name="paper-rec",
    title="paper ablations, recogniser: strategy by strategy, backbone scale, head width "
          "(rec_mv3_crnn)",
    budget=3000,
    seeds=2,
    description=(
        "The paper's recogniser tables at our scale: rec_mv3_crnn (MobileNetV3-small + BiLSTM + "
        "CTC). Part strategies: each row adds one strategy to the row before (BDA, cosine lr, the "
        "first late stride (1, 1), L2, warm-up, TIA, PACT, initialisation from zoo/mobile v1's "
        "Latin weights); part widths: backbone x0.35 / x0.5 / x1.0 at head 256 and heads 96 / 64 at "
        "x0.5, trained as the warmup row (head 48). From random weights (all but pretrained), "
        "the budget's steps (default 3,000) at batch 32 of en, fr and de lines up to 12 "
        "characters at 32 x 160, Adam lr 2e-3, as zoo/mobile v1's recogniser was trained: on "
        "fixed `synth --realism legacy` folders (240 pages of each language, both kinds, "
        "rendered once for the whole table; a render of that size held 6,704 lines that fit 12 "
        "characters, so some 14 epochs), not the stream; scored on the real ICDAR 2015 word crops (where present) "
        "and the default synthetic en eval set. About 17 min of training a run on one CPU core "
        "(the PACT rows about twice that, x1.0-h256 2.7 times), so the 28 runs (14 rows, 2 "
        "seeds) take about 10 h: run it over several sessions (finished runs are kept). The "
        "point is the direction and size of each effect at this scale, not the paper's figures "
        "(17.9M lines). CTC from random weights first sits on its all-blank plateau: on the "
        "stream no row left it within 1,000 steps, and on the folders the light row left it by "
        "2,000 steps (a 1,000-step run continued by another), hence the 3,000; rows that stay "
        "near 0 still call for a larger --budget, and a change smaller than the "
        "seeds' spread says nothing. Sizes are ours, computed from the trained weights (a 148-class Latin head, "
        "where the paper's 6,625-class Chinese head makes its sizes larger)."),
    parts=(
        Part(name="strategies", task="rec", base=_REC_BASE, rows=_REC_ROWS,
             evals=(_REAL, _SYNTH), reference="light"),
        Part(name="widths", task="rec", base=_REC_BASE, evals=(_REAL, _SYNTH),
             reference="x0.5-h256", rows=tuple(
                 Row(name, merged(_REC_WARMUP, {"overrides": {"scale": scale,
                                                               "hidden_size": hidden}}),
                     note, paper) for name, scale, hidden, note, paper in _REC_WIDTHS)),
    ),
)
