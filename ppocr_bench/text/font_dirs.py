"""The fonts of a user's ``--font-dir``: clear errors, and faces that cover part of a charset.

Discovery by default keeps only faces covering nearly all of a charset (``is_usable``). A
folder the user names is taken at its word: every face in it that can draw some of the
language's lines serves them, and a line that no face covers is resampled by the renderers
(``ppocr_bench.synth.render.pick_text``). A folder that does not exist, holds no font file or
no readable one, or whose fonts draw too few of the language's lines, is a one-line error.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

from ppocr_bench import REPO_ROOT
from ppocr_bench.errors import PpocrError
from ppocr_bench.text.font_files import FONT_EXTS, font_files
from ppocr_bench.text.fonts import (
    FontFace,
    allowed_by_name,
    discover_fonts,
    uncovered_chars,
)

#: Sampled texts per language against which a face's share of drawable lines is measured.
PROBE_LINES = 300
#: The fonts of the folders together must draw at least this share of the sampled lines.
MIN_LINE_SHARE = 0.5


@lru_cache(maxsize=8)
def probe_texts(lang: str) -> tuple[str, ...]:
    """``PROBE_LINES`` texts of ``lang`` as the renderers draw them (phrases and short lines,
    spaces normalised), from a fixed seed."""
    from ppocr_bench.text.sampler import LineSampler

    sampler, rng = LineSampler(lang), np.random.default_rng(0)
    texts = [sampler.phrase(rng) if i % 2 else sampler.line(rng, 3, 14) for i in range(PROBE_LINES)]
    return tuple(" ".join(t.split()) for t in texts)


def line_share(faces: list[FontFace], lang: str) -> float:
    """The share of :func:`probe_texts` that at least one of ``faces`` draws (0..1)."""
    texts = probe_texts(lang)
    return sum(any(f.covers(t) for f in faces) for t in texts) / len(texts)


def check_font_dir(path: Path) -> list[FontFace]:
    """The faces of one ``--font-dir`` (a folder or a font file); a one-line PpocrError when it
    does not exist, holds no font file, or none of its font files can be read."""
    path = Path(path)
    exts = ", ".join(FONT_EXTS)
    if not path.exists():
        raise PpocrError(f"{path}: --font-dir does not exist")
    if path.is_file() and path.suffix.lower() not in FONT_EXTS:
        raise PpocrError(f"{path}: --font-dir is not a folder nor a font file ({exts})")
    files = font_files([path])
    if not files:
        raise PpocrError(f"{path}: --font-dir holds no font file ({exts})")
    faces = discover_fonts([path])
    if not faces:
        raise PpocrError(f"{path}: none of its {len(files)} font file(s) can be read "
                         f"(e.g. {files[0].name}: not a font, or damaged)")
    return faces


def fonts_in_dirs(lang: str, font_dirs: list[Path]) -> list[FontFace]:
    """The faces of ``font_dirs`` that draw at least one sampled ``lang`` line (name rules of
    :func:`ppocr_bench.text.fonts.allowed_by_name` apply), sorted as ``discover_fonts`` sorts.

    PpocrError (one line) for a bad folder (:func:`check_font_dir`) or when the faces together
    draw less than :data:`MIN_LINE_SHARE` of the sampled lines.
    """
    from ppocr_bench.text.corpus import load_charset
    from ppocr_bench.text.langs import get_lang

    spec = get_lang(lang)
    for path in font_dirs:
        check_font_dir(path)
    faces = discover_fonts([Path(p) for p in font_dirs])
    texts = probe_texts(lang)
    usable = [f for f in faces if allowed_by_name(f, lang, spec.script)
              and any(f.covers(t) for t in texts)]
    share = line_share(usable, lang)
    if share >= MIN_LINE_SHARE:
        return usable
    charset_path = spec.charset_path
    if charset_path.is_relative_to(REPO_ROOT):
        charset_path = charset_path.relative_to(REPO_ROOT)
    missing = uncovered_chars(load_charset(lang), usable or faces)
    letters = [c for c in missing if c.isalpha()] or missing
    dirs = ", ".join(str(p) for p in font_dirs)
    raise PpocrError(f"no font covers the {lang} charset ({charset_path}) in {dirs}: its fonts "
                     f"draw {share:.0%} of sampled {lang} lines (at least {MIN_LINE_SHARE:.0%} "
                     f"needed); {len(missing)} characters missing from every font, e.g. "
                     f"{''.join(letters[:5])}")
