"""report.write_report / read_report / rich_table on hand-made results."""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path

import pytest
from rich.console import Console

from ppocr_bench.eval.report import (SCREEN_ACCURACY, SCREEN_COST, cell, entry_name, markdown,
                                     read_report, rich_tables, write_report)


def _model(**scores) -> dict:
    return {**scores, "params": 1000, "size_mb": 2.5, "latency_ms_p50": 10.0,
            "latency_ms_p90": 12.5}


RESULT = {
    "det": _model(precision=0.8, recall=0.6, hmean=0.6857, hmean_document=0.9),
    "cls": _model(acc=0.9),
    "rec": _model(acc=0.5, norm_edit_dis=0.75),
    "system": {"hmean": 0.4, "ms_per_image": 321.0, "size_mb": 7.5},
    "meta": {"zoo": "mobile", "backend": "torch", "lang": "en", "threads": 1,
             "machine": {"cpu": "Test CPU", "cores": 2}, "skipped": [],
             "command": "ppocr-bench eval zoo/mobile --lang en"},
}


def _second() -> dict:
    other = copy.deepcopy(RESULT)
    del other["det"], other["system"]
    other["meta"].update(zoo="server", skipped=["det: no model"])
    return other


def test_single_entry_report(tmp_path: Path):
    paths = write_report([RESULT], tmp_path / "out")
    assert [p.name for p in paths] == ["report.json", "report.md", "accuracy_vs_size.png",
                                       "accuracy_vs_latency.png"]
    assert json.loads(paths[0].read_text(encoding="utf-8")) == RESULT  # the dict as it is
    assert read_report(paths[0]) == [RESULT]
    for png in paths[2:]:
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 5000


def test_several_entries_report(tmp_path: Path):
    results = [RESULT, _second()]
    paths = write_report(results, tmp_path)
    data = json.loads(paths[0].read_text(encoding="utf-8"))
    assert list(data) == ["entries"] and data["entries"] == results
    assert read_report(paths[0]) == results


def test_markdown_table_rows_and_missing_cells():
    text = markdown([RESULT, _second()])
    rows = [line for line in text.splitlines() if line.startswith("| mobile/")
            or line.startswith("| server/")]
    assert len(rows) == 2
    mobile = [c.strip() for c in rows[0].strip("|").split("|")]
    assert mobile[:8] == ["mobile/torch", "en", "0.686", "0.900", "-", "0.900", "0.500", "0.750"]
    assert mobile[8] == "0.400"  # e2e; "-" above: no scene images in this result
    assert "10.0 / 12.5" in mobile and "321.0" in mobile and "7.50" in mobile
    server = [c.strip() for c in rows[1].strip("|").split("|")]
    assert server[2] == "-" and server[8] == "-"  # no det, no system
    assert "- skipped: det: no model" in text and "Test CPU" in text


def _screen(results: list[dict], width: int) -> str:
    console = Console(width=width, record=True, file=io.StringIO())
    for table in rich_tables(results):
        console.print(table)
    return console.export_text()


def _wide() -> dict:
    """A peer with a long name and the widest figures a real run gives."""
    wide = copy.deepcopy(RESULT)
    wide["meta"].update(zoo="rapidocr:ppocrv3-en", backend="onnxruntime")
    wide["det"].update(latency_ms_p50=1224.51, size_mb=12.345)
    wide["rec"].update(latency_ms_p50=115.73, size_mb=10.72)
    wide["system"].update(ms_per_image=12317.4, size_mb=123.45)
    return wide


@pytest.mark.parametrize("width", [80, 200])
def test_screen_tables_show_every_figure_whole(width: int):
    results = [RESULT, _second(), _wide()]
    out = _screen(results, width)
    assert "…" not in out and max(len(line) for line in out.splitlines()) <= width
    rows = [line.split() for line in out.splitlines()]
    for result in results:
        figures = [cell(result, t, k, f) for columns in (SCREEN_ACCURACY, SCREEN_COST)
                   for _, t, k, f in columns]
        found = [row for row in rows if row[:1] and entry_name(result).startswith(row[0])]
        assert len(found) == 2, (entry_name(result), out)  # one row in each table
        assert found[0][2:] + found[1][2:] == figures, out


def test_screen_tables_have_one_row_per_result():
    accuracy, cost = rich_tables([RESULT, _second()])
    assert accuracy.row_count == cost.row_count == 2
    out = _screen([RESULT, _second()], 80)
    assert "mobile/torch" in out and "server/torch" in out and "0.686" in out


def test_empty_results_are_an_error(tmp_path: Path):
    with pytest.raises(ValueError):
        write_report([], tmp_path)


def test_many_results_get_a_legend_and_every_language_in_the_title(tmp_path: Path,
                                                                   monkeypatch):
    from matplotlib.figure import Figure

    results = []
    for lang in ("zh", "en", "fr", "de", "ja", "ko"):
        result = copy.deepcopy(RESULT)
        result["meta"]["lang"] = lang
        results.append(result)
    seen = {}
    original = Figure.savefig

    def spy(self, *args, **kwargs):
        seen["title"] = self._suptitle.get_text()
        seen["legend"] = [t.get_text() for t in self.legends[0].get_texts()]
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", spy)
    write_report(results, tmp_path)
    assert "zh, en, fr, de, ja, ko" in seen["title"]
    assert seen["legend"] == [f"mobile/torch {lang}" for lang in
                              ("zh", "en", "fr", "de", "ja", "ko")]
