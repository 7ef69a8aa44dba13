"""Streamed rec/cls lines cut from rendered pages (``--line-source pages``): which page and
slot a sample takes, that its line is that page's instance, determinism whatever was cached
or whichever worker renders it, the fallback, and the refusals."""

import cv2
import numpy as np
import pytest
import torch
from torch.utils.data import DataLoader

from ppocr_bench.errors import PpocrError
from ppocr_bench.synth.crops import detector_crop
from ppocr_bench.synth.pipeline import Engine, Kind, SynthSpec, render_page, sample_kind
from ppocr_bench.synth.realism import BASE
from ppocr_bench.text.sampler import LineSampler
from ppocr_bench.train import TrainConfig, tasks
from ppocr_bench.train.datasets import ResumableBatchSampler, worker_init
from ppocr_bench.train.page_lines import LINES_PER_PAGE, PageLines, page_slot
from ppocr_bench.train.stream import RecStream, StreamSpec, describe, stream_rng

from cli_run import cli, one_line_error

VOCAB = ["<blank>", *sorted(set(map(chr, range(32, 127))) | set("éèàçüöäßÉÜÖÄ€£"))]


def test_each_page_gives_its_consecutive_slots_and_both_alternates_scene_and_document():
    for kind in (Kind.scene, Kind.document):
        per = LINES_PER_PAGE[kind]
        assert [page_slot(kind, g)[:2] for g in range(per + 1)] == \
            [(0, s) for s in range(per)] + [(1, 0)]
    scene, doc = LINES_PER_PAGE[Kind.scene], LINES_PER_PAGE[Kind.document]
    slots = [page_slot(Kind.both, g) for g in range(2 * (scene + doc))]
    pages = [p for p, _, _ in slots]
    assert pages == [0] * scene + [1] * doc + [2] * scene + [3] * doc
    spec = SynthSpec("en", kind=Kind.both)
    assert [sample_kind(spec, p) for p in (0, 1, 2, 3)] == [Kind.scene, Kind.document] * 2
    assert {b for _, _, b in slots} == {0, 1}  # the scene and document page of a block share it


def test_scene_pages_give_each_block_more_scene_pages_and_one_keeps_the_old_stream():
    scene, doc = LINES_PER_PAGE[Kind.scene], LINES_PER_PAGE[Kind.document]
    n = 2 * (scene + doc)
    assert [page_slot(Kind.both, g, 1) for g in range(n)] == \
        [page_slot(Kind.both, g) for g in range(n)]
    slots = [page_slot(Kind.both, g, 3) for g in range(2 * (3 * scene + doc))]
    assert [p for p, _, _ in slots] == ([0] * scene + [2] * scene + [4] * scene + [1] * doc
                                        + [6] * scene + [8] * scene + [10] * scene + [3] * doc)
    assert [s for _, s, _ in slots[:3 * scene + 1]] == list(range(scene)) * 3 + [0]
    # half the lines are scene crops, scene pages are even (sample_kind), and no page repeats
    spec = SynthSpec("en", kind=Kind.both)
    kinds = [sample_kind(spec, p) for p, _, _ in slots]
    assert kinds.count(Kind.scene) == kinds.count(Kind.document)
    firsts = [p for i, (p, s, _) in enumerate(slots) if s == 0]
    assert len(firsts) == len(set(firsts)) == 8


def test_scene_pages_put_a_blocks_scene_lines_first_in_its_language():
    spec = StreamSpec(("en", "fr"), seed=3, kind=Kind.both, lines="pages", scene_pages=2)
    faces = spec.faces()
    lines = PageLines(spec, faces, 16, set(VOCAB[1:]))
    g = 2 * 8 + 24 + 8 + 3  # block 1 (fr), its second scene page (index 2 * (1 * 2 + 1)), slot 3
    assert page_slot(Kind.both, g, 2) == (6, 3, 1)
    page = render_page(spec.synth_spec("fr"), 6, LineSampler("fr"), faces["fr"])
    text, _ = lines.cut(stream_rng(3, 0, g), g)
    assert text in {i.text for i in page.instances}
    assert "2 scene pages a document page" in describe(spec.record(faces))


def _stream(kind=Kind.scene, **kw):
    spec = StreamSpec(("en", "fr"), seed=3, kind=kind, lines="pages", **kw)
    return spec, spec.faces()


def test_a_sample_is_its_pages_instance_cut_as_a_detector_cuts_files():
    spec, faces = _stream()
    stream = RecStream(spec, faces, (3, 32, 160), VOCAB, None, max_len=16, tight=True)
    g = 8 * 5 + 3  # page 5 (fr: block 5 of 2 languages), slot 3
    page = render_page(spec.synth_spec("fr"), 5, LineSampler("fr"), faces["fr"])
    texts = [i.text for i in page.instances if len(i.text) <= 16 and not i.vertical]
    sample = stream[(0, g)]
    ids = sample["label"][: sample["length"]].tolist()
    text = "".join(VOCAB[i] for i in ids)
    assert text in texts
    lines = PageLines(spec, faces, 16, set(VOCAB[1:]))
    got_text, crop = lines.cut(stream_rng(3, 0, g), g)
    inst = next(i for i in page.instances if i.text == got_text)
    want = detector_crop(stream_rng(3, 0, g), page.image, inst.points, BASE)
    assert got_text == text and np.array_equal(crop, want)


def test_samples_do_not_depend_on_what_was_cached_or_rendered_before():
    spec, faces = _stream(Kind.both)
    a = RecStream(spec, faces, (3, 32, 160), VOCAB, None, max_len=16, tight=True)
    b = RecStream(spec, faces, (3, 32, 160), VOCAB, None, max_len=16, tight=True)
    keys = [(0, 40), (0, 7), (0, 33), (1, 2)]
    first = [a[k] for k in keys]
    for k in [(0, 100), (0, 9), (0, 41)] + keys[::-1]:
        b[k]
    for key, want in zip(keys, first):
        got = b[key]
        assert got["length"] == want["length"] and np.array_equal(got["image"], want["image"])


def test_a_page_without_a_usable_line_falls_back_to_a_drawn_one(monkeypatch):
    spec, faces = _stream()
    lines = PageLines(spec, faces, 16, None)
    monkeypatch.setattr(lines, "page", lambda index, block: (np.zeros((9, 9, 3), np.uint8), []))
    assert lines.cut(np.random.default_rng(0), 11) is None
    stream = RecStream(spec, faces, (3, 32, 160), VOCAB, None, max_len=16, tight=True)
    monkeypatch.setattr(stream.lines.pages, "page", lambda index, block: (None, []))
    sample = stream[(0, 11)]  # the drawn line the same sample draws without pages
    drawn_text, _ = stream.lines.draw(stream_rng(3, 0, 11), 32)
    ids = sample["label"][: sample["length"]].tolist()
    assert "".join(VOCAB[i] for i in ids) == drawn_text


def _config(out, **kw):
    return TrainConfig(task="rec", data="synth:en+fr", out=str(out), workers=0, threads=1,
                       device="cpu", batch_size=4, steps=1, line_source="pages",
                       overrides={"input_size": (3, 32, 128), "scale": 0.35, "hidden_size": 16},
                       **kw)


def test_worker_count_does_not_change_the_batches(tmp_path):
    config = _config(tmp_path)
    model = tasks.build_model(config, tmp_path, False, [])
    stream, _ = tasks.datasets(config, model)
    assert stream.record["lines"] == "pages"
    _, collate = tasks.loader_parts(config, stream, model)

    def batches(workers):
        sampler = ResumableBatchSampler(len(stream), 4, 0, 3, shuffle=False)
        return list(DataLoader(stream, batch_sampler=sampler, num_workers=workers,
                               worker_init_fn=worker_init if workers else None,
                               collate_fn=collate))

    threads = cv2.getNumThreads()
    cv2.setNumThreads(1)
    try:
        pairs = list(zip(batches(0), batches(2), strict=True))
    finally:
        cv2.setNumThreads(threads)
    for one, two in pairs:
        for key in one:
            torch.testing.assert_close(one[key], two[key], rtol=0, atol=0)


def test_bad_line_sources_are_refused_in_one_line(tmp_path):
    with pytest.raises(PpocrError, match="--line-source must be drawn or pages, not 'crops'"):
        TrainConfig(task="rec", data="synth:en", out=str(tmp_path), steps=1, line_source="crops")
    with pytest.raises(PpocrError, match="trdg draws lines only"):
        StreamSpec(("en",), engine=Engine.trdg, lines="pages")
    one_line_error(cli("train", "rec", "--data", "synth:en", "--out", tmp_path / "q", "--steps",
                       "1", "--line-source", "words"), "--line-source must be drawn or pages")
    with pytest.raises(PpocrError, match="--scene-pages must be at least 1, got 0"):
        StreamSpec(("en",), kind=Kind.both, scene_pages=0)
    one_line_error(cli("train", "rec", "--data", "synth:en", "--out", tmp_path / "q", "--steps",
                       "1", "--synth-kind", "scene", "--scene-pages", "3"),
                   "--scene-pages 3: only for --synth-kind both with --line-source pages")


def test_runs_from_before_line_sources_keep_drawn_lines_and_det_runs_the_default(tmp_path):
    old = _config(tmp_path).to_dict()
    del old["line_source"]
    assert TrainConfig.from_dict(old).line_source == "drawn"
    det = TrainConfig(task="det", data="synth:en", out=str(tmp_path), steps=1).to_dict()
    del det["line_source"]
    assert TrainConfig.from_dict(det).line_source == TrainConfig.line_source == "pages"
