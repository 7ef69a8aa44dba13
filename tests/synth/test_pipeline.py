"""The synth output folder: label files, polygons, charsets, determinism, resume, errors."""

import json
import os
import signal
import subprocess
import sys
import time
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
import pytest
from fontTools.ttLib import TTFont

from ppocr_bench.text.corpus import load_charset
from ppocr_bench.data.labels import read_cls_labels, read_det_labels, read_rec_labels
from ppocr_bench.synth.pipeline import Kind, SynthSpec, run_synth

LANGS = ["zh", "en", "fr", "de", "ja", "ko"]


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


@lru_cache(maxsize=None)
def cmap(path: str, face: int) -> frozenset[int]:
    return frozenset(TTFont(path, fontNumber=face, lazy=True).getBestCmap())


@pytest.mark.parametrize("lang", LANGS)
def test_labels_parse_and_agree(synth_run, lang):
    out = synth_run(lang)
    det = read_det_labels(out / "det" / "label.txt")
    rec = read_rec_labels(out / "rec" / "rec_gt.txt")
    cls = read_cls_labels(out / "cls" / "cls_gt.txt")
    meta = [json.loads(line) for line in (out / "rec" / "meta.jsonl").read_text().splitlines()]
    manifest = json.loads((out / "manifest.json").read_text())
    assert len(det) == 6 and manifest["complete"]
    n_inst = sum(len(v) for v in det.values())
    assert n_inst == len(rec) == len(cls) == len(meta) == manifest["counts"]["instances"] > 0
    assert set(cls.values()) == {0, 180}
    assert len(list((out / "det" / "icdar").glob("gt_*.txt"))) == 6
    for path in [*det, *rec, *cls]:
        assert not Path(path).is_absolute()
    for path in det:
        assert (out / "det" / path).is_file()
    for path in rec:
        assert (out / "rec" / path).is_file() and (out / "cls" / path).is_file()


@pytest.mark.parametrize("lang", LANGS)
def test_polygons_inside_image_and_cover_ink(synth_run, lang):
    out = synth_run(lang)
    for path, instances in read_det_labels(out / "det" / "label.txt").items():
        image = cv2.imread(str(out / "det" / path))
        h, w = image.shape[:2]
        for inst in instances:
            pts = np.asarray(inst["points"], dtype=np.float64)
            assert (pts[:, 0] >= 0).all() and (pts[:, 0] <= w).all(), path
            assert (pts[:, 1] >= 0).all() and (pts[:, 1] <= h).all(), path
    for path in read_rec_labels(out / "rec" / "rec_gt.txt"):
        gray = cv2.imread(str(out / "rec" / path), cv2.IMREAD_GRAYSCALE)
        # ink: the crop holds two clearly separated tones, a minority of them text
        _, mask = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
        fg = min((mask > 0).mean(), (mask == 0).mean())
        assert gray.std() > 12 and fg > 0.03, path


@pytest.mark.parametrize("lang", LANGS)
def test_label_chars_in_charset_and_font_cmap(synth_run, lang):
    out = synth_run(lang)
    charset = set(load_charset(lang)) | {" "}
    for line in (out / "rec" / "meta.jsonl").read_text(encoding="utf-8").splitlines():
        meta = json.loads(line)
        assert meta["lang"] == lang and meta["text"].strip() == meta["text"] != ""
        assert set(meta["text"]) <= charset, meta["text"]
        font_cmap = cmap(meta["font"], meta["face"])
        assert all(ord(c) in font_cmap for c in meta["text"] if c != " "), meta


def test_identical_across_workers(synth_run):
    one = tree_bytes(synth_run("ja", count=6, workers=1))
    two = tree_bytes(synth_run("ja", count=6, workers=2))
    assert one.keys() == two.keys() and one == two


def test_seed_changes_output(tmp_path, synth_run):
    run_synth(SynthSpec(lang="en", count=2, seed=4), tmp_path / "b")
    a = (synth_run("en") / "det" / "images" / "000000.jpg").read_bytes()
    assert a != (tmp_path / "b" / "det" / "images" / "000000.jpg").read_bytes()


def test_kind_and_vertical(synth_run):
    out = synth_run("zh", kind=Kind.document, count=6, vertical=True)
    meta = [json.loads(line) for line in (out / "rec" / "meta.jsonl").read_text().splitlines()]
    assert {m["kind"] for m in meta} == {"document"}
    assert any(m["vertical"] for m in meta) and not all(m["vertical"] for m in meta)


def test_resume_after_kill_loses_and_duplicates_nothing(tmp_path, synth_run):
    reference = tree_bytes(synth_run("en", count=6))
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "ppocr_bench", "synth", "--lang", "en", "--count", "6",
           "--seed", "3", "--out", str(out)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while len(list((out / "parts").glob("*.json"))) < 2 and time.time() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done = len(list((out / "parts").glob("*.json")))
    assert 2 <= done < 6, "the kill should land mid-run"
    assert not (out / "det" / "label.txt").exists()
    result = run_synth(SynthSpec(lang="en", count=6, seed=3), out)
    assert result.complete and result.rendered == 6 - done and result.skipped == done
    assert tree_bytes(out) == reference


def test_shards_merge_to_the_whole_run(tmp_path, synth_run):
    from ppocr_bench.synth.merge import merge_shards

    spec = SynthSpec(lang="en", count=6, seed=3)
    parts = []
    for k in range(2):
        res = run_synth(spec, tmp_path / f"s{k}", shard=(k, 2))
        assert not res.complete and res.rendered == 3
        parts.append(tmp_path / f"s{k}")
    merge_shards(tmp_path / "merged", parts)
    assert tree_bytes(tmp_path / "merged") == tree_bytes(synth_run("en", count=6))


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ppocr_bench", *args], capture_output=True,
                          text=True, env={**os.environ, "COLUMNS": "200"})


@pytest.fixture
def other_run(tmp_path):
    out = tmp_path / "other"
    run_synth(SynthSpec(lang="en", count=1, seed=9), out)
    return out


@pytest.fixture
def latin_font_dir(tmp_path):
    import matplotlib

    src = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
    (tmp_path / "fonts").mkdir()
    (tmp_path / "fonts" / "DejaVuSans.ttf").write_bytes(src.read_bytes())
    return tmp_path / "fonts"


@pytest.mark.parametrize("case, args, needle", [
    ("lang", ["--lang", "xx"], "unknown language 'xx': supported languages are zh, en, fr, de"),
    ("count", ["--count", "0"], "--count must be a positive"),
    ("count", ["--count", "-3"], "--count must be a positive"),
    ("unwritable", ["--out", "{file}/sub"], "cannot write here"),
    ("manifest", ["--out", "{other}", "--count", "2"], "belongs to another run"),
    ("fonts", ["--lang", "ja", "--font-dir", "{fonts}"], "no font covers the ja charset"),
    ("font-dir", ["--font-dir", "{file}.d"], "file.d: --font-dir does not exist"),
    ("font-dir", ["--font-dir", "{empty}"], "empty: --font-dir holds no font file"),
    ("font-dir", ["--font-dir", "{broken}"], "broken: none of its 1 font file(s) can be read"),
    ("kind", ["--kind", "poster"], "--kind must be one of scene, document, both"),
    ("vertical", ["--lang", "en", "--vertical"], "--vertical is only for"),
])
def test_errors_are_one_line(tmp_path, other_run, latin_font_dir, case, args, needle):
    (tmp_path / "file").write_text("x")
    (tmp_path / "empty").mkdir()
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "x.ttf").write_bytes(b"truncated")
    subs = {"file": str(tmp_path / "file"), "other": str(other_run), "fonts": str(latin_font_dir),
            "empty": str(tmp_path / "empty"), "broken": str(tmp_path / "broken")}
    args = [a.format(**subs) for a in args]
    if "--out" not in args:
        args += ["--out", str(tmp_path / "new")]
    proc = cli("synth", "--count", "1", *args) if "--count" not in args else cli("synth", *args)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert needle in lines[0]
    if case == "fonts":
        assert "missing" in lines[0]
