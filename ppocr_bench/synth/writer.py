"""The dataset folder of a synth run: per-sample files, part records and the label files.

Each sample ``i`` writes its images, then ``parts/<stem>.json`` last, atomically: a sample is done
exactly when its part record reads and every file it lists exists
(:func:`incomplete_samples`), which is what lets an interrupted run (or one shard of many)
resume without duplicates or losses, and a damaged sample (a corrupted record, a deleted image)
be rendered again. ``assemble`` then writes every label file from the parts in index
order, so the result does not depend on the order in which workers finished.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import cv2
import numpy as np

from ppocr_bench.data.labels import format_det_line, format_icdar_lines
from ppocr_bench.data.transforms import crop_polygon
from ppocr_bench.errors import PpocrError
from ppocr_bench.synth.crops import detector_crop
from ppocr_bench.synth.page import Page
from ppocr_bench.synth.realism import LEGACY, Realism

JPEG_QUALITY = 92
RECORD_KEYS = ("index", "kind", "image", "size", "det", "rec", "cls")


def stem(index: int) -> str:
    return f"{index:06d}"


def part_path(out: Path, index: int) -> Path:
    return out / "parts" / f"{stem(index)}.json"


def atomic_write_bytes(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def write_jpeg(path: Path, image: np.ndarray, quality: int = JPEG_QUALITY) -> None:
    """Write an H x W x 3 RGB uint8 image as JPEG, atomically."""
    ok, buf = cv2.imencode(".jpg", np.ascontiguousarray(image[:, :, ::-1]),
                           [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise OSError(f"{path}: JPEG encoding failed")
    atomic_write_bytes(path, buf.tobytes())


def make_dirs(out: Path) -> None:
    for sub in ("det/images", "det/icdar", "rec/images", "cls/images", "parts"):
        (out / sub).mkdir(parents=True, exist_ok=True)


def write_sample(out: Path, index: int, page: Page, lang: str, crops: list[np.ndarray],
                 flips: list[bool]) -> dict:
    """Write one sample's image, crops and part record; returns the record.

    ``crops[j]``: the recognition image of instance j (H x W x 3); ``flips[j]``: whether its
    classifier copy is rotated by 180 degrees.
    """
    name = stem(index)
    write_jpeg(out / "det" / "images" / f"{name}.jpg", page.image)
    det, rec, cls = [], [], []
    for j, (inst, crop, flip) in enumerate(zip(page.instances, crops, flips)):
        points = [[round(float(x), 1), round(float(y), 1)] for x, y in inst.points]
        det.append({"transcription": inst.text, "points": points})
        crop_name = f"{name}_{j:02d}.jpg"
        write_jpeg(out / "rec" / "images" / crop_name, crop)
        write_jpeg(out / "cls" / "images" / crop_name, np.rot90(crop, 2) if flip else crop)
        rec.append({"image": f"images/{crop_name}", "text": inst.text, "lang": lang,
                    "kind": page.kind, "font": inst.font, "face": inst.face,
                    "vertical": inst.vertical})
        cls.append({"image": f"images/{crop_name}", "label": 180 if flip else 0})
    record = {"index": index, "kind": page.kind, "image": f"images/{name}.jpg",
              "size": [int(page.image.shape[1]), int(page.image.shape[0])],
              "det": det, "rec": rec, "cls": cls}
    data = json.dumps(record, ensure_ascii=False, sort_keys=True).encode("utf-8")
    atomic_write_bytes(part_path(out, index), data)
    return record


def rec_crops(page: Page, rng: np.random.Generator | None = None,
              realism: Realism = LEGACY) -> list[np.ndarray]:
    """Perspective-rectified crops of every instance, from the final (augmented) image: the
    polygons themselves (legacy), or, for another ``realism``, cut and degraded as a
    detector's crops are (:func:`ppocr_bench.synth.crops.detector_crop`, drawing from
    ``rng``)."""
    if realism.legacy:
        return [crop_polygon(page.image, np.asarray(inst.points, dtype=np.float32))
                for inst in page.instances]
    if rng is None:
        raise ValueError("rec_crops: a realism other than legacy draws from an rng")
    return [detector_crop(rng, page.image, inst.points, realism) for inst in page.instances]


def remove_partial_files(out: Path) -> int:
    """Delete temporary files a killed run left behind; returns how many."""
    leftovers = [p for p in out.rglob(".*.tmp") if p.is_file()]
    for path in leftovers:
        path.unlink()
    return len(leftovers)


def sample_files(record: dict) -> list[str]:
    """The files of one sample, relative to the output folder: its full image, then its rec
    and cls crops (the part record itself not included)."""
    return ([f"det/{record['image']}"] + [f"rec/{r['image']}" for r in record["rec"]]
            + [f"cls/{c['image']}" for c in record["cls"]])


def load_record(out: Path, index: int) -> dict:
    """The part record of sample ``index``; PpocrError naming the file when it is not one."""
    path = part_path(out, index)
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(record, dict):
            raise ValueError("not a JSON object")
        lacking = [k for k in RECORD_KEYS if k not in record]
        if lacking:
            raise ValueError(f"no {', '.join(lacking)}")
        if record["index"] != index:
            raise ValueError(f"it holds sample {record['index']}")
        sample_files(record)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        why = exc.strerror if isinstance(exc, OSError) else f"{type(exc).__name__}: {exc}"
        raise PpocrError(f"{path}: unreadable part record ({why})") from None
    return record


def _listing(out: Path) -> set[str]:
    """Every file of the sample folders, as ``det/images/NAME`` ... (one scan per folder)."""
    names = set()
    for sub in ("det/images", "rec/images", "cls/images"):
        if (out / sub).is_dir():
            names.update(f"{sub}/{entry.name}" for entry in os.scandir(out / sub))
    return names


def incomplete_samples(out: Path, indices: list[int]) -> dict[int, str | None]:
    """The samples among ``indices`` that ``out`` lacks: index -> None when it has no part
    record, or why it is damaged (an unreadable part record, or a file its record lists that
    is gone), a message naming the file. Intact samples are left out."""
    parts = {p.name for p in (out / "parts").glob("*.json")} if (out / "parts").is_dir() else set()
    listing: set[str] | None = None
    found: dict[int, str | None] = {}
    for index in indices:
        if part_path(out, index).name not in parts:
            found[index] = None
            continue
        try:
            record = load_record(out, index)
        except PpocrError as exc:
            found[index] = str(exc)
            continue
        listing = _listing(out) if listing is None else listing
        gone = [rel for rel in sample_files(record) if rel not in listing]
        if gone:
            found[index] = (f"{out / gone[0]}: missing, though {part_path(out, index)} lists it"
                            + (f" (and {len(gone) - 1} more files)" if len(gone) > 1 else ""))
    return found


def assemble(out: Path, count: int) -> tuple[dict[str, int], dict[tuple[str, int], int]]:
    """Write det/label.txt, det/icdar/gt_*.txt, rec/rec_gt.txt, rec/meta.jsonl, cls/cls_gt.txt.

    Returns the counts and how many instances each (font file, face index) drew."""
    det_lines, rec_lines, meta_lines, cls_lines = [], [], [], []
    counts = {"images": 0, "instances": 0, "scene": 0, "document": 0}
    font_uses: dict[tuple[str, int], int] = {}
    for i in range(count):
        record = load_record(out, i)
        counts["images"] += 1
        counts[record["kind"]] += 1
        counts["instances"] += len(record["det"])
        det_lines.append(format_det_line(record["image"], record["det"]))
        icdar = format_icdar_lines(record["det"])
        atomic_write_bytes(out / "det" / "icdar" / f"gt_{stem(i)}.txt", icdar.encode("utf-8"))
        for rec in record["rec"]:
            rec_lines.append(f"{rec['image']}\t{rec['text']}\n")
            meta_lines.append(json.dumps(rec, ensure_ascii=False, sort_keys=True) + "\n")
            key = (rec["font"], rec["face"])
            font_uses[key] = font_uses.get(key, 0) + 1
        for cls in record["cls"]:
            cls_lines.append(f"{cls['image']}\t{cls['label']}\n")
    for rel, lines in (("det/label.txt", det_lines), ("rec/rec_gt.txt", rec_lines),
                       ("rec/meta.jsonl", meta_lines), ("cls/cls_gt.txt", cls_lines)):
        atomic_write_bytes(out / rel, "".join(lines).encode("utf-8"))
    counts["rec"] = len(rec_lines)
    counts["cls"] = len(cls_lines)
    return counts, font_uses
