"""Label files: round trips and FILE:LINE errors on malformed lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ppocr_bench.data.labels import (
    format_det_line,
    format_icdar_lines,
    is_dont_care,
    read_cls_labels,
    read_det_labels,
    read_icdar_gt,
    read_rec_labels,
    write_cls_labels,
    write_det_labels,
    write_icdar_gt,
    write_rec_labels,
)
from ppocr_bench.errors import PpocrError

DET = {
    "images/img_1.jpg": [
        {"transcription": "北京 abc", "points": [[1, 2], [30, 2], [30, 20], [1, 20]]},
        {"transcription": "###", "points": [[1.5, 2.25], [3.0, 2], [3, 4]], "difficult": True},
    ],
    "images/img 2.jpg": [],
    "images/img_3.jpg": [
        {"transcription": "curved", "points": [[0, 0], [5, 1], [10, 0], [10, 5], [5, 6], [0, 5]]}
    ],
}
REC = {"a.jpg": "hello world", "b.jpg": "", "c.jpg": "tab\tinside", "d.jpg": " 北京 "}
CLS = {"a.jpg": 0, "b.jpg": 180}
ICDAR = [
    {"transcription": "Genaxis Theatre",
     "points": [[377, 117], [463, 117], [465, 130], [378, 130]]},
    {"transcription": "###", "points": [[1.5, 2], [3, 2], [3, 4], [1, 4]]},
    {"transcription": "a,b,c", "points": [[0, 0], [1, 0], [1, 1], [0, 1]]},
    {"transcription": "1,000", "points": [[0, 0], [1, 0], [1, 1], [0, 1]]},
    {"transcription": "2019", "points": [[0, 0], [5, 1], [10, 0], [10, 5], [5, 6], [0, 5]]},
]


@pytest.mark.parametrize(
    ("data", "write", "read"),
    [
        (DET, write_det_labels, read_det_labels),
        (REC, write_rec_labels, read_rec_labels),
        (CLS, write_cls_labels, read_cls_labels),
        (ICDAR, write_icdar_gt, read_icdar_gt),
    ],
)
def test_round_trip(tmp_path: Path, data, write, read) -> None:
    path = tmp_path / "label.txt"
    write(path, data)
    back = read(path)
    assert back == data
    assert list(back) == list(data)  # order kept
    # and the text is a fixed point
    text = path.read_text(encoding="utf-8")
    write(path, back)
    assert path.read_text(encoding="utf-8") == text


def test_det_line_is_paddleocr_json() -> None:
    line = format_det_line("x.jpg", [{"transcription": "é", "points": [[1, 2], [3, 4], [5, 7]]}])
    assert line == 'x.jpg\t[{"transcription": "é", "points": [[1, 2], [3, 4], [5, 7]]}]\n'
    assert json.loads(line.split("\t", 1)[1])[0]["transcription"] == "é"


def test_det_line_accepts_numpy_points() -> None:
    import numpy as np

    pts = np.array([[1.5, 2], [3, 4], [5, 7]], dtype=np.float64)
    line = format_det_line("x.jpg", [{"transcription": "a", "points": pts}])
    assert '"points": [[1.5, 2.0], [3.0, 4.0], [5.0, 7.0]]' in line


def test_icdar_lines_and_bom(tmp_path: Path) -> None:
    text = format_icdar_lines(ICDAR[:1])
    assert text == "377,117,463,117,465,130,378,130,Genaxis Theatre\n"
    p = tmp_path / "gt_img_1.txt"
    p.write_bytes("\ufeff".encode() + text.replace("\n", "\r\n").encode())
    assert read_icdar_gt(p) == ICDAR[:1]


@pytest.mark.parametrize(
    ("line", "num_points", "points", "text"),
    [
        ("1,2,3,4,5,6,7,8,a,b", None, 4, "a,b"),
        ("1,2,3,4,5,6,7,8,1,000", None, 4, "1,000"),
        ("1,2,3,4,5,6,7,8,9,10,11,12,x", None, 6, "x"),
        ("1,2,3,4,5,6,7,8,9,10,11,12,x", 4, 4, "9,10,11,12,x"),  # strict ICDAR2015
        ("1.5,2,3,4,5,6,7,8,", None, 4, ""),
    ],
)
def test_parse_icdar_line(line: str, num_points, points: int, text: str) -> None:
    from ppocr_bench.data.labels import parse_icdar_line

    inst = parse_icdar_line(line, num_points)
    assert len(inst["points"]) == points and inst["transcription"] == text
    assert inst["points"][0][0] == (1.5 if line.startswith("1.5") else 1)


def test_dont_care() -> None:
    assert is_dont_care("###") and is_dont_care("*") and not is_dont_care("# ##")


BAD_POINTS = 'x.jpg\t[{"transcription": "a", "points": '


@pytest.mark.parametrize(
    ("reader", "lines", "message"),
    [
        (read_det_labels, ["x.jpg no tab here"], "no tab"),
        (read_det_labels, ["x.jpg\t[{bad json"], "bad JSON"),
        (read_det_labels, ['x.jpg\t{"transcription": "a"}'], "not a JSON list"),
        (read_det_labels, [BAD_POINTS + "[[0, 0], [1, 1]]}]"], "need >= 3"),
        (read_det_labels, [BAD_POINTS + "[[0, 0, 1], [1, 1], [2, 2]]}]"], "[x, y]"),
        (read_det_labels, [BAD_POINTS + '[["0", 0], [1, 1], [2, 2]]}]'], "[x, y]"),
        (read_det_labels, [BAD_POINTS + "[[true, 0], [1, 1], [2, 2]]}]"], "[x, y]"),
        (read_det_labels, [BAD_POINTS + '"none"}]'], "[x, y]"),
        (read_det_labels, ['x.jpg\t[{"points": [[0, 0], [1, 1], [2, 0]]}]'], "transcription"),
        (read_rec_labels, ["\ttext"], "empty path"),
        (read_cls_labels, ["a.jpg\t90"], "not 0 or 180"),
        (read_cls_labels, ["a.jpg\t0", "b.jpg\t180", "a.jpg\t180"], "duplicate path 'a.jpg'"),
        (read_rec_labels, ["a.jpg\tx", "a.jpg\ty"], "first on line 3"),
        (read_icdar_gt, ["1,2,3,4,5,6,7,text"], "8 coordinates"),
        (read_icdar_gt, ["1,2,3,4,5,6,7,x,text"], "not a number"),
    ],
)
def test_malformed_lines_name_file_and_line(tmp_path: Path, reader, lines, message) -> None:
    path = tmp_path / "bad.txt"
    # a good first line, a blank line, then the bad lines: the error names the right line
    good = {read_det_labels: 'ok.jpg\t[]', read_rec_labels: "ok.jpg\tok",
            read_cls_labels: "ok.jpg\t0", read_icdar_gt: "0,0,1,0,1,1,0,1,ok"}[reader]
    path.write_text("\n".join([good, "", *lines]) + "\n", encoding="utf-8")
    with pytest.raises(PpocrError) as exc:
        reader(path)
    msg = str(exc.value)
    assert msg.startswith(f"{path}:{2 + len(lines)}: "), msg
    assert message in msg
    assert "\n" not in msg


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(PpocrError, match="not found"):
        read_rec_labels(tmp_path / "nope.txt")


@pytest.mark.parametrize(
    ("call"),
    [
        lambda: format_det_line("a\tb.jpg", []),
        lambda: format_det_line("a.jpg", [{"transcription": "x", "points": [[0, 0], [1, 1]]}]),
        lambda: write_cls_labels("/dev/null", {"a.jpg": 90}),
        lambda: write_rec_labels("/dev/null", {"a.jpg": "two\nlines"}),
        lambda: format_icdar_lines([{"transcription": "x", "points": [[0, 0], [1, 1], [2, 0]]}]),
    ],
)
def test_writers_reject_what_readers_could_not_read(call) -> None:
    with pytest.raises(PpocrError):
        call()


def test_the_task_names_have_one_home():
    from ppocr_bench.data.labels import LABEL_FILES, TASKS, Task
    from ppocr_bench.models import Task as ModelTask
    from ppocr_bench.models import create_model

    assert TASKS == ("det", "cls", "rec") == tuple(LABEL_FILES)
    assert ModelTask is Task and create_model("cls_mv3").task == Task.CLS == "cls"
