"""Damaged synth folders are repaired on resume, merges check their shards before writing, and
the numeric options and the trdg engine are checked before anything is written."""

import os
import shutil
from pathlib import Path

import pytest
from cli_run import cli, one_line_error, warning_lines

from ppocr_bench.errors import PpocrError, PpocrWarning
from ppocr_bench.synth.merge import merge_shards
from ppocr_bench.synth.pipeline import SynthSpec, run_synth

SPEC = SynthSpec(lang="en", count=6, seed=3)  # the synth_run("en", count=6) reference
ARGS = ["synth", "--lang", "en", "--count", "6", "--seed", "3"]


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


def sample_stamps(root: Path, but: int) -> dict[str, int]:
    """Modification times of every sample file (images, crops, parts) except sample ``but``'s."""
    return {str(p.relative_to(root)): p.stat().st_mtime_ns
            for sub in ("det/images", "rec/images", "cls/images", "parts")
            for p in (root / sub).iterdir() if not p.name.startswith(f"{but:06d}")}


@pytest.fixture
def copy(synth_run, tmp_path) -> Path:
    out = tmp_path / "out"
    shutil.copytree(synth_run("en", count=6), out)
    return out


DAMAGE = {
    "garbage record": ("parts/000002.json", lambda p: p.write_text('{"index": 2, "det": [')),
    "empty record": ("parts/000002.json", lambda p: p.write_bytes(b"")),
    "another sample's record": ("parts/000002.json",
                                lambda p: p.write_bytes(p.with_name("000001.json").read_bytes())),
    "deleted image": ("det/images/000002.jpg", Path.unlink),
    "deleted crop": ("rec/images/000002_01.jpg", Path.unlink),
}


@pytest.mark.parametrize("case", DAMAGE)
def test_resume_renders_a_damaged_sample_again_and_nothing_else(copy, synth_run, case):
    rel, damage = DAMAGE[case]
    stamps = sample_stamps(copy, but=2)
    damage(copy / rel)
    with pytest.warns(PpocrWarning, match=rf"^{copy / rel}: .*rendering sample 2 again$"):
        result = run_synth(SPEC, copy)
    assert result.complete and result.rendered == 1 and result.skipped == 5
    assert tree_bytes(copy) == tree_bytes(synth_run("en", count=6))
    assert sample_stamps(copy, but=2) == stamps


def test_resume_from_the_command_line_warns_in_one_line(copy, synth_run):
    (copy / "parts" / "000004.json").write_text("not json")
    lines = warning_lines(cli(*ARGS, "--out", copy))
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"warning: {copy / 'parts' / '000004.json'}: unreadable part "
                               "record (JSONDecodeError: ")
    assert lines[0].endswith(": rendering sample 4 again")
    assert tree_bytes(copy) == tree_bytes(synth_run("en", count=6))


@pytest.mark.parametrize("args, needle", [
    (["--workers", "-3"], "--workers must be a positive number of processes, got -3"),
    (["--workers", "0"], "--workers must be a positive number of processes, got 0"),
    (["--seed", "-1"], "--seed must be 0 or more, got -1"),
    (["--shard", "2/2"], "--shard 2/2: K and N must satisfy 0 <= K < N"),
    (["--shard", "1/0"], "--shard 1/0: K and N must satisfy 0 <= K < N"),
    (["--shard", "1/2/3"], "--shard must look like K/N"),
])
def test_numeric_options_are_refused_before_writing(tmp_path, args, needle):
    out = tmp_path / "out"
    one_line_error(cli("synth", "--lang", "en", "--count", "1", "--out", out, *args), needle)
    assert not out.exists()


def test_trdg_engine_without_trdg_writes_nothing(tmp_path):
    fake = tmp_path / "site" / "trdg"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text('raise ImportError("No module named \'trdg\'")\n')
    env = {"PYTHONPATH": os.pathsep.join([str(fake.parent), os.environ.get("PYTHONPATH", "")])}
    out = tmp_path / "out"
    proc = cli("synth", "--lang", "en", "--count", "1", "--engine", "trdg", "--out", out, env=env)
    one_line_error(proc, "--engine trdg needs trdg (No module named 'trdg'): pip install")
    assert not out.exists()
    proc = cli("synth", "--lang", "en", "--count", "1", "--out", out, env=env)
    assert proc.returncode == 0 and (out / "det" / "label.txt").exists(), proc.stderr


# ---------------------------------------------------------------- merge
@pytest.fixture(scope="module")
def shards(tmp_path_factory) -> list[Path]:
    root = tmp_path_factory.mktemp("shards")
    for k in range(2):
        assert not run_synth(SPEC, root / f"s{k}", shard=(k, 2)).complete
    return [root / "s0", root / "s1"]


@pytest.fixture
def shard_copies(shards, tmp_path) -> list[Path]:
    return [Path(shutil.copytree(s, tmp_path / s.name)) for s in shards]


def test_merge_missing_a_shard_writes_nothing(shard_copies, tmp_path):
    out = tmp_path / "merged"
    one_line_error(cli("merge", out, shard_copies[0]),
                   f"{out}: 3 of 6 samples are in none of the shards (first missing: 1); "
                   "nothing was written")
    assert not out.exists()


def test_merge_names_a_damaged_shard_sample_and_writes_nothing(shard_copies, tmp_path):
    out = tmp_path / "merged"
    bad = shard_copies[1] / "parts" / "000003.json"
    bad.write_text("{")
    with pytest.warns(PpocrWarning, match=rf"^{bad}: unreadable part record .*: sample 3 not "
                                          rf"taken from {shard_copies[1]}$"):
        with pytest.raises(PpocrError, match="1 of 6 samples are in none of the shards "
                                             r"\(first missing: 3\)"):
            merge_shards(out, shard_copies)
    assert not out.exists()


def test_merge_takes_a_sample_from_the_shard_that_holds_it_intact(shard_copies, tmp_path,
                                                                  synth_run):
    (shard_copies[1] / "rec" / "images" / "000003_00.jpg").unlink()
    spare = tmp_path / "spare"
    run_synth(SPEC, spare, shard=(1, 2))
    with pytest.warns(PpocrWarning, match="000003_00.jpg: missing, though"):
        result = merge_shards(tmp_path / "merged", [*shard_copies, spare])
    assert result.complete
    assert tree_bytes(tmp_path / "merged") == tree_bytes(synth_run("en", count=6))


def test_an_interrupted_merge_is_finished_by_running_it_again(shard_copies, tmp_path,
                                                              synth_run):
    out = tmp_path / "merged"
    merge_shards(out, shard_copies)
    for rel in ("parts/000004.json", "rec/images/000004_00.jpg", "det/label.txt"):
        (out / rel).unlink()  # what a merge killed mid-copy leaves
    stamps = sample_stamps(out, but=4)
    assert merge_shards(out, shard_copies).rendered == 1
    assert tree_bytes(out) == tree_bytes(synth_run("en", count=6))
    assert sample_stamps(out, but=4) == stamps
