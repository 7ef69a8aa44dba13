"""Charset files (PaddleOCR's dictionary format): the one parser and the one writer.

Every charset file goes through :func:`read_charset_file`: a language's
``corpora/LANG/charset.txt``, a zoo entry's charset, a run's ``charset.txt``, a
``--charset FILE``; official dictionaries (wheel files, ONNX ``character`` metadata) through
:func:`parse_charset`. The rules:

- UTF-8; a leading byte-order mark is dropped.
- Lines end with ``\\n`` or ``\\r\\n``. A final line end is optional: it ends the last entry
  and adds no empty one.
- Each line is one entry: one character as a reader sees it, a single code point or one
  grapheme sequence (:func:`is_grapheme`: a flag made of two regional indicators, a letter
  with combining marks, an emoji with variation selectors, skin tones or zero-width joins, as
  PaddleOCR's PP-OCRv5 dictionary holds ten flags). A line holding a single space is the space
  character (PaddleOCR's ``en_dict.txt`` ends with one); an empty line is an error (it would be
  a class that decodes to nothing), so is a line of two or more characters (a stray space or
  tab included).
- No character twice: the class index of a repeated one would be ambiguous.
- At least one character.

Errors are a PpocrError naming ``FILE:LINE`` and the problem. :func:`charset_text` writes the
format back (one character a line, each ending with ``\\n``): parsing it gives the same list.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from ppocr_bench.errors import PpocrError

BOM = "\ufeff"
ZWJ = "\u200d"
#: regional indicator symbols A-Z: a pair of them is a flag
REGIONAL = range(0x1F1E6, 0x1F200)
#: code points that extend the character before them (besides combining marks)
EXTENDERS = (range(0xFE00, 0xFE10), range(0xE0100, 0xE01F0), range(0x1F3FB, 0x1F400),
             range(0xE0020, 0xE0080))


def _extends(char: str) -> bool:
    code = ord(char)
    return unicodedata.category(char).startswith("M") or any(code in r for r in EXTENDERS)


def _continues(cluster: str, char: str) -> bool:
    if cluster[-1] == ZWJ:
        return not char.isspace()
    if char == ZWJ or _extends(char):
        return True
    return len(cluster) == 1 and ord(cluster) in REGIONAL and ord(char) in REGIONAL


def graphemes(text: str) -> list[str]:
    """``text`` cut into characters as a reader sees them: each code point, except that
    combining marks, variation selectors, skin-tone modifiers and tag characters stay with the
    character before them, a zero-width join ties two characters into one (emoji sequences),
    and two regional indicators make one flag."""
    out: list[str] = []
    for char in text:
        if out and _continues(out[-1], char):
            out[-1] += char
        else:
            out.append(char)
    return out


def is_grapheme(entry: str) -> bool:
    """True when ``entry`` is one character as a reader sees it (:func:`graphemes`) and starts
    with a character of its own: one code point, a flag, a letter with its combining marks, an
    emoji sequence. Two letters, or a letter and a space, are not."""
    if len(entry) == 1:
        return True
    return (len(graphemes(entry)) == 1 and not _extends(entry[0])
            and entry[0] != ZWJ and entry[-1] != ZWJ)


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
        if not is_grapheme(char):
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
