"""Document pages: horizontal and vertical layouts, determinism, valid tight polygons."""

from __future__ import annotations

import numpy as np
import pytest
from test_render import FakeSampler, face_set
from test_scene import check_page

from ppocr_bench.synth.document import document_with_ink, make_document


@pytest.mark.parametrize("lang", ["en", "zh", "ko"])
def test_document_instances_are_valid(lang: str) -> None:
    faces = face_set(lang)
    for seed in range(3):
        page, labels = document_with_ink(np.random.default_rng(seed), FakeSampler(lang), faces)
        assert page.kind == "document" and 1000 <= page.image.shape[0] <= 1300
        assert len(page.instances) >= 10
        assert not any(i.vertical for i in page.instances)
        check_page(page, labels, faces)


@pytest.mark.parametrize("lang", ["ja", "zh"])
def test_vertical_document_has_tall_vertical_lines(lang: str) -> None:
    faces = face_set(lang)
    for seed in range(3):
        page, labels = document_with_ink(
            np.random.default_rng(seed), FakeSampler(lang), faces, vertical=True
        )
        check_page(page, labels, faces)
        vertical = [i for i in page.instances if i.vertical]
        assert len(vertical) >= 0.6 * len(page.instances) and len(vertical) >= 8
        for inst in vertical:
            pts = np.asarray(inst.points)
            assert np.ptp(pts[:, 1]) > np.ptp(pts[:, 0])


def test_document_is_deterministic_and_sized() -> None:
    faces, sampler = face_set("en"), FakeSampler("en")
    a = make_document(np.random.default_rng(5), sampler, faces, size=(820, 1040))
    b = make_document(np.random.default_rng(5), sampler, faces, size=(820, 1040))
    c = make_document(np.random.default_rng(6), sampler, faces, size=(820, 1040))
    assert a.image.shape == (1040, 820, 3)
    assert np.array_equal(a.image, b.image)
    assert [i.points for i in a.instances] == [i.points for i in b.instances]
    assert not np.array_equal(a.image, c.image)
