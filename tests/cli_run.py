"""Running the command line as a user does, for the tests of every package: a subprocess of
``python -m ppocr_bench`` and the checks of its one-line errors and warnings."""

import os
import subprocess
import sys


def cli(*args, env: dict | None = None, columns: int = 200) -> subprocess.CompletedProcess:
    """``python -m ppocr_bench ARGS`` in a terminal ``columns`` wide; ``env`` is added to
    os.environ."""
    return subprocess.run([sys.executable, "-m", "ppocr_bench", *map(str, args)],
                          capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": str(columns), **(env or {})})


def one_line_error(proc: subprocess.CompletedProcess, needle: str) -> None:
    """Exit status 2 and one ``error:`` line on stderr holding ``needle``, no traceback."""
    assert proc.returncode == 2, proc.stdout + proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert lines[0].startswith("error: ") and needle in lines[0], lines[0]


def warning_lines(proc: subprocess.CompletedProcess) -> list[str]:
    """The ``warning:`` lines of a run that succeeded; every stderr line must be one."""
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert all(line.startswith("warning: ") for line in lines), proc.stderr
    return lines
