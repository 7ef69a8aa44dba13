"""`ppocr-bench prune`: uniform and scanned ratios end to end, one-line errors for bad input."""

from __future__ import annotations

import json
import re

import pytest
from cli_run import cli, one_line_error
from prune_cases import small_model

from ppocr_bench.errors import PpocrError
from ppocr_bench.models import count_parameters, load_model, save_weights
from ppocr_bench.slim.run import load_source, run_prune

LAYERS = ("backbone.stem.0", "backbone.last_conv.0")


@pytest.fixture(scope="module")
def weights(tmp_path_factory):
    path = tmp_path_factory.mktemp("prune_cli") / "cls.safetensors"
    save_weights(small_model("cls_mv3"), path)
    return path


def test_uniform_ratio_prints_sizes_and_writes_smaller_weights(weights, tmp_path):
    out = tmp_path / "pruned.safetensors"
    proc = cli("prune", weights, "--ratio", "0.5", "--out", out, "--preset", "cls_mv3")
    assert proc.returncode == 0, proc.stderr
    before, after = load_model(weights), load_model(out)
    assert f"params: {count_parameters(before):,} -> {count_parameters(after):,}" in proc.stdout
    assert "FLOPs: " in proc.stdout and "backbone.last_conv.0" in proc.stdout
    assert "200 -> 100" in proc.stdout  # the last conv's channels
    assert after.backbone.out_channels == 100


def test_scan_writes_its_table_and_plot_and_a_rerun_reuses_the_table(weights, tmp_path,
                                                                      tiny_set):
    out = tmp_path / "scanned.safetensors"
    args = ["prune", weights, "--data", tiny_set, "--max-loss", "0.02", "--out", out,
            *[item for name in LAYERS for item in ("--layer", name)]]
    proc = cli(*args)
    assert proc.returncode == 0, proc.stderr
    table = tmp_path / "scanned.sensitivity.json"
    data = json.loads(table.read_text())
    assert set(data["losses"]) == set(LAYERS) and data["metric"] == "acc"
    assert all(len(losses) == 9 for losses in data["losses"].values())
    assert (tmp_path / "scanned.sensitivity.png").stat().st_size > 5000
    # the same weights and data: the rerun reads the losses back (here made up) and does not
    # measure them again, so the ratio chosen follows them
    data["losses"] = {name: {str(r / 10): (0.0 if r <= 4 else 1.0) for r in range(1, 10)}
                      for name in LAYERS}
    table.write_text(json.dumps(data))
    proc = cli(*args)
    assert proc.returncode == 0, proc.stderr
    chosen = json.loads(table.read_text())["chosen"]
    assert chosen == pytest.approx({name: 0.4 + 0.02 * 0.1 for name in LAYERS})


@pytest.mark.parametrize("args, needle", [
    (["--ratio", "1.5"], "{w}: --ratio must lie in (0, 1), got 1.5"),
    (["--ratio", "0.3", "--layer", "backbone.nope"],
     "{w}: backbone.nope: no such layer in cls_mv3 (prunable layers: backbone.stem.0"),
    (["--ratio", "0.3", "--preset", "det_mv3_db"], "{w}: weights of preset cls_mv3, not det_mv3_db"),
])
def test_bad_input_is_one_line_naming_the_file(weights, tmp_path, args, needle):
    proc = cli("prune", weights, "--out", tmp_path / "x.safetensors", *args)
    one_line_error(proc, needle.format(w=weights))
    assert not (tmp_path / "x.safetensors").exists()


@pytest.mark.parametrize("options, needle", [
    ({"ratio": 0.0}, "w.safetensors: --ratio must lie in (0, 1), got 0.0"),
    ({"ratio": 0.3, "layers": ["backbone.blocks.0.depthwise.0"]},
     "w.safetensors: backbone.blocks.0.depthwise.0: a depthwise conv"),
    ({}, "w.safetensors: give --ratio R, or --data VAL with --max-loss L or --flops-target F"),
    ({"ratio": 0.3, "max_loss": 0.02}, "w.safetensors: --ratio prunes every layer by one share"),
    ({"data": "VAL"}, "w.safetensors: --data runs the sensitivity scan: add --max-loss"),
    ({"data": "VAL", "max_loss": -1.0}, "w.safetensors: --max-loss must be >= 0, got -1.0"),
])
def test_bad_options_are_errors_before_any_work(tmp_path, options, needle):
    out = tmp_path / "x.safetensors"
    with pytest.raises(PpocrError, match="^" + re.escape(needle)):
        run_prune(small_model("cls_mv3"), out, source="w.safetensors", **options)
    assert not out.exists()
    with pytest.raises(PpocrError, match="--out must name a .safetensors file"):
        run_prune(small_model("cls_mv3"), tmp_path / "x.pt", ratio=0.5)


def test_a_zoo_entry_needs_its_task_and_a_missing_file_is_named(tmp_path, tiny_zoo):
    one_line_error(cli("prune", tiny_zoo.root, "--ratio", "0.3", "--out",
                       tmp_path / "x.safetensors"),
                   f"{tiny_zoo.root}: a zoo entry holds several models: name one with --task")
    with pytest.raises(PpocrError, match="none.safetensors: no such weights file"):
        load_source(tmp_path / "none.safetensors")
    with pytest.raises(PpocrError, match="card.toml: no rec model for xx"):
        load_source(tiny_zoo.root, task="rec", lang="xx")
    model, sha = load_source(tiny_zoo.root, task="det")
    assert model.task == "det" and sha == tiny_zoo.find("det").weights_sha256


def test_flops_target_prunes_at_least_that_share(tmp_path, tiny_set):
    out = tmp_path / "flops.safetensors"
    report = run_prune(small_model("cls_mv3"), out, data=tiny_set, flops_target=0.05,
                       layers=list(LAYERS), source="w")
    before, after = report.flops
    assert after <= 0.95 * before and report.threshold is not None
    table = json.loads((tmp_path / "flops.sensitivity.json").read_text())
    assert table["chosen"] == pytest.approx({n: r for n, (r, _, _) in report.layers.items()})
    assert table["threshold"] == report.threshold
    assert load_model(out).spec.pruned == tuple(sorted(
        (n, kept) for n, (_, _, kept) in report.layers.items()))


def test_a_scan_on_a_label_file_is_keyed_by_its_contents(tmp_path):
    """A scan table is reused only for the same labels: a label file (not a folder) is hashed
    itself, so two different files never share one."""
    from ppocr_bench.slim.run import _record

    model = small_model("cls_mv3")
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text("x.jpg\tabc\n")
    second.write_text("y.jpg\tdef\n")
    keys = [_record(model, path, "w")["data_sha256"] for path in (first, second, first)]
    assert keys[0] != keys[1] and keys[0] == keys[2]


POST = {"thresh": 0.002, "box_thresh": 0.4, "unclip_ratio": 1.8}


def _zoo_with_post(tiny_zoo, tmp_path):
    """A copy of ``tiny_zoo`` whose det model has the DB settings :data:`POST` in its card."""
    import dataclasses
    import shutil

    from ppocr_bench.zoo.card import read_card, write_card

    root = tmp_path / "zoo"
    shutil.copytree(tiny_zoo.root, root)
    card = read_card(root)
    card.models[:] = [dataclasses.replace(m, post=dict(POST)) if m.task == "det" else m
                      for m in card.models]
    write_card(card)
    return root


def test_a_det_scan_of_a_zoo_entry_scores_with_its_cards_db_settings(tmp_path, tiny_zoo,
                                                                     tiny_set, monkeypatch):
    from ppocr_bench.slim import metric
    from ppocr_bench.slim.run import source_post

    root = _zoo_with_post(tiny_zoo, tmp_path)
    assert source_post(root, task="det") == POST
    assert source_post(tiny_zoo.root, task="det") is None  # no [model.post]: the profile's
    assert source_post(root, task="cls") is None
    seen = []

    def fake_validate(model, labels, device, post=None, **kw):
        seen.append(post)
        return {"hmean": 0.5}

    monkeypatch.setattr(metric, "validate_det", fake_validate)
    model, sha = load_source(root, task="det")
    out = tmp_path / "det.safetensors"
    scan = dict(data=tiny_set, max_loss=0.02, layers=["backbone.stem.0"], source_sha256=sha)
    run_prune(model, out, post=POST, **scan)
    assert len(seen) == 10 and all(p == POST for p in seen)  # baseline and 9 ratios
    table = tmp_path / "det.sensitivity.json"
    assert json.loads(table.read_text())["post"] == POST
    run_prune(model, out, post=POST, **scan)  # the same settings: the table is reused
    assert len(seen) == 10
    run_prune(model, out, post={**POST, "box_thresh": 0.6}, **scan)  # other ones: measured again
    assert len(seen) == 20 and seen[-1]["box_thresh"] == 0.6
