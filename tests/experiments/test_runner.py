"""The experiment runner: plans, resumes after a kill, skips finished runs, refuses mixed
options, reports mean and spread over seeds."""

import dataclasses
import json
import signal
import subprocess
import sys
import time

import pytest

from ppocr_bench.errors import PpocrError
from ppocr_bench.experiments import EvalSet, Row, collect, execute, markdown, plan, status
from ppocr_bench.experiments import write_report
from ppocr_bench.experiments.runner import prepare_folders, time_runs
from ppocr_bench.experiments.tables import SMOKE, TABLES
from cli_run import cli, one_line_error

STEPS = 10


def tiny_table(eval_dir, rows=None):
    """SMOKE's tiny recogniser, scored on ``eval_dir``; two rows, two seeds."""
    part = dataclasses.replace(SMOKE.parts[0], evals=(EvalSet("tiny", "en", str(eval_dir)),),
                               rows=rows or SMOKE.parts[0].rows)
    return dataclasses.replace(SMOKE, parts=(part,), budget=STEPS)


SCRIPT = """
import dataclasses, sys
from pathlib import Path
from ppocr_bench.experiments import EvalSet, execute, plan
from ppocr_bench.experiments.tables import SMOKE
part = dataclasses.replace(SMOKE.parts[0], evals=(EvalSet("tiny", "en", sys.argv[1]),))
table = dataclasses.replace(SMOKE, parts=(part,), budget=int(sys.argv[3]))
for run in plan(table, Path(sys.argv[2])):
    execute(run)
"""


def test_a_killed_table_resumes_and_skips_finished_runs(tmp_path, tiny_set):
    out = tmp_path / "runs"
    script = tmp_path / "run_table.py"
    script.write_text(SCRIPT)
    proc = subprocess.Popen([sys.executable, str(script), str(tiny_set), str(out), str(STEPS)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 600
    while time.time() < deadline and proc.poll() is None:
        if len(list(out.rglob("scores.json"))) >= 1 and len(list(out.rglob("ckpt/*"))) > 0:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    runs = plan(tiny_table(tiny_set), out)
    before = {run.label: status(run) for run in runs}
    assert list(before.values()).count("done") >= 1, before
    assert "new" in before.values() or "partial" in before.values(), before
    done_scores = {run.label: (run.folder / "scores.json").read_bytes()
                   for run in runs if before[run.label] == "done"}
    phases: dict[str, list[str]] = {}
    for run in runs:
        execute(run, on_phase=lambda name, run=run: phases.setdefault(run.label, []).append(name))
    assert all(status(run) == "done" for run in runs)
    # finished runs were neither trained nor scored again, the others were
    assert set(phases) == {label for label, state in before.items() if state != "done"}
    for label, data in done_scores.items():
        assert (out.joinpath(*label.split("/")) / "scores.json").read_bytes() == data
    for run in runs:
        record = json.loads((run.folder / "scores.json").read_text())
        assert record["options"]["steps"] == STEPS and record["options"]["seed"] == run.seed
        assert set(record["scores"]["tiny"]) == {"acc", "norm_edit_dis", "n"}
        assert record["size"]["fp32_mb"] > 0 and "int8_mb" not in record["size"]
        assert record["scores"]["tiny"]["n"] > 0


def test_changed_options_are_refused_not_mixed(tmp_path, tiny_set):
    table = tiny_table(tiny_set)
    run = plan(table, tmp_path, budget=1, seeds=1, rows=["base"])[0]
    execute(run)
    changed = tiny_table(tiny_set, rows=(Row("base", {"lr": 0.01}), SMOKE.parts[0].rows[1]))
    again = plan(changed, tmp_path, budget=1, seeds=1, rows=["base"])[0]
    with pytest.raises(PpocrError, match="other options"):
        status(again)


def test_plan_names_seeds_and_refuses_bad_arguments(tmp_path):
    runs = plan(SMOKE, tmp_path, budget=3, seeds=3)
    assert [r.seed for r in runs] == [1, 2, 3, 1, 2, 3]
    assert runs[0].folder == tmp_path / "rec-tiny" / "base" / "seed-1"
    assert runs[0].config().steps == 3 and runs[0].config().ckpt_every == 1
    with pytest.raises(PpocrError, match="positive"):
        plan(SMOKE, tmp_path, budget=0)
    with pytest.raises(PpocrError, match="no such row"):
        plan(SMOKE, tmp_path, rows=["nope"])
    with pytest.raises(PpocrError, match="no part"):
        plan(SMOKE, tmp_path, parts=["nope"])
    det = TABLES["synth-realism"].part("det")
    assert det.steps(300) == 100 and "no-crops" not in [r.name for r in det.rows]


def test_report_mean_spread_and_delta(tmp_path):
    table = SMOKE
    runs = plan(table, tmp_path, budget=2, seeds=2)
    values = {("base", 1): 0.50, ("base", 2): 0.60, ("no-crops", 1): 0.10, ("no-crops", 2): 0.12}
    for run in runs:
        run.folder.mkdir(parents=True)
        acc = values[(run.row.name, run.seed)]
        record = {"options": run.options(), "train_seconds": 60.0, "samples_seen": 8,
                  "scores": {"synth-smoke": {"acc": acc, "norm_edit_dis": acc, "n": 8.0}}}
        (run.folder / "scores.json").write_text(json.dumps(record))
    result = collect(table, runs)
    rows = result["parts"]["rec-tiny"]["rows"]
    assert rows["base"]["scores"]["synth-smoke"]["acc"]["mean"] == pytest.approx(0.55)
    assert rows["base"]["scores"]["synth-smoke"]["acc"]["sd"] == pytest.approx(0.0707, abs=1e-4)
    delta = rows["no-crops"]["delta"]["synth-smoke"]["acc"]
    assert delta["delta"] == pytest.approx(-0.44) and delta["beyond_spread"]
    text = markdown(result, "ppocr-bench reproduce smoke")
    assert "0.550 ± 0.071" in text and "(-0.440 *)" in text and "reproduce smoke" in text
    paths = write_report(table, runs, tmp_path, "cmd")
    assert all(p.exists() and p.stat().st_size > 0 for p in paths)


def test_folder_rows_render_synth_folders_first(tmp_path):
    legacy = {"data": "synth-folder:en", "realism": "legacy"}
    part = dataclasses.replace(SMOKE.parts[0], rows=(
        Row("folder", legacy), Row("other-lr", {**legacy, "lr": 1e-4}),
        Row("sized", {**legacy, "folder_pages": 7})), reference="")
    table = dataclasses.replace(SMOKE, parts=(part,))
    run, other, sized = plan(table, tmp_path / "runs", budget=1, seeds=1)
    # rows that render the same folders share them; a fixed size is its own data
    assert run.folder_pages() == 2 and sized.folder_pages() == 7
    assert other.data_dir == run.data_dir == tmp_path / "runs" / "_data" / "en-legacy-2p"
    assert sized.data_dir.name == "en-legacy-7p"
    assert "folder_pages" not in sized.config().to_dict()
    assert sized.options()["folder_pages"] == 7  # but scores.json records it
    labels = prepare_folders(run)
    assert labels == tmp_path / "runs" / "_data" / "en-legacy-2p" / "rec_gt.txt"
    lines = labels.read_text(encoding="utf-8").splitlines()
    assert lines and all(line.startswith("en/rec/") for line in lines)
    assert all((labels.parent / line.split("\t")[0]).exists() for line in lines)
    manifest = json.loads((labels.parent / "en" / "manifest.json").read_text())
    assert "realism" not in manifest["spec"]  # legacy: as folders were made before realism
    assert run.config().data == str(labels)


def test_cli_lists_tables_and_reports_without_training(tmp_path):
    listed = cli("reproduce", "list")
    assert listed.returncode == 0 and "synth-realism" in listed.stdout and "smoke" in listed.stdout
    assert all(name in listed.stdout for name in ("paper-det", "paper-cls", "paper-rec"))
    one_line_error(cli("reproduce", "nope"), "unknown table 'nope'")
    one_line_error(cli("reproduce", "smoke", "--budget", "0"), "--budget and --seeds")
    report = cli("reproduce", "smoke", "--out", tmp_path, "--report-only")
    assert report.returncode == 0, report.stderr
    assert (tmp_path / "smoke.md").exists() and (tmp_path / "smoke.png").exists()


def test_timing_pass_writes_cpu_ms_and_the_report_shows_it(tmp_path, tiny_set):
    table = tiny_table(tiny_set, rows=(Row("base"),))
    runs = plan(table, tmp_path / "runs", budget=2, seeds=1)
    execute(runs[0])
    assert not (runs[0].folder / "latency.json").exists()  # scoring alone times nothing
    assert "CPU ms" not in markdown(collect(table, runs))
    records = time_runs(runs, repeats=3, rounds=2)
    timed = json.loads((runs[0].folder / "latency.json").read_text())
    assert records == [timed]
    assert timed["input"] == [3, 32, 64] and timed["threads"] == 1 and timed["repeats"] == 3
    assert 0 < timed["cpu_ms"] <= timed["cpu_ms_p90"]
    assert timed["cpu_ms"] == min(timed["round_medians_ms"]) and len(timed["round_medians_ms"]) == 2
    result = collect(table, runs)
    assert result["parts"]["rec-tiny"]["rows"]["base"]["size"]["cpu_ms"] == timed["cpu_ms"]
    assert result["timing"]["threads"] == 1 and result["timing"]["cpu"] == timed["cpu"]
    text = markdown(result)
    assert "CPU ms (ours)" in text and f"{timed['cpu_ms']:.2f}" in text
