"""Label files in PaddleOCR and ICDAR2015 formats: parse, format, read, write.

Formats (one record a line, UTF-8, ``\\n`` line ends; blank lines are skipped on reading):

- det (PaddleOCR): ``path<TAB>[{"transcription": "...", "points": [[x, y], ...]}, ...]`` with the
  JSON written by ``json.dumps(..., ensure_ascii=False)``. ``points`` has >= 3 [x, y] pairs
  (4 for quads, 2k for curved text: top edge left to right, then bottom edge right to left).
  Extra keys of an instance (e.g. ``difficult``) are kept as they are.
- rec (PaddleOCR): ``path<TAB>text``; the text is everything after the first tab.
- cls (PaddleOCR): ``path<TAB>0`` or ``path<TAB>180``.
- ICDAR2015 gt (one file per image): ``x1,y1,x2,y2,x3,y3,x4,y4,transcription``; the
  transcription is everything after the eighth comma (it may contain commas); ``###`` marks a
  don't-care region. A UTF-8 BOM at the start of the file is accepted. Curved 2k-point polygons
  are written with all their coordinates (see :func:`parse_icdar_line` for reading them).

Readers return ``{path: value}`` in file order and raise :class:`PpocrError` with
``FILE:LINE: problem`` on a malformed line. Writers are the exact inverse of the readers.
"""

from __future__ import annotations

import json
import math
from enum import Enum
from pathlib import Path
from typing import Any

from ppocr_bench.errors import PpocrError


class Task(str, Enum):
    """The three tasks of the system, in data-flow order: text detection, direction
    classification (0 or 180 degrees), recognition."""

    DET = "det"
    CLS = "cls"
    REC = "rec"


#: The task names, in data-flow order: ("det", "cls", "rec").
TASKS: tuple[str, ...] = tuple(task.value for task in Task)

#: The label file of each task inside a dataset folder in the synth layout (TASKS order).
LABEL_FILES = {"det": "det/label.txt", "cls": "cls/cls_gt.txt", "rec": "rec/rec_gt.txt"}


def label_file(root: str | Path, task: str) -> Path:
    """The label file of ``task`` under a dataset folder (or ``root`` itself if it is a file)."""
    root = Path(root)
    path = root if root.is_file() else root / LABEL_FILES[task]
    if not path.is_file():
        raise PpocrError(f"{root}: no {task} labels ({LABEL_FILES[task]} missing)")
    return path


#: Transcriptions that mark a don't-care region (PaddleOCR ignores both).
DONT_CARE = ("###", "*")

DetInstance = dict[str, Any]
"""One det label instance: ``{"transcription": str, "points": [[x, y], ...], ...}``."""

CLS_LABELS = (0, 180)


class _LineError(ValueError):
    """A problem with one line; the reader adds FILE:LINE."""


def _is_number(v: object) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _check_instance(inst: object, where: str = "") -> DetInstance:
    if not isinstance(inst, dict):
        raise _LineError(f"{where}instance is not a JSON object")
    text = inst.get("transcription")
    if not isinstance(text, str):
        raise _LineError(f"{where}'transcription' missing or not a string")
    pts = inst.get("points")
    if not isinstance(pts, list) or not all(
        isinstance(p, (list, tuple)) and len(p) == 2 and all(_is_number(v) for v in p) for p in pts
    ):
        raise _LineError(f"{where}'points' is not a list of [x, y] number pairs")
    if len(pts) < 3:
        raise _LineError(f"{where}'points' has {len(pts)} points, need >= 3")
    return inst


def _split_path(line: str) -> tuple[str, str]:
    if "\t" not in line:
        raise _LineError("no tab between path and label")
    path, rest = line.split("\t", 1)
    if not path:
        raise _LineError("empty path")
    return path, rest


# ---------------------------------------------------------------- det
def parse_det_line(line: str) -> tuple[str, list[DetInstance]]:
    """Parse one det label line (no trailing newline needed) into (path, instances)."""
    path, rest = _split_path(line.rstrip("\r\n"))
    try:
        data = json.loads(rest)
    except json.JSONDecodeError as exc:
        raise _LineError(f"bad JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(data, list):
        raise _LineError("label is not a JSON list of instances")
    return path, [_check_instance(inst, f"instance {i}: ") for i, inst in enumerate(data)]


def format_det_line(path: str | Path, instances: list[DetInstance]) -> str:
    """One det label line, newline included. Points are written as given (int or float); a
    numpy array of points is converted with ``tolist()``."""
    path = _check_path(path)
    instances = [
        {**inst, "points": inst["points"].tolist()}
        if isinstance(inst, dict) and hasattr(inst.get("points"), "tolist") else inst
        for inst in instances
    ]
    for i, inst in enumerate(instances):
        try:
            _check_instance(inst, f"instance {i}: ")
        except _LineError as exc:
            raise PpocrError(f"{path}: {exc}") from None
    data = [{**inst, "points": [list(p) for p in inst["points"]]} for inst in instances]
    return f"{path}\t{json.dumps(data, ensure_ascii=False)}\n"


# ---------------------------------------------------------------- rec
def parse_rec_line(line: str) -> tuple[str, str]:
    """Parse ``path<TAB>text`` into (path, text); the text may be empty or contain tabs."""
    return _split_path(line.rstrip("\r\n"))


def format_rec_line(path: str | Path, text: str) -> str:
    """One rec label line, newline included."""
    path = _check_path(path)
    if "\n" in text or "\r" in text:
        raise PpocrError(f"{path}: recognition text contains a line break")
    return f"{path}\t{text}\n"


# ---------------------------------------------------------------- cls
def parse_cls_line(line: str) -> tuple[str, int]:
    """Parse ``path<TAB>0|180`` into (path, angle)."""
    path, rest = _split_path(line.rstrip("\r\n"))
    if rest.strip() not in ("0", "180"):
        raise _LineError(f"cls label {rest!r} is not 0 or 180")
    return path, int(rest)


def format_cls_line(path: str | Path, label: int) -> str:
    """One cls label line, newline included."""
    path = _check_path(path)
    if label not in CLS_LABELS or isinstance(label, bool):
        raise PpocrError(f"{path}: cls label {label!r} is not 0 or 180")
    return f"{path}\t{int(label)}\n"


def _check_path(path: str | Path) -> str:
    path = str(path)
    if not path or any(c in path for c in "\t\r\n"):
        raise PpocrError(f"label path {path!r} is empty or contains a tab or line break")
    return path


# ---------------------------------------------------------------- ICDAR2015
def _number(field: str) -> int | float | None:
    f = field.strip()
    try:
        return int(f)
    except ValueError:
        pass
    try:
        v = float(f)
    except ValueError:
        return None
    return v if math.isfinite(v) else None


def parse_icdar_line(line: str, num_points: int | None = None) -> DetInstance:
    """Parse ``x1,y1,...,xn,yn,text`` into ``{"transcription": text, "points": [[x, y] x n]}``.

    ``num_points=4`` is strict ICDAR2015 (8 coordinates, the rest is the transcription).
    ``None`` (default) also reads the polygon lines :func:`format_icdar_line` writes for
    curved text: the coordinates are the longest even run (>= 8) of leading numeric fields that
    leaves one field for the transcription. That is ambiguous only for a transcription made of
    two or more comma-separated numbers (``1,000,000``); pass ``num_points=4`` for such files.
    Coordinates are kept as ints when written as ints, floats otherwise.
    """
    fields = line.rstrip("\r\n").split(",")
    if num_points is None:
        n = 0
        while n < len(fields) - 1 and _number(fields[n]) is not None:
            n += 1
        n -= n % 2
        if n < 8:
            n = 8  # report the problem as for ICDAR2015 below
    else:
        n = 2 * num_points
    if len(fields) < n + 1:
        raise _LineError(f"expected {n} coordinates and a transcription, got {len(fields)} fields")
    coords = [_number(f) for f in fields[:n]]
    for f, v in zip(fields, coords):
        if v is None:
            raise _LineError(f"coordinate {f.strip()!r} is not a number")
    points = [[coords[i], coords[i + 1]] for i in range(0, n, 2)]
    return {"transcription": ",".join(fields[n:]), "points": points}


def format_icdar_line(instance: DetInstance) -> str:
    """One ICDAR2015 gt line, newline included.

    Four points give a standard ICDAR2015 line; more points (curved text) are all written, in
    order, which ICDAR2015-only tools cannot read but :func:`parse_icdar_line` can.
    """
    try:
        _check_instance(instance)
    except _LineError as exc:
        raise PpocrError(f"ICDAR instance: {exc}") from None
    pts = instance["points"]
    text = instance["transcription"]
    if len(pts) < 4 or len(pts) % 2:
        raise PpocrError(f"ICDAR instance {text!r}: has {len(pts)} points, need 4 or an even "
                         "number above 4")
    if "\n" in text or "\r" in text:
        raise PpocrError(f"ICDAR instance {text!r}: transcription contains a line break")
    return ",".join(str(v) for p in pts for v in p) + f",{text}\n"


def format_icdar_lines(instances: list[DetInstance]) -> str:
    """A whole ICDAR2015 gt file's text (one line per instance, newline-terminated)."""
    return "".join(format_icdar_line(inst) for inst in instances)


# ---------------------------------------------------------------- files
def _read_lines(path: Path) -> list[tuple[int, str]]:
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise PpocrError(f"{path}: label file not found") from None
    except UnicodeDecodeError as exc:
        raise PpocrError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})") from None
    return [(i, line) for i, line in enumerate(text.split("\n"), 1) if line.strip("\r")]


def _read_keyed(path: str | Path, parse: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    first_line: dict[str, int] = {}
    for lineno, line in _read_lines(Path(path)):
        try:
            key, value = parse(line)
        except _LineError as exc:
            raise PpocrError(f"{path}:{lineno}: {exc}") from None
        if key in out:
            raise PpocrError(
                f"{path}:{lineno}: duplicate path {key!r} (first on line {first_line[key]})"
            )
        out[key] = value
        first_line[key] = lineno
    return out


def read_det_labels(path: str | Path) -> dict[str, list[DetInstance]]:
    """Read a PaddleOCR det label file: image path -> instances, in file order."""
    return _read_keyed(path, parse_det_line)


def read_rec_labels(path: str | Path) -> dict[str, str]:
    """Read a PaddleOCR rec label file: image path -> text, in file order."""
    return _read_keyed(path, parse_rec_line)


def read_cls_labels(path: str | Path) -> dict[str, int]:
    """Read a PaddleOCR cls label file: image path -> 0 or 180, in file order."""
    return _read_keyed(path, parse_cls_line)


def read_icdar_gt(path: str | Path, num_points: int | None = None) -> list[DetInstance]:
    """Read one ICDAR2015 gt file (``gt_img_N.txt``): its instances, in file order.

    ``num_points``: see :func:`parse_icdar_line` (4 = strict ICDAR2015).
    """
    out = []
    for lineno, line in _read_lines(Path(path)):
        try:
            out.append(parse_icdar_line(line, num_points))
        except _LineError as exc:
            raise PpocrError(f"{path}:{lineno}: {exc}") from None
    return out


def _write(path: str | Path, text: str) -> None:
    Path(path).write_text(text, encoding="utf-8", newline="\n")


def write_det_labels(path: str | Path, labels: dict[str, list[DetInstance]]) -> None:
    """Write a det label file; the inverse of :func:`read_det_labels`."""
    _write(path, "".join(format_det_line(p, v) for p, v in labels.items()))


def write_rec_labels(path: str | Path, labels: dict[str, str]) -> None:
    """Write a rec label file; the inverse of :func:`read_rec_labels`."""
    _write(path, "".join(format_rec_line(p, v) for p, v in labels.items()))


def write_cls_labels(path: str | Path, labels: dict[str, int]) -> None:
    """Write a cls label file; the inverse of :func:`read_cls_labels`."""
    _write(path, "".join(format_cls_line(p, v) for p, v in labels.items()))


def write_icdar_gt(path: str | Path, instances: list[DetInstance]) -> None:
    """Write one ICDAR2015 gt file; the inverse of :func:`read_icdar_gt`."""
    _write(path, format_icdar_lines(instances))


def is_dont_care(transcription: str) -> bool:
    """True for the don't-care transcriptions ``###`` and ``*`` (PaddleOCR convention)."""
    return transcription in DONT_CARE
