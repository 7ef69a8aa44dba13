"""`langs`, `fonts` and `zoo list` read whole in 80 columns when piped: no cell cut with "…"."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from ppocr_bench.text.langs import LANGS


def piped_80(*args) -> list[str]:
    """The command's stdout lines as `COLUMNS=80 ppocr-bench ARGS | cat` gives them."""
    proc = subprocess.run([sys.executable, "-m", "ppocr_bench", *map(str, args)],
                          capture_output=True, text=True, env={**os.environ, "COLUMNS": "80"})
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines and max(len(line) for line in lines) <= 80
    assert "…" not in proc.stdout and "..." not in proc.stdout
    return lines


def _line_with(lines: list[str], *cells: str) -> str:
    """The first line holding each of ``cells`` whole (bounded by spaces), in this order."""
    cells = tuple(cell for cell in cells if cell)
    pattern = re.compile(r"(^| )" + r" (.* )?".join(map(re.escape, cells)) + r"( |$)")
    found = [line for line in lines if pattern.search(" ".join(line.split()))]
    assert found, (cells, lines)
    return found[0]


def test_langs():
    from ppocr_bench.text.fonts import language_rows

    lines = piped_80("langs")
    for row in language_rows():
        figures = [str(row["charset"]), str(row["fonts"]), f"{row['min cov']:.3f}",
                   f"{row['mean cov']:.3f}", str(row["uncovered"])]
        assert _line_with(lines, row["code"]).split()[-5:] == figures
        _line_with(lines, row["code"], row["name"].split()[0], row["script"])
        _line_with(lines, row["code"], row["families"])


def test_fonts_of_matplotlibs_folder():
    from ppocr_bench.text.font_files import pypi_font_dirs
    from ppocr_bench.text.fonts import coverage_rows

    folder = next(d for d in pypi_font_dirs() if d.parts[-3:] == ("mpl-data", "fonts", "ttf"))
    rows = coverage_rows([folder])
    lines = piped_80("fonts", "--font-dir", folder)
    assert len(rows) >= 2
    for row in rows:
        _line_with(lines, row["family"].split()[0])
        _line_with(lines, *(f"{row[code]:.3f}" for code in LANGS), row["usable"])
        _line_with(lines, f"{row['source']} ({row['license']})")


def test_zoo_list_with_long_names_and_missing_weights(tmp_path: Path):
    from ppocr_bench.zoo.card import ZooCard, ZooModel, write_card

    root = tmp_path / "an-entry-with-a-rather-long-name"
    root.mkdir()
    (root / "ch_ppocr_mobile_v2.0_cls.safetensors").write_bytes(b"x")
    models = [ZooModel("cls", "cls_mv3", "ch_ppocr_mobile_v2.0_cls.safetensors", "0" * 64),
              ZooModel("rec", "rec_lcnetv3_svtr", "ch_PP-OCRv4_rec_server.safetensors",
                       "0" * 64, langs=list(LANGS))]
    write_card(ZooCard(root, root.name, "test", "ppocr-bench zoo import something-long", models))
    lines = piped_80("zoo", "list", "--zoo-dir", tmp_path)
    _line_with(lines, "zoo entry", root.name)
    _line_with(lines, "cls", "cls_mv3", models[0].weights, "bad")  # not safetensors
    rec = _line_with(lines, "rec", "zh", "rec_lcnetv3_svtr", models[1].weights, "missing")
    block = lines[lines.index(rec):lines.index(rec) + len(LANGS)]  # langs wrap at spaces
    assert [word for line in block for word in line.split() if word in LANGS] == list(LANGS)
    _line_with(lines, "missing weights: ppocr-bench zoo import something-long")
