"""`--help` of every command and group: plain value names, every help text whole, 80 columns."""

from __future__ import annotations

import re

import pytest
import typer.main
from rich.text import Text
from typer.testing import CliRunner

from ppocr_bench.cli import app


def _commands(command, path: tuple[str, ...] = ()):
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from _commands(sub, (*path, name))


COMMANDS = dict(_commands(typer.main.get_command(app)))
#: typer's own type labels: <bool>, <int>, <path>, <list[Path]>, ...
TYPER_LABEL = re.compile(r"<\w+(\[[\w, |]+\])?>")


def _help(path: tuple[str, ...], monkeypatch) -> str:
    monkeypatch.setenv("COLUMNS", "80")
    result = CliRunner().invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    return result.output


def _flat(out: str) -> str:
    """The help's words on one line, without the panels' box drawing."""
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", out).split())


def test_every_command_is_checked():
    names = {" ".join(path) for path in COMMANDS}
    assert {"", "synth", "train", "eval", "zoo", "zoo list", "corpus build"} <= names
    assert len(names) >= 18


@pytest.mark.parametrize("path", list(COMMANDS), ids=lambda p: " ".join(p) or "ppocr-bench")
def test_help_names_values_plainly_and_shows_every_help_text(path, monkeypatch):
    out = _help(path, monkeypatch)
    assert not TYPER_LABEL.search(out), TYPER_LABEL.search(out).group()
    assert "\\[" not in out  # escaping is invisible
    assert max(len(line) for line in out.splitlines()) <= 80
    words = _flat(out)
    for param in COMMANDS[path].params:
        shown = Text.from_markup(param.help or "").plain
        assert " ".join(shown.split()) in words, param.name


def test_value_names_flags_and_square_brackets(monkeypatch):
    out = _flat(_help(("train",), monkeypatch))
    for row in ("--steps INTEGER", "--lr FLOAT", "--data PATH", "--preset TEXT",
                "--no-aug TEXT Turn one augmentation off."):
        assert row in out
    assert "--resume Continue the run in --out (wherever it lies)" in out  # a flag: no value
    assert "card.toml ([eval.LANG]; with --data, [eval_data.SET.LANG])." in _flat(
        _help(("eval",), monkeypatch))
    assert "card's [model.post]." in _flat(_help(("zoo", "tune-det"), monkeypatch))


def test_command_list_shows_each_first_paragraph_on_joined_lines(monkeypatch):
    out = _flat(_help((), monkeypatch))
    assert ("eval Detection hmean, cls accuracy, rec accuracy and the whole system against "
            "size and latency") in out
