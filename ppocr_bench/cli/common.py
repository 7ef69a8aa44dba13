"""What every command group shares: the app, the consoles, the progress bar, option parsing."""

from __future__ import annotations

import warnings

import typer
from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, ProgressColumn,
                           TextColumn, TimeElapsedColumn, TimeRemainingColumn)
from rich.text import Text

from ppocr_bench.errors import PpocrError, PpocrWarning

console = Console()
err_console = Console(stderr=True, soft_wrap=True)
_show_warning = warnings.showwarning


def show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """A PpocrWarning as one ``warning: <message>`` line on stderr, others as Python shows
    them."""
    if issubclass(category, PpocrWarning):
        err_console.print(Text(f"warning: {message}", style="yellow"))
    else:
        _show_warning(message, category, filename, lineno, file, line)


class App(typer.Typer):
    """Typer app that turns PpocrError into a one-line message and exit status 2, and each
    PpocrWarning into one warning line."""

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
corpus_app = typer.Typer(help="Charsets and text sources per language.", no_args_is_help=True)
app.add_typer(corpus_app, name="corpus")
zoo_app = typer.Typer(help="Model zoo entries (zoo/NAME/card.toml).", no_args_is_help=True)
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


def enum_option(enum_type, value: str, option: str):
    try:
        return enum_type(value)
    except ValueError:
        choices = ", ".join(e.value for e in enum_type)
        raise PpocrError(f"{option} must be one of {choices}, got {value!r}") from None


if __name__ == "__main__":
    app()
