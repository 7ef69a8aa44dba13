"""Tesseract as a peer system (``ppocr-bench eval --system tesseract``).

- det: the text lines of Tesseract's own page analysis (default page segmentation, psm 3), each
  line's bounding box as an axis-aligned quad. The boxes come from the same full run that
  reads the lines (Tesseract lays out and recognises a page in one pass), so det and the system
  share one call per image and the system's ms per image is that call.
- rec: Tesseract on our GT crops as a single text line (psm 7); score = mean word confidence
  / 100.
- cls: none: Tesseract has no 0/180 line classifier (its OSD detects page orientation only),
  so results have no "cls" key.
- system: every non-empty line of the page run, text = its words joined by single spaces (no
  confidence threshold: Tesseract's word confidences are not calibrated like PP-OCR's
  drop_score).
- size: the ``<lang>.traineddata`` file used (det and rec are the same file; the system counts
  it once); params: None (no parameter count exposed).

Engine: the ``tesserocr`` wheel (libtesseract bundled) when it imports, else the ``tesseract``
binary in a subprocess; both give Tesseract's TSV, parsed by :func:`tsv_lines`. Models:
Debian's tessdata (``apt-get install tesseract-ocr-eng`` ...), found in ``$TESSDATA_PREFIX`` or
the usual system folders.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import cv2
import numpy as np

from ppocr_bench.errors import PpocrError
from ppocr_bench.text.langs import get_lang
from ppocr_bench.eval.loop import Page
from ppocr_bench.eval.peers import PeerSystem, quad
from ppocr_bench.inference.system import OcrLine

TESSDATA_DIRS = ("/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata",
                 "/usr/share/tessdata", "/usr/local/share/tessdata",
                 "/opt/homebrew/share/tessdata")
PSM_PAGE, PSM_LINE = 3, 7


def apt_package(lang: str) -> str:
    """Debian package of a language pack: ``tesseract-ocr-chi-sim`` for zh."""
    return "tesseract-ocr-" + get_lang(lang).tesseract.replace("_", "-")


def find_tessdata(tess_lang: str) -> Path | None:
    """The folder holding ``<tess_lang>.traineddata`` ($TESSDATA_PREFIX first), or None."""
    env = os.environ.get("TESSDATA_PREFIX")
    candidates = ([env, str(Path(env) / "tessdata")] if env else []) + list(TESSDATA_DIRS)
    for folder in candidates:
        if (Path(folder) / f"{tess_lang}.traineddata").is_file():
            return Path(folder)
    return None


def tsv_lines(tsv: str) -> list[tuple[np.ndarray, str, float]]:
    """Tesseract TSV (level page num block par line word left top width height conf text,
    header optional) -> per text line (4 x 2 quad, words joined by spaces, mean word conf in
    [0, 1]), in Tesseract's reading order; lines without any word text are left out."""
    lines: dict[tuple, dict] = {}
    for row in tsv.splitlines():
        cols = row.split("\t")
        if len(cols) < 12 or not cols[0].isdigit():
            continue  # header or malformed
        level, key = int(cols[0]), tuple(cols[1:5])
        left, top, width, height = (float(v) for v in cols[6:10])
        if level == 4:
            lines[key] = {"box": quad(left, top, width, height), "words": [], "confs": []}
        elif level == 5 and cols[11].strip() and key in lines:
            lines[key]["words"].append(cols[11].strip())
            lines[key]["confs"].append(max(float(cols[10]), 0.0) / 100.0)
    return [(v["box"], " ".join(v["words"]), float(np.mean(v["confs"])))
            for v in lines.values() if v["words"]]


class _TesserocrEngine:
    """libtesseract through the tesserocr wheel: one API object, re-used for every call."""

    name = "tesserocr"

    def __init__(self, tessdata: Path, tess_lang: str, threads: int) -> None:
        with _omp_thread_limit(threads):  # libgomp reads it once, when tesserocr loads it
            import tesserocr

            self.api = tesserocr.PyTessBaseAPI(path=str(tessdata) + os.sep, lang=tess_lang)
        self.tesserocr = tesserocr
        self.version = tesserocr.tesseract_version().splitlines()[0]

    def tsv(self, image: np.ndarray, psm: int) -> str:
        from PIL import Image

        self.api.SetPageSegMode(psm)
        self.api.SetImage(Image.fromarray(cv2.cvtColor(image, cv2.COLOR_BGR2RGB)))
        return self.api.GetTSVText(0) or ""


class _CliEngine:
    """The ``tesseract`` binary, one subprocess per call (image via a temporary PNG)."""

    name = "tesseract-cli"

    def __init__(self, tessdata: Path, tess_lang: str, binary: str, threads: int) -> None:
        self.binary, self.tessdata, self.lang = binary, tessdata, tess_lang
        self.env = {**os.environ, "OMP_THREAD_LIMIT": str(threads)}
        out = subprocess.run([binary, "--version"], capture_output=True, text=True, check=False)
        self.version = ((out.stdout or out.stderr).splitlines() or ["tesseract ?"])[0]
        self.tmp = tempfile.mkdtemp(prefix="ppocr-bench-tess-")

    def tsv(self, image: np.ndarray, psm: int) -> str:
        path = os.path.join(self.tmp, "in.png")
        cv2.imwrite(path, image)
        done = subprocess.run([self.binary, path, "stdout", "--tessdata-dir", str(self.tessdata),
                               "-l", self.lang, "--psm", str(psm), "tsv"],
                              capture_output=True, text=True, check=False, env=self.env)
        if done.returncode != 0:
            raise PpocrError(f"tesseract failed: {done.stderr.strip().splitlines()[-1:]}")
        return done.stdout


@contextlib.contextmanager
def _omp_thread_limit(threads: int):
    """``OMP_THREAD_LIMIT`` set inside the block only: Tesseract's OpenMP reads it when the
    library loads, and left in the environment it would reach every later OpenMP user (torch
    training in a child process stalls under it)."""
    previous = os.environ.get("OMP_THREAD_LIMIT")
    os.environ["OMP_THREAD_LIMIT"] = str(threads)
    try:
        yield
    finally:
        if previous is None:
            del os.environ["OMP_THREAD_LIMIT"]
        else:
            os.environ["OMP_THREAD_LIMIT"] = previous


def _engine(tessdata: Path, tess_lang: str, prefer: str | None, threads: int):
    if prefer != "cli":
        try:
            return _TesserocrEngine(tessdata, tess_lang, threads)
        except ImportError:
            if prefer == "tesserocr":
                raise PpocrError("tesserocr is not installed: pip install tesserocr") from None
        except RuntimeError as error:  # tesserocr's init failure
            raise PpocrError(f"tesserocr cannot load {tess_lang} from {tessdata}: {error}"
                             ) from None
    binary = shutil.which("tesseract")
    if binary is None:
        raise PpocrError("tesseract is not installed: apt-get install tesseract-ocr "
                         "(or pip install tesserocr)")
    return _CliEngine(tessdata, tess_lang, binary, threads)


class TesseractSystem(PeerSystem):
    """Tesseract for one of our languages as a :class:`~ppocr_bench.eval.peers.PeerSystem`.

    ``engine``: None (tesserocr if it imports, else the binary), "tesserocr" or "cli".
    ``threads``: Tesseract's OpenMP thread limit (``OMP_THREAD_LIMIT`` for the engine alone).
    """

    name = "tesseract"
    tasks = ("det", "rec")

    def __init__(self, lang: str, *, threads: int = 1, engine: str | None = None) -> None:
        self.lang, self.tess_lang = lang, get_lang(lang).tesseract
        tessdata = find_tessdata(self.tess_lang)
        if tessdata is None:
            raise PpocrError(f"no {self.tess_lang}.traineddata for --lang {lang} (searched "
                             "$TESSDATA_PREFIX and the system tessdata folders): "
                             f"apt-get install {apt_package(lang)}")
        self.traineddata = tessdata / f"{self.tess_lang}.traineddata"
        self.threads = threads
        self.engine = _engine(tessdata, self.tess_lang, engine, threads)

    def page(self, image: np.ndarray) -> Page:
        lines = tsv_lines(self.engine.tsv(image, PSM_PAGE))
        boxes = (np.stack([box for box, _, _ in lines]) if lines
                 else np.zeros((0, 4, 2), np.float32))
        return Page(boxes, [OcrLine(box, text, conf, conf) for box, text, conf in lines])

    def recognize(self, crops: list[np.ndarray]) -> list[tuple[str, float]]:
        out = []
        for crop in crops:
            lines = tsv_lines(self.engine.tsv(crop, PSM_LINE))
            text = " ".join(t for _, t, _ in lines)
            out.append((text, float(np.mean([c for _, _, c in lines])) if lines else 0.0))
        return out

    def classify(self, crops: list[np.ndarray]) -> list[tuple[int, float]]:
        raise PpocrError("tesseract has no 0/180 text line classifier")

    def files(self, task: str) -> list[Path]:
        return [self.traineddata]

    def params(self, task: str) -> int | None:
        return None

    def latency_call(self, task: str, sample: np.ndarray):
        psm = PSM_PAGE if task == "det" else PSM_LINE
        return lambda: self.engine.tsv(sample, psm)

    def details(self) -> dict:
        return {"engine": self.engine.name, "version": self.engine.version,
                "traineddata": str(self.traineddata), "threads": self.threads,
                "psm": {"page": PSM_PAGE, "rec": PSM_LINE},
                "notes": ["no cls: Tesseract has no 0/180 text line classifier",
                          "det boxes = line boxes of the full page run (axis-aligned); det "
                          "latency = that full run (layout + recognition) on a median-size "
                          "eval image",
                          "det, rec and system share one traineddata file; params: none "
                          "exposed",
                          "system keeps every non-empty line (no confidence threshold)"]}
