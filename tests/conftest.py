import os

import pytest
import torch

torch.set_num_threads(min(2, os.cpu_count() or 1))


def pytest_collection_modifyitems(config, items):
    if config.getoption("-m"):
        return
    skip = pytest.mark.skip(reason="slow: run with -m slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


def write_random_zoo(root, charset: list[str], rec_langs=("en",), name: str = "random"):
    """A zoo entry of random-init det_mv3_db, cls_mv3 and rec_mv3_crnn (rec over ``charset``),
    written with real hashes: what loading, eval, ocr and export run on in tests."""
    from model_helpers import zoo_entry

    from ppocr_bench.models import create_model
    from ppocr_bench.zoo.card import ZooCard, read_card, write_card

    torch.manual_seed(0)
    root.mkdir(parents=True, exist_ok=True)
    models = []
    for task, preset in (("det", "det_mv3_db"), ("cls", "cls_mv3"), ("rec", "rec_mv3_crnn")):
        model = create_model(preset, charset=charset if task == "rec" else None).eval()
        models.append(zoo_entry(root, task, preset, model, charset, langs=rec_langs,
                                recipe="random init"))
    write_card(ZooCard(root, name, "random-init weights for tests", models=models))
    return read_card(root)


@pytest.fixture(scope="session")
def random_zoo():
    return write_random_zoo


@pytest.fixture(scope="session")
def synth_en(tmp_path_factory):
    """A 4-image English synth set (det, cls and rec labels; ~160 text lines), drawn with the
    pinned fonts and the legacy synthesis (no photographs) so that the tests using it see the
    same data whatever fonts and photographs are installed."""
    from ppocr_bench.synth.pipeline import SynthSpec, run_synth
    from ppocr_bench.synth.realism import LEGACY
    from ppocr_bench.text.eval_fonts import pinned_faces

    out = tmp_path_factory.mktemp("train_synth") / "en4"
    spec = SynthSpec(lang="en", count=4, seed=0, realism=LEGACY)
    assert run_synth(spec, out, faces=pinned_faces("en")).complete  # same set on every machine
    return out


@pytest.fixture(scope="session")
def tiny_set(tmp_path_factory):
    """Two synthesized English images (scene + document) with det, cls and rec labels (pinned
    fonts and legacy synthesis, as ``synth_en``)."""
    from ppocr_bench.synth.pipeline import SynthSpec, run_synth
    from ppocr_bench.synth.realism import LEGACY
    from ppocr_bench.text.eval_fonts import pinned_faces

    out = tmp_path_factory.mktemp("tiny") / "en"
    spec = SynthSpec("en", count=2, seed=11, realism=LEGACY)
    assert run_synth(spec, out, faces=pinned_faces("en")).complete
    return out


@pytest.fixture(scope="session")
def tiny_zoo(tmp_path_factory, tiny_set):
    """A random-init mobile entry whose rec charset is the characters of ``tiny_set``."""
    lines = (tiny_set / "rec" / "rec_gt.txt").read_text(encoding="utf-8").splitlines()
    charset = sorted({c for line in lines for c in line.split("\t", 1)[1]} - {" "})
    return write_random_zoo(tmp_path_factory.mktemp("zoo") / "random", charset)


def subset_font(src, dst, chars: str):
    """A copy of the font file ``src`` holding only the glyphs of ``chars`` (same family and
    style names, other bytes), written to ``dst``: a font that covers part of a charset."""
    from fontTools import subset

    options = subset.Options()
    options.name_IDs = ["*"]
    font = subset.load_font(str(src), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=chars)
    subsetter.subset(font)
    subset.save_font(font, str(dst), options)
    return dst


@pytest.fixture(scope="session")
def font_subset():
    return subset_font
