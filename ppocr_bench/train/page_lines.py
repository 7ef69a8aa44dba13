"""Streamed rec and cls lines cut from whole rendered pages (``--line-source pages``).

A ``synth`` folder's rec crops are cut from its pages (``writer.rec_crops``): scene text
placed on a photo along its surface, blended, shaded and then photographed with the page
(perspective, light, blur, JPEG), and document lines on paper. Lines drawn on their own
(``--line-source drawn``, :func:`ppocr_bench.synth.render.render_line_image`) are cheaper but
show none of the page's own look; the synth-realism table measured folder crops ahead on real
photos. This source streams page crops without writing anything:

- sample ``g = epoch * epoch_size + index`` falls in a block of consecutive samples that
  share pages (:data:`LINES_PER_PAGE` of a scene page, of a document page, both for ``kind
  both``: ``--scene-pages`` scene pages, default 1, and one document page), so a batch renders a few pages, not one a line (the stream's batches are runs of
  consecutive indices; each worker keeps its last pages);
- the line is one of the page's usable instances (horizontal, readable, within the length
  limit and the charset), in an order drawn per page; a page with fewer usable instances than
  its slots repeats them, each time with another crop (a detector's box and degradations, as
  files get them: :func:`ppocr_bench.synth.crops.detector_crop`; the polygon itself for
  ``realism legacy``);
- a page with none falls back to a drawn line, so every sample stays defined by (seed, epoch,
  index) alone.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING

import numpy as np

from ppocr_bench.data.transforms import crop_polygon
from ppocr_bench.synth.crops import detector_crop
from ppocr_bench.synth.pipeline import Kind, render_page
from ppocr_bench.synth.render import readable
from ppocr_bench.text.sampler import get_sampler

if TYPE_CHECKING:
    from ppocr_bench.text.fonts import FontFace
    from ppocr_bench.train.stream import StreamSpec

#: Where streamed rec/cls lines come from (``--line-source``).
LINE_SOURCES = ("drawn", "pages")
#: Lines a page gives, by kind: about what a scene holds (3-12 instances) and a share of a
#: document's 20-40 lines, so ``kind both`` streams about as many document lines as a folder.
LINES_PER_PAGE = {Kind.scene: 8, Kind.document: 24}
#: Pages a worker keeps (a batch of 32 scene lines spans 4 to 5 pages).
CACHE_PAGES = 6
_TAG = 74


def page_slot(kind: Kind, g: int, scene_pages: int = 1) -> tuple[int, int, int]:
    """(page index, slot on the page, block) of stream sample ``g`` for the stream's ``kind``:
    blocks of one page (scene, document) or, for ``both``, of ``scene_pages`` scene pages (even
    indices) and one document page ``2b + 1`` (:func:`ppocr_bench.synth.pipeline.sample_kind`
    alternates them). With the default ``scene_pages`` 1 a block is scene page ``2b`` and
    document page ``2b + 1``, a quarter of its lines scene crops; 3 makes it half."""
    if kind is not Kind.both:
        per = LINES_PER_PAGE[kind]
        return g // per, g % per, g // per
    scene, doc = LINES_PER_PAGE[Kind.scene], LINES_PER_PAGE[Kind.document]
    block, r = divmod(g, scene * scene_pages + doc)
    if r < scene * scene_pages:
        j, slot = divmod(r, scene)
        return 2 * (block * scene_pages + j), slot, block
    return 2 * block + 1, r - scene * scene_pages, block


class PageLines:
    """Cuts stream sample ``g``'s line from its page; keeps the last :data:`CACHE_PAGES`."""

    def __init__(self, spec: StreamSpec, faces: dict[str, list[FontFace]], max_len: int,
                 allowed: set[str] | None) -> None:
        self.spec, self.faces, self.max_len, self.allowed = spec, faces, max_len, allowed
        self.cache: OrderedDict[int, tuple[np.ndarray, list[tuple[str, np.ndarray]]]] = \
            OrderedDict()

    def usable(self, text: str) -> bool:
        return (bool(text) and len(text) <= self.max_len and readable(text)
                and (self.allowed is None or set(text) <= self.allowed))

    def page(self, index: int, block: int) -> tuple[np.ndarray, list[tuple[str, np.ndarray]]]:
        """Page ``index`` (its image and usable (text, polygon) instances, in the page's own
        drawn order), in the language of its block."""
        if index in self.cache:
            self.cache.move_to_end(index)
            return self.cache[index]
        lang = self.spec.langs[block % len(self.spec.langs)]
        page = render_page(self.spec.synth_spec(lang), index, get_sampler(lang),
                           self.faces[lang])
        lines = [(inst.text, np.asarray(inst.points, np.float32)) for inst in page.instances
                 if not inst.vertical and self.usable(inst.text)]
        order = np.random.default_rng([self.spec.seed, index, _TAG]).permutation(len(lines))
        entry = (page.image, [lines[i] for i in order])
        self.cache[index] = entry
        while len(self.cache) > CACHE_PAGES:
            self.cache.popitem(last=False)
        return entry

    def cut(self, rng: np.random.Generator, g: int) -> tuple[str, np.ndarray] | None:
        """(text, RGB crop) of stream sample ``g``; None when its page has no usable line."""
        spec = self.spec
        index, slot, block = page_slot(spec.kind, g, spec.scene_pages)
        image, lines = self.page(index, block)
        if not lines:
            return None
        text, points = lines[slot % len(lines)]
        if spec.realism.legacy:
            return text, crop_polygon(image, points)
        return text, detector_crop(rng, image, points, spec.realism)
