"""Recognizer charsets for training: resolve the dictionary and move a model to a new one.

:func:`remap_charset` copies the CTC head rows of the characters both charsets share, row by
row and by character (never by position), so a checkpoint fine-tuned on another dictionary
starts from what it knew. Rows of new characters keep a fresh initialisation ("fresh") or start
at the mean of the copied character rows plus that fresh row as noise ("mean": each new character
begins as the average known character, so the CTC head sees "a character here" where the old
model did, and the noise breaks the tie between them). The blank (row 0) and the space class
(when both models have one) are copied too.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import torch

from ppocr_bench.text.charset import read_charset_file
from ppocr_bench.text.corpus import load_charset
from ppocr_bench.errors import PpocrError
from ppocr_bench.models import OcrModel, create_model


@dataclass(frozen=True)
class RemapReport:
    """How a recognizer moved to a new charset."""

    mode: str
    old_size: int
    new_size: int
    shared: int
    new: int
    dropped: int
    new_chars: str

    def describe(self) -> str:
        return (f"charset {self.mode}: {self.old_size} -> {self.new_size} characters, "
                f"{self.shared} rows copied, {self.new} new ({self.new_chars[:40]!r}), "
                f"{self.dropped} dropped")


def resolve_charset(spec: str) -> list[str]:
    """``lang:XX`` -> the language's corpus charset, ``lang:en+fr+de`` -> the union of several
    in that order (one recognizer per script); otherwise a dictionary file."""
    if spec.startswith("lang:"):
        charset: list[str] = []
        seen: set[str] = set()
        for lang in spec[5:].split("+"):
            for char in load_charset(lang):
                if char not in seen:
                    seen.add(char)
                    charset.append(char)
        return charset
    path = Path(spec)
    if not path.is_file():
        raise PpocrError(f"{spec}: no such charset file (or use lang:XX)")
    return read_charset_file(path)


#: how a remapped charset is formed, and how the rows of its new characters start
CHARSET_MODES = ("extend", "remap")
NEW_ROWS = ("fresh", "mean")


def remap_charset(old: OcrModel, charset: list[str], mode: str = "extend",
                  new_rows: str = "fresh") -> tuple[OcrModel, RemapReport]:
    """A copy of recognizer ``old`` whose CTC head serves a new charset.

    mode "extend": the new charset is ``old.charset`` followed by the characters of ``charset``
    it lacks (old rows keep their indices); "remap": the new charset is ``charset`` exactly
    (shared characters' rows are moved to their new index, old-only ones are dropped).
    Everything but the head's last linear layer is copied as is. new_rows: how the rows of
    new characters start, "fresh" or "mean" (see the module docstring).
    """
    if old.task != "rec" or old.charset is None:
        raise PpocrError(f"{old.preset}: only recognizers have a charset to remap")
    if mode == "extend":
        have = set(old.charset)
        new_charset = old.charset + [c for c in charset if c not in have]
    elif mode == "remap":
        new_charset = list(charset)
    else:
        raise PpocrError(f"charset mode must be extend or remap, not {mode!r}")
    if new_rows not in NEW_ROWS:
        raise PpocrError(f"new rows must be {' or '.join(NEW_ROWS)}, not {new_rows!r}")
    model = create_model(old.preset, charset=new_charset, **old.spec.to_dict())
    old_state, new_state = old.state_dict(), model.state_dict()
    head = [k for k in new_state if k.startswith("head.fc.")]  # CTCHead's class layer
    for key, value in old_state.items():
        if key not in head:
            new_state[key] = value.clone()
    old_index = {c: i for i, c in enumerate(old.vocabulary) if i}
    copied = [j for j, char in enumerate(model.vocabulary) if j and char in old_index]
    fresh = [j for j, char in enumerate(model.vocabulary) if j and char not in old_index]
    with torch.no_grad():
        for key in head:
            new_state[key][0] = old_state[key][0]
            for j in copied:
                new_state[key][j] = old_state[key][old_index[model.vocabulary[j]]]
            if new_rows == "mean" and copied and fresh:
                mean = new_state[key][copied].mean(dim=0)
                new_state[key][fresh] = mean + (new_state[key][fresh] if key.endswith("weight")
                                                else 0.0)
    shared_chars = set(old.charset) & set(new_charset)
    shared = len(shared_chars)
    model.load_state_dict(new_state)
    new_chars = "".join(c for c in new_charset if c not in shared_chars)
    report = RemapReport(mode, len(old.charset), len(new_charset), shared,
                         len(new_chars), len(set(old.charset) - shared_chars), new_chars)
    return model.train(), report
