"""Contact sheet of a synth output folder: full images with their polygons, and line crops."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ppocr_bench.data.images import read_image
from ppocr_bench.errors import PpocrError
from ppocr_bench.files import ensure_writable_file

THUMB_H = 300
SHEET_W = 1500


def _det_samples(out: Path, limit: int) -> list[tuple[Path, list[dict]]]:
    rows = []
    for line in (out / "det" / "label.txt").read_text(encoding="utf-8").splitlines()[:limit]:
        path, _, labels = line.partition("\t")
        rows.append((out / "det" / path, json.loads(labels)))
    return rows


def _open_rgb(path: Path) -> Image.Image:
    return Image.fromarray(np.ascontiguousarray(read_image(path)[:, :, ::-1]))


def _thumb(path: Path, labels: list[dict]) -> Image.Image:
    image = _open_rgb(path)
    draw = ImageDraw.Draw(image)
    for label in labels:
        points = [tuple(p) for p in label["points"]]
        draw.line(points + [points[0]], fill=(0, 220, 0), width=2)
    scale = THUMB_H / image.height
    return image.resize((max(1, round(image.width * scale)), THUMB_H), Image.BILINEAR)


def _pack(images: list[Image.Image], width: int, gap: int = 8) -> list[list[Image.Image]]:
    rows: list[list[Image.Image]] = [[]]
    used = 0
    for image in images:
        if rows[-1] and used + image.width > width:
            rows.append([])
            used = 0
        rows[-1].append(image)
        used += image.width + gap
    return rows


def _crop_tiles(out: Path, limit: int) -> list[Image.Image]:
    tiles = []
    lines = (out / "rec" / "meta.jsonl").read_text(encoding="utf-8").splitlines()
    step = max(1, len(lines) // limit)
    for line in lines[::step][:limit]:
        meta = json.loads(line)
        crop = _open_rgb(out / "rec" / meta["image"])
        crop = crop.resize((max(1, round(crop.width * 40 / crop.height)), 40), Image.BILINEAR)
        crop = crop.crop((0, 0, min(crop.width, 460), 40))
        font = ImageFont.truetype(meta["font"], 18, index=meta["face"])
        tile = Image.new("RGB", (max(crop.width, 120), 66), "white")
        tile.paste(crop, (0, 0))
        ImageDraw.Draw(tile).text((2, 43), meta["text"][:40], fill=(200, 0, 0), font=font)
        tiles.append(tile)
    return tiles


def write_preview(out: Path, path: Path | None = None, *, images: int = 6,
                  crops: int = 24) -> Path:
    """Write ``out/preview.png`` (or ``path``): thumbnails with polygons, then crops + texts.
    ``path`` is checked first: a folder that cannot be written or a suffix Pillow cannot
    save is one PpocrError before any image is read."""
    if not (out / "det" / "label.txt").exists():
        raise PpocrError(f"{out}: no det/label.txt: the synth run is not complete")
    path = Path(path or out / "preview.png")
    if Image.registered_extensions().get(path.suffix.lower()) not in Image.SAVE:
        raise PpocrError(f"{path}: cannot write an image with suffix {path.suffix!r} "
                         "(use .png or .jpg)")
    ensure_writable_file(path)
    thumbs = [_thumb(p, labels) for p, labels in _det_samples(out, images)]
    rows = _pack(thumbs, SHEET_W) + _pack(_crop_tiles(out, crops), SHEET_W)
    height = sum(max(im.height for im in row) + 8 for row in rows) + 8
    sheet = Image.new("RGB", (SHEET_W + 16, height), (235, 235, 235))
    y = 8
    for row in rows:
        x = 8
        for im in row:
            sheet.paste(im, (x, y))
            x += im.width + 8
        y += max(im.height for im in row) + 8
    sheet.save(path)
    return path
