"""`ppocr-bench ocr --profile rapidocr` on an imported official entry reads what RapidOCR's own
pipeline reads with the same weights: the same lines with the same texts, the same boxes.

Needs the official wheels and rapidocr-onnxruntime; skipped with the reason otherwise.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest
from wheel_fixtures import need_wheels

from ppocr_bench.zoo.importers.official import import_entry
from ppocr_bench.data.images import read_image


@pytest.fixture(scope="module")
def official_zoo(tmp_path_factory):
    pytest.importorskip("rapidocr_onnxruntime",
                        reason="pip install --no-deps rapidocr-onnxruntime==1.4.4 six pyyaml")
    need_wheels()
    root = tmp_path_factory.mktemp("official")
    return {name: import_entry(name, root, verify=False) for name in ("ppocrv3-en", "ppocrv4-ch")}


@pytest.mark.parametrize(("entry", "lang"), [("ppocrv3-en", "en"), ("ppocrv4-ch", "zh")])
def test_ocr_with_the_rapidocr_profile_reads_what_rapidocr_reads(official_zoo, tiny_set,
                                                                   entry, lang):
    from ppocr_bench.eval.peers.rapidocr import RapidOcrSystem

    images = sorted((tiny_set / "det" / "images").iterdir())
    assert images
    proc = subprocess.run(
        [sys.executable, "-m", "ppocr_bench", "ocr", *map(str, images), "--zoo",
         str(official_zoo[entry].root), "--lang", lang, "--profile", "rapidocr", "--json"],
        capture_output=True, text=True, env={**os.environ, "COLUMNS": "200"})
    assert proc.returncode == 0, proc.stderr
    ours = json.loads(proc.stdout)
    rapid = RapidOcrSystem(lang, zoo_entry=entry)
    total = 0
    for record, path in zip(ours, images, strict=True):
        theirs = rapid.page(read_image(path)).lines
        mine = record["lines"]
        assert sorted(line["text"] for line in mine) == sorted(line.text for line in theirs)
        # Same boxes too (integer corners on both sides), matched in reading order.
        assert len(mine) == len(theirs)
        a = np.array([line["points"] for line in mine], np.float32).reshape(-1, 4, 2)
        b = np.array([line.points for line in theirs], np.float32).reshape(-1, 4, 2)
        a, b = a[np.lexsort((a[:, 0, 0], a[:, 0, 1]))], b[np.lexsort((b[:, 0, 0], b[:, 0, 1]))]
        assert np.abs(a - b).max(initial=0) <= 1.0
        total += len(mine)
    assert total >= 10  # the pages hold text and both systems found it
