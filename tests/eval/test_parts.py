"""eval.parts: an eval set folder's label files, image kinds, counts and language."""

from __future__ import annotations

import json

import pytest

from ppocr_bench.data.labels import read_rec_labels
from ppocr_bench.errors import PpocrError
from ppocr_bench.eval.parts import count_parts, data_parts, eval_parts, image_kinds, set_lang


def test_data_parts_and_eval_parts(tiny_set, tmp_path):
    assert set(data_parts(tiny_set)) == {"det", "cls", "rec"} and data_parts(tmp_path) == {}
    assert eval_parts(tiny_set, "en") == (tiny_set, data_parts(tiny_set))
    with pytest.raises(PpocrError, match="not an eval set"):
        eval_parts(tmp_path, "en")


def test_counts_of_the_parts(tiny_set):
    lines = read_rec_labels(tiny_set / "rec" / "rec_gt.txt").values()
    counts = count_parts(data_parts(tiny_set), set("abc"))
    assert counts["det_images"] == 2 and counts["rec_crops"] == len(lines)
    assert counts["rec_lines_outside_charset"] == sum(not set(t) <= set("abc ") for t in lines)
    assert "rec_lines_outside_charset" not in count_parts(data_parts(tiny_set), None)


def test_image_kinds_come_from_the_synth_parts(tiny_set):
    kinds = image_kinds(tiny_set)
    assert sorted(kinds.values()) == ["document", "scene"]
    assert all((tiny_set / "det" / path).is_file() for path in kinds)


def test_set_lang_reads_the_manifest(tiny_set, tmp_path):
    assert set_lang(tiny_set) == "en"
    assert set_lang(tmp_path) is None
    (tmp_path / "manifest.json").write_text(json.dumps({"spec": {}}), encoding="utf-8")
    assert set_lang(tmp_path) is None
