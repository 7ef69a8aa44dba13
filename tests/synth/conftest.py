from pathlib import Path

import pytest
from photo_fixtures import photo_env  # noqa: F401 (the photo tests' fixture, shared through conftest)

from ppocr_bench.synth.pipeline import Kind, SynthSpec, run_synth


@pytest.fixture(scope="session")
def synth_run(tmp_path_factory):
    """Synth runs shared by the dataset tests: (lang, kind, count, workers) -> folder."""
    cache: dict[tuple, Path] = {}

    def get(lang: str = "en", kind: Kind = Kind.both, count: int = 6, workers: int = 1,
            vertical: bool = False) -> Path:
        key = (lang, kind, count, workers, vertical)
        if key not in cache:
            out = tmp_path_factory.mktemp(f"synth-{lang}") / "out"
            spec = SynthSpec(lang=lang, kind=kind, count=count, seed=3, vertical=vertical)
            run_synth(spec, out, workers=workers)
            cache[key] = out
        return cache[key]

    return get
