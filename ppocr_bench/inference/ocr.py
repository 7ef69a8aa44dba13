"""Output of the ``ocr`` command: per-image JSON records and PaddleOCR-style drawings.

:func:`draw_ocr` follows PaddleOCR's ``draw_ocr_box_txt``: on the left the image with each box
filled half-transparent in its own colour, on the right a white panel of the same size with the
box outlines and their recognised text written inside them (vertical boxes one character per
row). Text is drawn with installed fonts (:func:`ppocr_bench.text.fonts.discover_fonts`), one face per
run of characters it covers; a character no font has is skipped.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw

from ppocr_bench.errors import PpocrError
from ppocr_bench.files import ensure_writable_file
from ppocr_bench.text.fonts import FontFace, discover_fonts
from ppocr_bench.synth.glyphs import load_font
from ppocr_bench.data.images import decode_image, read_image
from ppocr_bench.inference.system import OcrLine, OcrSystem

_REGULAR = ("regular", "book", "normal", "medium")


def line_record(line: OcrLine) -> dict:
    """JSON-ready dict of one line: points [[x, y] x 4] (2 decimals), text, score, det_score,
    angle."""
    return {
        "points": [[round(float(x), 2), round(float(y), 2)] for x, y in np.asarray(line.points)],
        "text": line.text,
        "score": round(float(line.score), 5),
        "det_score": round(float(line.det_score), 5),
        "angle": int(line.angle),
    }


def drawing_paths(images: list[Path], draw: Path) -> list[Path]:
    """Where ``--draw OUT.png`` puts each image's drawing: OUT.png itself for one image, else
    ``OUT-<image stem>.png`` (``-<stem>-2`` ... when stems repeat)."""
    draw = Path(draw)
    if len(images) == 1:
        return [draw]
    paths, used = [], set()
    for image in images:
        name, n = f"{draw.stem}-{Path(image).stem}", 1
        while name in used:
            n += 1
            name = f"{draw.stem}-{Path(image).stem}-{n}"
        used.add(name)
        paths.append(draw.with_name(name + draw.suffix))
    return paths


def check_drawing_path(path: Path) -> Path:
    """``path`` if a drawing can be written there (its folder writable, a suffix OpenCV can
    encode, or none for PNG); else PpocrError naming it."""
    if not cv2.haveImageWriter(path.suffix and str(path) or "drawing.png"):
        raise PpocrError(f"{path}: cannot write an image with suffix {path.suffix!r} "
                         "(use .png or .jpg)")
    return ensure_writable_file(path)


def check_ocr_inputs(images: list[Path], draw: Path | None = None) -> list[Path | None]:
    """Refuse bad input before any work, in one line: an image that is missing or does not
    decode (``ocr`` never skips an image: it stops before the first one is read by the
    models), or a ``draw`` path that cannot be written. Damage that still decodes is not
    refused: :func:`run_ocr` warns about it when it reads the image. Returns each image's
    drawing path (None without ``draw``)."""
    targets = drawing_paths(images, draw) if draw is not None else [None] * len(images)
    for target in targets:
        if target is not None:
            check_drawing_path(target)
    for path in images:
        decode_image(path)
    return targets


def run_ocr(images: list[Path], system: OcrSystem, draw: Path | None = None,
            font: FontFace | None = None) -> list[dict]:
    """Run ``system`` on each image file: ``[{"path": str, "lines": [line_record, ...]}]`` in
    input order, lines in reading order; with ``draw``, also write the drawings
    (:func:`drawing_paths`) and record each one's path under ``"drawing"``. Call
    :func:`check_ocr_inputs` first to refuse bad input before loading the models."""
    targets = drawing_paths(images, draw) if draw is not None else [None] * len(images)
    records = []
    for path, target in zip(images, targets):
        image = read_image(path)
        lines = system(image)
        record = {"path": str(path), "lines": [line_record(line) for line in lines]}
        if target is not None:
            record["drawing"] = str(draw_ocr(image, lines, target, font))
        records.append(record)
    return records


# ---------------------------------------------------------------- fonts
@lru_cache(maxsize=1)
def _installed_faces() -> tuple[FontFace, ...]:
    """Discovered faces, regular styles first, then the widest coverage."""
    faces = discover_fonts()
    return tuple(sorted(faces, key=lambda f: (f.style.lower() not in _REGULAR,
                                              -len(f.codepoints), f.family)))


def text_runs(text: str, faces: Sequence[FontFace]) -> list[tuple[str, FontFace]]:
    """Split ``text`` into (run, face) pairs: the first face covering the whole text when there
    is one, else per character the first face covering it; characters no face has are dropped."""
    whole = next((f for f in faces if f.covers(text)), None)
    if whole is not None:
        return [(text, whole)] if text else []
    runs: list[tuple[str, FontFace]] = []
    for ch in text:
        face = next((f for f in faces if ord(ch) in f.codepoints), None)
        if face is None:
            continue
        if runs and runs[-1][1] is face:
            runs[-1] = (runs[-1][0] + ch, face)
        else:
            runs.append((ch, face))
    return runs


# ---------------------------------------------------------------- drawing
def _draw_runs(draw: ImageDraw.ImageDraw, xy: tuple[float, float],
               runs: list[tuple[str, FontFace]], size: int) -> None:
    x, y = xy
    for run, face in runs:
        font = load_font(str(face.path), face.index, size)
        draw.text((x, y), run, fill=(0, 0, 0), font=font)
        x += font.getlength(run)


def _draw_text_in_box(draw: ImageDraw.ImageDraw, box: np.ndarray, text: str,
                      faces: tuple[FontFace, ...]) -> None:
    height = float(np.linalg.norm(box[0] - box[3]))
    width = float(np.linalg.norm(box[0] - box[1]))
    x, y = float(box[0][0]), float(box[0][1])
    if height > 2 * width and text:  # a vertical line: one character per row
        size = max(int(width * 0.9), 10)
        for ch in text:
            runs = text_runs(ch, faces)
            _draw_runs(draw, (x + 3, y), runs, size)
            y += size
        return
    size = max(int(height * 0.8), 10)
    runs = text_runs(text, faces)
    length = sum(load_font(str(f.path), f.index, size).getlength(r) for r, f in runs)
    if length > width > 0:  # shrink so the text fits its box
        size = max(int(size * width / length), 8)
    _draw_runs(draw, (x, y), runs, size)


def draw_ocr(image_bgr: np.ndarray, lines: list[OcrLine], path: Path,
             font: FontFace | None = None, seed: int = 0) -> Path:
    """Write a PNG (or any format cv2 knows by ``path``'s suffix) of ``image_bgr`` (H x W x 3
    uint8) with its boxes, beside a white panel holding their texts: 2W x H. ``font``: tried
    first for every line; installed fonts fill in the characters it lacks. Box colours come from
    ``seed``. ``path`` is checked (:func:`check_drawing_path`) before anything is drawn."""
    path = check_drawing_path(Path(path))
    image_bgr = np.asarray(image_bgr)
    h, w = image_bgr.shape[:2]
    rgb = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2RGB)
    left = Image.fromarray(rgb)
    overlay = left.copy()
    right = Image.new("RGB", (w, h), (255, 255, 255))
    draw_left, draw_right = ImageDraw.Draw(overlay), ImageDraw.Draw(right)
    faces = tuple(_installed_faces())
    if font is not None:
        faces = (font, *faces)
    rng = np.random.default_rng(seed)
    for line in lines:
        box = np.asarray(line.points, dtype=np.float32).reshape(-1, 2)
        color = tuple(int(c) for c in rng.integers(0, 256, 3))
        polygon = [(float(x), float(y)) for x, y in box]
        draw_left.polygon(polygon, fill=color)
        draw_right.polygon(polygon, outline=color, width=2)
        if len(box) == 4:
            _draw_text_in_box(draw_right, box, line.text, faces)
    left = Image.blend(left, overlay, 0.5)
    canvas = Image.new("RGB", (2 * w, h), (255, 255, 255))
    canvas.paste(left, (0, 0))
    canvas.paste(right, (w, 0))
    out = cv2.cvtColor(np.asarray(canvas), cv2.COLOR_RGB2BGR)
    ok, encoded = cv2.imencode(path.suffix or ".png", out)
    if not ok:
        raise PpocrError(f"{path}: OpenCV could not encode the drawing")
    encoded.tofile(str(path))
    return path
