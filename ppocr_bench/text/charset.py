"""Charset files (PaddleOCR's dictionary format): the one parser and the one writer.

Every charset file goes through :func:`read_charset_file`: a language's
``corpora/LANG/charset.txt``, a zoo entry's charset, a run's ``charset.txt``, a
``--charset FILE``; official dictionaries (wheel files, ONNX ``character`` metadata) through
:func:`parse_charset`. The rules:

- UTF-8; a leading byte-order mark is dropped.
- Lines end with ``\\n`` or ``\\r\\n``. A final line end is optional: it ends the last entry
  and adds no empty one.
- Each line is one entry of exactly one character (code point). A line holding a single space
  is the space character (PaddleOCR's ``en_dict.txt`` ends with one); an empty line is an
  error (it would be a class that decodes to nothing), so is a line of two or more
  characters (a stray space or tab included).
- No character twice: the class index of a repeated one would be ambiguous.
- At least one character.

Errors are a PpocrError naming ``FILE:LINE`` and the problem. :func:`charset_text` writes the
format back (one character a line, each ending with ``\\n``): parsing it gives the same list.
"""

from __future__ import annotations

from pathlib import Path

from ppocr_bench.errors import PpocrError

BOM = "\ufeff"


def parse_charset(text: str | bytes, source: str) -> list[str]:
    """The characters of a charset file's content, in file order; ``source`` names it in
    errors (a path, or ``wheel:member``)."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise PpocrError(f"{source}: not valid UTF-8 ({exc.reason} at byte {exc.start})"
                             ) from None
    lines = text.removeprefix(BOM).split("\n")
    if lines[-1] == "":
        lines.pop()  # the final line end
    chars: list[str] = []
    first_line: dict[str, int] = {}
    for lineno, line in enumerate(lines, 1):
        char = line.removesuffix("\r")
        if len(char) != 1:
            problem = "empty line (a space is a line holding one space)" if not char else (
                f"expected one character per line, got {char!r}")
            raise PpocrError(f"{source}:{lineno}: {problem}")
        if char in first_line:
            raise PpocrError(f"{source}:{lineno}: {char!r} is already on line "
                             f"{first_line[char]}")
        first_line[char] = lineno
        chars.append(char)
    if not chars:
        raise PpocrError(f"{source}: empty charset (no character)")
    return chars


def read_charset_file(path: Path) -> list[str]:
    """The characters of the charset file at ``path`` (see the module's rules)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise PpocrError(f"{path}: charset file not found") from None
    except OSError as exc:
        raise PpocrError(f"{path}: cannot read the charset file ({exc.strerror})") from None
    return parse_charset(data, str(path))


def charset_text(charset: list[str]) -> str:
    """The file text of ``charset``: each character on its own line, ending with ``\\n``."""
    return "".join(f"{char}\n" for char in charset)


def write_charset_file(path: Path, charset: list[str]) -> Path:
    """Write ``charset`` to ``path`` (UTF-8, ``\\n`` line ends, no BOM); returns ``path``."""
    Path(path).write_text(charset_text(charset), encoding="utf-8", newline="\n")
    return Path(path)
