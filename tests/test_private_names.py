"""No module of ppocr_bench uses another module's private (``_name``) names: an AST scan of the
package for ``from X import _name`` and ``module._name`` where X / module is a ppocr_bench
module other than the file itself."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import ppocr_bench

PACKAGE = Path(ppocr_bench.__file__).parent


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(name: str) -> bool:
    """Whether the dotted ``name`` is a module or package of ppocr_bench."""
    if name != "ppocr_bench" and not name.startswith("ppocr_bench."):
        return False
    path = PACKAGE.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _absolute(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    base = base[:len(base) - node.level + (1 if is_package else 0)]
    return ".".join(base + ([node.module] if node.module else []))


def violations(source: str, module: str, is_package: bool = False) -> list[str]:
    """``line: what`` for every use of another module's private name in ``source``, the text
    of ``module`` (a package's ``__init__`` when ``is_package``)."""
    tree = ast.parse(source)
    modules: set[str] = set()  # local names bound to ppocr_bench modules
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if _is_module(alias.name):
                    modules.add(alias.asname or alias.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom):
            origin = _absolute(node, module, is_package)
            if not _is_module(origin) or origin == module:
                continue
            for alias in node.names:
                if _private(alias.name):
                    found.append(f"{node.lineno}: from {origin} import {alias.name}")
                elif _is_module(f"{origin}.{alias.name}"):
                    modules.add(alias.asname or alias.name)
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and _private(node.attr)
                and isinstance(node.value, ast.Name) and node.value.id in modules):
            found.append(f"{node.lineno}: {node.value.id}.{node.attr}")
    return found


def test_no_module_uses_another_modules_private_names():
    found = [f"{path}:{line}" for path in sorted(PACKAGE.rglob("*.py"))
             for line in violations(path.read_text(encoding="utf-8"), _module_name(path),
                                    path.name == "__init__.py")]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("source, expected", [
    ("from ppocr_bench.eval.loop import _Run\n", ["from ppocr_bench.eval.loop import _Run"]),
    ("from .loop import _e2e_text\n", ["from ppocr_bench.eval.loop import _e2e_text"]),
    ("from ppocr_bench.eval import loop\nloop._median_index([])\n", ["loop._median_index"]),
    ("import ppocr_bench.eval.loop as m\nm._Run\n", ["m._Run"]),
    ("from ppocr_bench import __version__\nfrom ppocr_bench.eval.loop import Page\n", []),
    ("from ppocr_bench.eval.files import _pick\n", []),  # its own private name
    ("import numpy as np\nnp._pytesttester\n", []),
])
def test_the_scan_finds_private_uses(source, expected):
    found = violations(source, "ppocr_bench.eval.files")
    assert [line.split(": ", 1)[1] for line in found] == expected
