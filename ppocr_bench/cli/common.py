"""What every command group shares: the app, the consoles, the progress bar, option parsing."""

from __future__ import annotations

import inspect
import warnings
from typing import Any

import typer
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, ProgressColumn,
                           TextColumn, TimeElapsedColumn, TimeRemainingColumn)
from rich.table import Table
from rich.text import Text
from typer.core import TyperCommand, TyperGroup

from ppocr_bench.errors import PpocrError, PpocrWarning

console = Console()
err_console = Console(stderr=True, soft_wrap=True)
_show_warning = warnings.showwarning


def print_warning(message: str) -> None:
    """One ``warning: <message>`` line on stderr (what every command prints for a problem that
    does not stop the work)."""
    err_console.print(Text(f"warning: {message}", style="yellow"))


def show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """A PpocrWarning as one :func:`print_warning` line, others as Python shows them."""
    if issubclass(category, PpocrWarning):
        print_warning(str(message))
    else:
        _show_warning(message, category, filename, lineno, file, line)

#: typer's type labels (``<int>``, ``<list[Path]>``, ...) -> the word ``--help`` shows
VALUE_NAMES = {"str": "TEXT", "int": "INTEGER", "float": "FLOAT", "path": "PATH", "Path": "PATH",
               "file": "FILE", "directory": "DIR", "bool": "BOOLEAN"}


def value_name(param: Any, typer_label: str | None) -> str | None:
    """What ``--help`` shows for the value of ``param``: nothing for a flag, else one word for
    its type (TEXT, INTEGER, FLOAT, PATH; a repeatable option or a variadic argument shows its
    item's), instead of typer's ``<bool>`` and ``<list[Path]>``."""
    if typer_label is None or getattr(param, "is_flag", False):
        return typer_label and ""
    label = typer_label.removeprefix("<").removesuffix(">")
    while label.startswith("list[") and label.endswith("]"):
        label = label[5:-1]
    return VALUE_NAMES.get(label, label)


def _plain_value(param: Any) -> None:
    """Make ``param``'s ``--help`` row show :func:`value_name`. Typer has no hook for the class
    of a parameter, so its ``display_type`` is wrapped on the instance (once)."""
    typer_label = getattr(param, "display_type", None)
    if typer_label is None or getattr(typer_label, "plain", False):
        return  # an older typer (click's metavars, already plain) or done

    def display_type(ctx: Any) -> str | None:
        return value_name(param, typer_label(ctx))

    display_type.plain = True  # type: ignore[attr-defined]
    param.display_type = display_type


def _plain_help(command: Any) -> None:
    """Help texts shown as written: the first paragraph of a docstring as one line in the list
    of commands (rich mode keeps its line breaks), and no markup (it would take
    ``[model.post]`` for a tag)."""
    if command.help and not command.short_help:
        command.short_help = " ".join(inspect.cleandoc(command.help).split("\n\n")[0].split())
    if getattr(command, "rich_markup_mode", None) != "rich":
        return
    for owner in (command, *command.params):
        if owner.help:
            owner.help = escape(owner.help)
    if command.short_help:
        command.short_help = escape(command.short_help)


class _ReadableHelp:
    """``--help`` of every command and group: plain value names, help texts as written."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _plain_help(self)

    def get_params(self, ctx):
        params = super().get_params(ctx)
        for param in params:  # the help option is made late: done here
            _plain_value(param)
        return params


class Command(_ReadableHelp, TyperCommand):
    """Every ``ppocr-bench`` command (see :class:`App`)."""


class Group(_ReadableHelp, TyperGroup):
    """``ppocr-bench`` and its command groups (see :class:`App`)."""


class App(typer.Typer):
    """Typer app that turns PpocrError into a one-line message and exit status 2 and each
    PpocrWarning into one warning line; its commands and groups show readable ``--help``
    (:class:`Command`, :class:`Group`)."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("cls", Group)
        super().__init__(**kwargs)

    def command(self, *args, **kwargs):
        kwargs.setdefault("cls", Command)
        return super().command(*args, **kwargs)

    def __call__(self, *args, **kwargs):
        warnings.showwarning = show_warning
        try:
            return super().__call__(*args, **kwargs)
        except PpocrError as exc:
            err_console.print(Text(f"error: {exc}", style="red"))
            raise SystemExit(2) from None
        except KeyboardInterrupt:
            err_console.print(Text("interrupted: run the same command again to resume",
                                   style="yellow"))
            raise SystemExit(130) from None


app = App(help="Lightweight OCR research toolkit around PP-OCR.", no_args_is_help=True,
           pretty_exceptions_enable=False, add_completion=False)
corpus_app = App(help="Charsets and text sources per language.", no_args_is_help=True)
app.add_typer(corpus_app, name="corpus")
zoo_app = App(help="Model zoo entries (zoo/NAME/card.toml).", no_args_is_help=True)
app.add_typer(zoo_app, name="zoo")


class RateColumn(ProgressColumn):
    """Completed items per second since the task started."""

    def render(self, task) -> Text:
        elapsed = task.elapsed or 0.0
        rate = task.completed / elapsed if elapsed > 0 else 0.0
        return Text(f"{rate:6.1f} {task.fields.get('unit', 'it')}/s", style="cyan")


def progress_bar() -> Progress:
    return Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                    RateColumn(), TimeElapsedColumn(), TextColumn("eta"),
                    TimeRemainingColumn(), console=console)


def rows_table(rows: list[dict[str, Any]], *, title: str | None = None,
               wrap_first: tuple[str, ...] = ()) -> Table:
    """A table of ``rows`` (dicts with the same keys, the column names) that reads whole in
    the console's width (80 columns when piped without ``COLUMNS``): no vertical rules, numbers
    right-aligned (floats with 3 decimals). When it is too wide the ``wrap_first`` columns wrap
    at spaces (down to their longest word or header), then the widest columns wrap; a word
    longer than its column folds onto the next line: no cell ends in "…"."""
    cells = [[f"{v:.3f}" if isinstance(v, float) else str(v) for v in row.values()]
             for row in rows]
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, show_edge=False,
                  padding=(0, 1, 0, 0), pad_edge=False)
    for key, value in (rows[0].items() if rows else ()):
        number = isinstance(value, (int, float)) and not isinstance(value, bool)
        table.add_column(key, justify="right" if number else "left", overflow="fold")
    for line in cells:
        table.add_row(*line)
    natural = console.measure(table, options=console.options.update_width(10_000)).maximum
    if wrap_first and natural > console.width:
        for i, column in enumerate(table.columns):
            if column.header in wrap_first:
                words = [word for line in cells for word in line[i].split()]
                column.max_width = max(map(len, [*words, str(column.header)]))
    return table


def enum_option(enum_type, value: str, option: str):
    try:
        return enum_type(value)
    except ValueError:
        choices = ", ".join(e.value for e in enum_type)
        raise PpocrError(f"{option} must be one of {choices}, got {value!r}") from None


if __name__ == "__main__":
    app()
