"""The model zoo: entry cards with strict, hash-checked loading (:mod:`.card`), ``zoo add`` of a
trained run (:mod:`.add`) and importers of official PP-OCR weights (:mod:`.importers`).

>>> from ppocr_bench.zoo import read_card
>>> card = read_card("zoo/mobile")
"""

from ppocr_bench.zoo.card import (ZOO_DIR, ZooCard, ZooModel, cards_at, list_entries, read_card,
                                  write_card)

__all__ = ["ZOO_DIR", "ZooCard", "ZooModel", "cards_at", "list_entries", "read_card",
           "write_card"]
