"""The paper's ablation tables (paper-det, paper-cls, paper-rec): rows that build valid
training configs and networks, cumulative strategy rows, the paper's figures in their own
columns beside our sizes, and the prune-from-row step on a tiny model."""

import dataclasses
import json

import pytest
import torch

from ppocr_bench.errors import PpocrError
from ppocr_bench.experiments import EvalSet, Part, Row, collect, execute, markdown, plan, status
from ppocr_bench.experiments.paper_tables import (
    DET_PRUNE,
    PAPER_CLS,
    PAPER_DET,
    PAPER_REC,
    cumulative,
)
from ppocr_bench.experiments.runner import DATA_LABELS, FOLDER_PREFIX, PRUNED_INIT
from ppocr_bench.experiments.tables import SMOKE, TABLES
from ppocr_bench.models import create_model, read_weights_info
from ppocr_bench.train import TrainConfig
from ppocr_bench.train.charset import resolve_charset

PAPER = (PAPER_DET, PAPER_CLS, PAPER_REC)


@pytest.mark.parametrize("table", PAPER, ids=lambda t: t.name)
def test_every_row_builds_a_valid_config_and_network(table, tmp_path):
    assert TABLES[table.name] is table and table.seeds == 2
    assert "direction and size of each effect" in table.description
    runs = plan(table, tmp_path)
    assert len(runs) == 2 * sum(len(p.rows) for p in table.parts)
    built = {}
    for run in runs:
        config = run.config()
        assert isinstance(config, TrainConfig) and config.steps == table.budget
        if run.options()["data"].startswith(FOLDER_PREFIX):  # the rendered folders' labels
            assert config.data == str(run.data_dir / DATA_LABELS[config.task])
        else:
            assert config.data.startswith("synth:")
        assert config.seed == run.seed
        assert TrainConfig.from_dict(json.loads(json.dumps(config.to_dict()))) == config
        key = json.dumps([config.preset_name, config.overrides], sort_keys=True)
        built.setdefault(key, config)
    with torch.inference_mode():
        for config in built.values():  # each distinct network runs its input
            charset = resolve_charset(config.charset) if config.task == "rec" else None
            model = create_model(config.preset_name, charset=charset, **config.overrides).eval()
            c, h, w = model.input_size if config.task != "det" else (3, 64, 64)
            assert torch.isfinite(model(torch.zeros(1, c, h, w))).all()


def _changed(new: dict, old: dict) -> dict:
    return {k: v for k, v in new.items() if old.get(k) != v}


def test_strategy_rows_add_one_change_each(tmp_path):
    rows = {r.name: r.options for r in PAPER_REC.part("strategies").rows}
    runs = {r.row.name: r.options() for r in plan(PAPER_REC, tmp_path, seeds=1)}
    assert rows["light"]["augment"] is False and rows["light"]["schedule"] == "constant"
    assert _changed(runs["bda"], runs["light"]) == {
        "augment": True, "augment_off": ["tia_distort", "tia_stretch", "tia_perspective"]}
    assert _changed(runs["cosine"], runs["bda"]) == {"schedule": "cosine"}
    assert _changed(runs["stride"], runs["cosine"]) == {
        "overrides": {"input_size": [3, 32, 160], "small_stride": [1, 2, 2, 2]}}
    assert _changed(runs["warmup"], runs["l2"]) == {"warmup_steps": None}
    assert rows["pretrained"]["quant"] == "pact" and rows["pretrained"]["init"].startswith("zoo/")
    det = {r.name: r for r in PAPER_DET.part("det").rows}
    assert det["fpn256"].options["overrides"] == {"inner_channels": 256, "use_se": True}
    assert det["no-se"].options["overrides"] == {"inner_channels": 96, "use_se": False}
    assert det["warmup"].options["warmup_steps"] is None  # auto: 10 % of the budget's steps
    assert det["fpgm"].init_from == "warmup" and det["fpgm"].prune == DET_PRUNE
    # widths: trained as the warmup row, other widths
    widths = {r.name: r.options for r in PAPER_REC.part("widths").rows}
    assert widths["x0.5-h64"] == {**rows["warmup"], "overrides": {
        **rows["warmup"]["overrides"], "scale": 0.5, "hidden_size": 64}}
    made = cumulative((("a", {"lr": 1.0, "overrides": {"x": 1}}, "", {}),
                       ("b", {"overrides": {"y": 2}}, "", {"p": 0.5})))
    assert made[1] == Row("b", {"lr": 1.0, "overrides": {"x": 1, "y": 2}}, "", {"p": 0.5})


def _fake_scores(runs, metrics):
    for run in runs:
        run.folder.mkdir(parents=True)
        size = {"fp32_mb": 2.38} | ({"int8_mb": 0.7} if run.options().get("quant") else {})
        record = {"options": run.options(), "train_seconds": 60.0, "size": size,
                  "scores": {"synthetic en": {m: 0.1 for m in metrics}, "ic15 real": "absent"}}
        (run.folder / "scores.json").write_text(json.dumps(record))


def _cells(text: str, row: str) -> dict[str, str]:
    lines = [ln for ln in text.splitlines() if ln.startswith("| ")]
    head = [c.strip() for c in lines[0].strip("|").split("|")]
    line = next(ln for ln in lines if ln.startswith(f"| {row} "))
    return dict(zip(head, [c.strip() for c in line.strip("|").split("|")], strict=True))


def test_paper_figures_and_our_sizes_have_their_own_columns(tmp_path):
    runs = plan(PAPER_DET, tmp_path, seeds=1)
    _fake_scores(runs, ("hmean", "precision", "recall"))
    cells = _cells(markdown(collect(PAPER_DET, runs)), "fpn256")
    assert cells["synthetic en: det hmean"] == "0.100" and cells["size MB (fp32)"] == "2.38"
    assert cells["paper: hmean"] == "0.6127" and cells["paper: precision"] == "0.6821"
    assert cells["paper: size MB"] == "7" and cells["paper: CPU ms"] == "406"
    rec = plan(PAPER_REC, tmp_path / "rec", seeds=1, parts=["strategies"])
    _fake_scores(rec, ("acc", "norm_edit_dis"))
    text = markdown(collect(PAPER_REC, rec))
    pact, light = _cells(text, "pact"), _cells(text, "bda")
    assert pact["int8 MB"] == "0.70" and pact["paper: accuracy"] == "0.674"
    assert pact["paper: size MB"] == "1.5" and light["int8 MB"] == "-"
    assert light["paper: size MB"] == "" and light["synthetic en: accuracy"] == "0.100 (+0.000)"


def test_rows_that_start_from_another_row_are_checked():
    with pytest.raises(PpocrError, match="prune needs init_from"):
        Row("p", prune=0.3)
    with pytest.raises(PpocrError, match=r"ratio in \(0, 1\)"):
        Row("p", init_from="base", prune=1.0)
    with pytest.raises(PpocrError, match="not both"):
        Row("p", {"init": "w.safetensors"}, init_from="base")
    with pytest.raises(PpocrError, match="no earlier row"):
        Part("x", "rec", {}, (Row("p", init_from="base"), Row("base")), ())


def test_a_pruned_row_trains_its_source_first_and_fine_tunes_its_pruned_weights(tmp_path,
                                                                                  tiny_set):
    part = dataclasses.replace(
        SMOKE.parts[0], evals=(EvalSet("tiny", "en", str(tiny_set)),),
        rows=(Row("base"), Row("other"), Row("pruned", {"lr": 5e-4}, init_from="base",
                                               prune=0.5)))
    table = dataclasses.replace(SMOKE, parts=(part,))
    runs = plan(table, tmp_path, seeds=1, rows=["pruned"])
    assert [r.row.name for r in runs] == ["base", "pruned"]  # the source first
    base, pruned = runs
    assert pruned.config().init == str(pruned.folder / PRUNED_INIT)
    execute(pruned)  # trains and scores base, prunes it, fine-tunes
    assert status(base) == "done" and status(pruned) == "done"
    saved = json.loads((pruned.folder / "config.json").read_text())
    assert saved["init"] == str(pruned.folder / PRUNED_INIT) and saved["overrides"]["pruned"]
    assert read_weights_info(pruned.folder / "final.safetensors").spec["pruned"]
    records = [json.loads((r.folder / "scores.json").read_text()) for r in runs]
    assert records[1]["options"]["init_from"] == {"row": "base", "prune": 0.5}
    assert records[1]["size"]["fp32_mb"] < 0.7 * records[0]["size"]["fp32_mb"]
    assert records[1]["scores"]["tiny"]["n"] > 0
    text = markdown(collect(table, runs))
    assert "size MB (fp32)" in text and "| pruned " in text
