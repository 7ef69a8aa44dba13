"""ppocr-bench: a lightweight OCR research toolkit around PP-OCR."""

from pathlib import Path

__version__ = "0.1.0"

#: Repository root (holds fonts/, corpora/, zoo/ when run from a checkout).
REPO_ROOT = Path(__file__).resolve().parent.parent
