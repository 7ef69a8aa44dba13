"""Experiment tables: rows of synthesis and training options, each trained for a budget with
several seeds and scored on named eval sets (``ppocr-bench reproduce TABLE``)."""

from ppocr_bench.errors import PpocrError
from ppocr_bench.experiments.report import collect, markdown, write_report
from ppocr_bench.experiments.runner import PlannedRun, execute, plan, status
from ppocr_bench.experiments.table import EvalSet, Part, Row, Table
from ppocr_bench.experiments.tables import TABLES


def get_table(name: str) -> Table:
    """The table ``name``; a one-line error listing the tables otherwise."""
    if name not in TABLES:
        raise PpocrError(f"unknown table {name!r}; tables: {', '.join(TABLES)}")
    return TABLES[name]


__all__ = ["EvalSet", "Part", "PlannedRun", "Row", "TABLES", "Table", "collect", "execute",
           "get_table", "markdown", "plan", "status", "write_report"]
