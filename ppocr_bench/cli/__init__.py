"""The ``ppocr-bench`` command line: one module per command group, each parsing options, calling
the library and printing with rich. No logic here."""

from importlib import import_module

from ppocr_bench.cli.common import app

#: command groups in data-flow order (the order of ``ppocr-bench --help``)
GROUPS = ("text", "synth", "backgrounds", "train", "slim", "zoo", "inference", "eval",
          "experiments")
for _group in GROUPS:
    import_module(f"ppocr_bench.cli.{_group}")  # registers its commands on ``app``

__all__ = ["GROUPS", "app"]
