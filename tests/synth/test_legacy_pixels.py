"""``Realism`` legacy mode draws exactly the pixels of the synthesis before the realism options
(the default eval sets and zoo/mobile v1's data depend on it).

The digests were taken with the code before the realism options existed (41b9851), on the
pinned pip fonts, with OpenCV's optimized paths off (``cv2.setUseOptimized(False)``): with them
on, OpenCV dispatches to Intel IPP and SIMD code chosen for the processor, whose last bits differ
between CPUs (an AMD EPYC with AVX2 and an Intel Xeon with AVX-512 gave other digests, each the
same for the old and the new code). Like the eval sets' hashes in zoo/mobile's card, they still
depend on the Pillow, FreeType and OpenCV builds pip installs.
"""

import hashlib

import cv2
import numpy as np
import pytest

from ppocr_bench.synth import writer
from ppocr_bench.synth.document import make_document
from ppocr_bench.synth.realism import LEGACY
from ppocr_bench.synth.render import render_line_image
from ppocr_bench.synth.scene import make_scene
from ppocr_bench.text.eval_fonts import pinned_faces
from ppocr_bench.text.sampler import LineSampler

DIGESTS = {"en": "0ccea6beba9f727298cd326c32f8ccdc", "ja": "c112c65d6e62d5f6264fc8e9bdb7f832"}


@pytest.fixture()
def portable_opencv():
    """OpenCV's plain code paths, the same on every x86-64 CPU, for this test only."""
    optimized = cv2.useOptimized()
    cv2.setUseOptimized(False)
    yield
    cv2.setUseOptimized(optimized)


def legacy_digest(lang: str) -> str:
    faces, sampler, h = pinned_faces(lang), LineSampler(lang), hashlib.md5()
    for seed in range(3):
        page = make_scene(np.random.default_rng([seed, 1]), sampler, faces, realism=LEGACY)
        h.update(page.image.tobytes())
        h.update(repr([(i.text, i.points) for i in page.instances]).encode())
        for crop in writer.rec_crops(page):
            h.update(crop.tobytes())
        doc = make_document(np.random.default_rng([seed, 2]), sampler, faces, size=(500, 600),
                            realism=LEGACY)
        h.update(doc.image.tobytes())
        h.update(repr([(i.text, i.points) for i in doc.instances]).encode())
        text = "Hello 123" if lang == "en" else "日本語のテスト"
        img, _ = render_line_image(text, faces[seed % len(faces)], np.random.default_rng(seed),
                                   height=32)
        h.update(img.tobytes())
    return h.hexdigest()


@pytest.mark.parametrize("lang", sorted(DIGESTS))
def test_legacy_mode_draws_the_pixels_of_before(portable_opencv, lang):
    assert legacy_digest(lang) == DIGESTS[lang]
