"""``--realism``: parsing, its text form, records, and where it travels (synth specs, streams,
training configs)."""

import pytest

from ppocr_bench.errors import PpocrError
from ppocr_bench.synth.pipeline import SynthSpec, spec_from_json
from ppocr_bench.synth.realism import BASE, LEGACY, SWITCHES, Realism, parse_realism


def test_parse_and_text_round_trip():
    assert parse_realism(None) == parse_realism("base") == BASE
    assert parse_realism("legacy") == LEGACY
    off = parse_realism("-photos, -blur,fonts=pinned")
    assert not off.photos and not off.blur and off.fonts == "pinned" and off.crops
    assert off.text() == "-photos,-blur,fonts=pinned"
    assert parse_realism(off.text()) == off
    assert parse_realism("-jpeg,+jpeg") == BASE
    for name in SWITCHES:
        value = parse_realism(f"-{name}")
        assert not value.on(name) and all(value.on(o) for o in SWITCHES if o != name)
    assert not any(LEGACY.on(o) for o in SWITCHES) and LEGACY.font_pool == "uniform"


@pytest.mark.parametrize("text, needle", [("-photo", "unknown part '-photo'"),
                                          ("fonts=wide", "fonts=wide"),
                                          ("legacy,nope", "unknown part 'nope'")])
def test_bad_realism_is_one_line(text, needle):
    with pytest.raises(PpocrError, match=needle) as err:
        parse_realism(text)
    assert "\n" not in str(err.value)


def test_records_round_trip_and_old_records_read_as_legacy():
    value = parse_realism("-crops", ("/tmp/photos",))
    assert Realism.from_json(value.to_json()) == value
    assert Realism.from_json(None) == LEGACY
    spec = SynthSpec("en", realism=value)
    assert spec_from_json(spec.to_json()) == spec
    assert "--realism -crops --background-dir /tmp/photos" in spec.command()
    legacy = SynthSpec("en", realism=LEGACY)
    assert "realism" not in legacy.to_json()  # a folder made before realism still resumes
    assert spec_from_json(legacy.to_json()) == legacy
    assert "--realism" not in SynthSpec("en").command()


def test_training_configs_carry_realism():
    from ppocr_bench.train import TrainConfig
    from ppocr_bench.train.tasks import stream_spec

    config = TrainConfig(task="rec", data="synth:en", out="x", steps=1, realism="-blend")
    assert stream_spec(config).realism == parse_realism("-blend")
    with_dir = TrainConfig(task="rec", data="synth:en", out="x", steps=1, realism="-blend",
                           background_dir=("/p",))
    assert "--realism -blend" in with_dir.command() and "--background-dir /p" in with_dir.command()
    with pytest.raises(PpocrError, match="/p"):
        stream_spec(with_dir)  # a missing --background-dir is refused before any work
    old = config.to_dict()
    del old["realism"], old["background_dir"]
    assert TrainConfig.from_dict(old).realism == "legacy"  # a run from before realism
    with pytest.raises(PpocrError, match="unknown part"):
        TrainConfig(task="rec", data="synth:en", out="x", steps=1, realism="-nope")


def test_label_options_are_off_in_base_and_recorded_only_when_on():
    words = parse_realism("+words")
    assert words.on("words") and not BASE.on("words") and not LEGACY.on("words")
    assert words.text() == "+words" and parse_realism(words.text()) == words
    assert "words" not in BASE.to_json()  # as recorded before the option existed
    assert Realism.from_json(words.to_json()) == words
    assert Realism.from_json(BASE.to_json()) == BASE
