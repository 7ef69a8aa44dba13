"""Which zoo entry reads a language best: what ``ppocr-bench ocr IMAGE --lang LANG`` runs when no
``--zoo`` is named.

Candidates are the entries of the zoo folder that can run the whole system for the language: a
detector and a recognizer serving it, with their weight files on disk (an official entry counts
once ``zoo import`` has written its weights). They are ranked by the end-to-end hmean their card
records for the language (``[eval.LANG]``, written by ``ppocr-bench eval ... --record`` on the
language's default eval set, so every entry is measured on the same images), then by recognition
accuracy; an entry without a record ranks after those with one, by name.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ppocr_bench.errors import PpocrError
from ppocr_bench.text.langs import get_lang
from ppocr_bench.zoo.card import ZOO_DIR, ZooCard, list_entries


@dataclass(frozen=True)
class Choice:
    """The chosen entry, its recorded figures for the language (empty when none) and the
    candidates it was chosen from, best first."""

    card: ZooCard
    figures: dict
    ranked: tuple[str, ...]

    def describe(self, lang: str) -> str:
        """One line: which entry, and why."""
        name = f"zoo/{self.card.name}"
        if not self.figures:
            return (f"{lang}: {name} (no entry has eval figures for {lang}; first by name of "
                    f"{', '.join(self.ranked)})")
        e2e, rec = self.figures.get("e2e_hmean"), self.figures.get("rec_acc")
        shown = ", ".join(f"{k} {v:.3f}" for k, v in (("e2e hmean", e2e), ("rec acc", rec))
                          if v is not None)
        others = f" over {', '.join(self.ranked[1:])}" if len(self.ranked) > 1 else ""
        return f"{lang}: {name} ({shown} on {self.figures.get('data', 'its eval set')}){others}"


def runnable(card: ZooCard, lang: str) -> bool:
    """Whether ``card`` has a det model and a rec model serving ``lang``, their weights on disk."""
    models = [card.find("det"), card.find("rec", lang)]
    return all(m is not None and card.resolve(m.weights).is_file() for m in models)


def _key(card: ZooCard, lang: str) -> tuple:
    figures = card.eval.get(lang, {})
    if not figures:
        return (1, 0.0, 0.0, card.name)
    return (0, -float(figures.get("e2e_hmean", 0.0)), -float(figures.get("rec_acc", 0.0)),
            card.name)


def choose_entry(lang: str, zoo_dir: Path = ZOO_DIR) -> Choice:
    """The best entry of ``zoo_dir`` for ``lang`` (module docstring); a one-line PpocrError when
    none can run it."""
    get_lang(lang)
    cards = [c for c in list_entries(zoo_dir) if runnable(c, lang)]
    if not cards:
        raise PpocrError(f"no zoo entry in {zoo_dir} has a detector and a {lang} recognizer with "
                         "their weights (see `ppocr-bench zoo list`; official entries: "
                         "`ppocr-bench zoo import NAME`); or name one with --zoo")
    cards.sort(key=lambda c: _key(c, lang))
    return Choice(cards[0], dict(cards[0].eval.get(lang, {})),
                  tuple(f"zoo/{c.name}" for c in cards))
