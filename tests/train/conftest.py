from pathlib import Path

import pytest

from ppocr_bench.synth.pipeline import SynthSpec, run_synth


@pytest.fixture(scope="session")
def synth_en(tmp_path_factory) -> Path:
    """A 4-image English synth set (det, cls and rec labels; ~160 text lines)."""
    out = tmp_path_factory.mktemp("train_synth") / "en4"
    result = run_synth(SynthSpec(lang="en", count=4, seed=0), out)
    assert result.complete
    return out
