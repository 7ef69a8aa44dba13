import pytest

from ppocr_bench.errors import PpocrError
from ppocr_bench.models import load_model
from ppocr_bench.train import TrainConfig, train
from ppocr_bench.zoo.add import zoo_add
from ppocr_bench.text.charset import read_charset_file
from ppocr_bench.zoo.card import read_card, verified_file


def test_zoo_add_writes_a_verifiable_card(synth_en, tmp_path):
    run = tmp_path / "runs" / "rec_tiny"
    train(TrainConfig(task="rec", data=str(synth_en), val=str(synth_en), out=str(run), steps=2,
                      batch_size=2, max_samples=2, workers=0, threads=1, device="cpu",
                      overrides={"input_size": (3, 32, 64), "scale": 0.35, "hidden_size": 8}))
    zoo = tmp_path / "zoo"
    zoo_add(run, zoo, "tiny", "rec", ["en"])
    card = read_card(zoo / "tiny")
    model = card.find("rec", "en")
    assert model is not None and model.preset == "rec_mv3_crnn"
    assert model.args == {"input_size": [3, 32, 64], "scale": 0.35, "hidden_size": 8}
    assert model.input_size == [3, 32, 64]
    weights = verified_file(card, model.weights, model.weights_sha256)
    charset = verified_file(card, model.charset, model.charset_sha256)
    loaded = load_model(weights)
    assert loaded.charset == read_charset_file(charset)
    assert "ppocr-bench synth --lang en" in model.data
    assert "Adam" in model.recipe and "ppocr-bench train rec" in model.metrics["command"]
    assert model.recipe.startswith("ppocr-bench train rec")    # from scratch: no start named
    assert 0.0 <= model.metrics["acc"] <= 1.0
    # adding again replaces the entry's rec model for these languages instead of duplicating it
    zoo_add(run, zoo, "tiny", "rec", ["en"])
    assert len(read_card(zoo / "tiny").models) == 1
    with pytest.raises(PpocrError, match="not det"):
        zoo_add(run, zoo, "tiny", "det", ["en"])


def test_data_of_a_label_file_names_each_synth_folder_it_points_into(tiny_set, synth_en,
                                                                     tmp_path):
    from ppocr_bench.zoo.add import _data_command

    lines = []
    for folder in (tiny_set, synth_en):
        first = (folder / "rec" / "rec_gt.txt").read_text(encoding="utf-8").splitlines()[0]
        lines.append(f"{folder / 'rec' / first}")
    labels = tmp_path / "both_rec.txt"
    labels.write_text("\n".join(lines) + "\n", encoding="utf-8")
    described = _data_command(str(labels))
    assert described.count("ppocr-bench synth --lang en") == 2
    assert f"--out {tiny_set}" in described and f"--out {synth_en}" in described
    assert described.endswith(f"labels of all of them in {labels}")


# ---------------------------------------------------------------- languages the charset covers
@pytest.fixture(scope="module")
def rec_run(synth_en, tmp_path_factory):
    run = tmp_path_factory.mktemp("runs") / "rec_en"
    train(TrainConfig(task="rec", data=str(synth_en), out=str(run), steps=1, batch_size=2,
                      max_samples=2, workers=0, threads=1, device="cpu", charset="lang:en",
                      overrides={"input_size": (3, 32, 64), "scale": 0.35, "hidden_size": 8}))
    return run


def test_lang_coverage_counts_characters_and_words():
    from ppocr_bench.text.corpus import load_charset
    from ppocr_bench.zoo.add import LangCoverage, lang_coverage

    en = load_charset("en")
    assert lang_coverage(en, "en") == LangCoverage("en", len(en), len(en), 1.0)
    assert lang_coverage([], "fr") == LangCoverage("fr", 0, len(load_charset("fr")), 0.0)
    no_e = lang_coverage([c for c in en if c != "e"], "en")
    assert no_e.chars == len(en) - 1 and 0.2 < no_e.words < 0.8  # 'e' is in most words


def test_zoo_add_refuses_a_language_the_charset_does_not_cover(rec_run, tmp_path):
    zoo = tmp_path / "zoo"
    zoo_add(rec_run, zoo, "tiny", "rec", ["en"])
    before = {p: p.read_bytes() for p in sorted(zoo.rglob("*")) if p.is_file()}
    with pytest.raises(PpocrError, match=(
            rf"^{rec_run}/\w+\.safetensors: --lang ja: the model's charset covers [\d,]+ of "
            r"3,279 characters \(\d+\.\d%\) of the ja charset and writes \d+\.\d% of the ja "
            r"corpus words; a model for ja must write at least 98% of them$")):
        zoo_add(rec_run, zoo, "tiny", "rec", ["en", "ja"])
    assert {p: p.read_bytes() for p in sorted(zoo.rglob("*")) if p.is_file()} == before
    with pytest.raises(PpocrError, match="unknown language 'xx'"):
        zoo_add(rec_run, zoo, "tiny", "rec", ["xx"])


def test_zoo_add_of_an_uncovered_language_is_one_line(rec_run, tmp_path):
    from cli_run import cli, one_line_error

    zoo = tmp_path / "zoo"
    proc = cli("zoo", "add", rec_run, "--name", "tiny", "--task", "rec", "--lang", "ja",
               "--zoo-dir", zoo)
    one_line_error(proc, "--lang ja: the model's charset covers ")
    assert not zoo.exists()


# ---------------------------------------------------------------- a weights file (a stage)
def test_zoo_add_of_a_weights_file_takes_its_model_from_the_file(rec_run, tmp_path):
    from ppocr_bench.inference.system import load_zoo_model

    zoo = tmp_path / "zoo"
    from_run = zoo_add(rec_run, zoo, "from-run", "rec", ["en"]).models[0]
    weights = tmp_path / "stages" / "rec_en_s3.safetensors"
    weights.parent.mkdir()
    weights.write_bytes((rec_run / "final.safetensors").read_bytes())
    card = zoo_add(weights, zoo, "staged", "rec", ["en"], recipe="STAGE=1..3 bash recipe.sh",
                   data="streamed synthesis, en")
    model = card.find("rec", "en")
    assert model.weights == "rec_rec_en_s3.safetensors"
    assert model.args == from_run.args == {"input_size": [3, 32, 64], "scale": 0.35,
                                           "hidden_size": 8}   # read from the file's spec
    assert model.input_size == [3, 32, 64] and model.metrics == {}
    assert (model.recipe, model.data) == ("STAGE=1..3 bash recipe.sh", "streamed synthesis, en")
    assert read_charset_file(zoo / "staged" / model.charset) == load_model(weights).charset
    load_zoo_model(read_card(zoo / "staged"), model)        # loads, hashes checked
    with pytest.raises(PpocrError, match=rf"^{weights}: a weights file does not say how it was "
                                         "made: give --recipe and --data"):
        zoo_add(weights, zoo, "staged", "rec", ["en"], recipe="only a recipe")
    with pytest.raises(PpocrError, match=rf"^{weights} holds a rec model, not det$"):
        zoo_add(weights, zoo, "staged", "det", [], recipe="r", data="d")
    with pytest.raises(PpocrError, match="no such run folder or weights file"):
        zoo_add(tmp_path / "nothing.safetensors", zoo, "staged", "rec", ["en"], recipe="r",
                data="d")
    with pytest.raises(PpocrError, match="--lang ja: the model's charset covers"):
        zoo_add(weights, zoo, "staged", "rec", ["ja"], recipe="r", data="d")
    assert len(read_card(zoo / "staged").models) == 1


def test_zoo_add_of_a_weights_file_without_a_recipe_is_one_line(rec_run, tmp_path):
    from cli_run import cli, one_line_error

    proc = cli("zoo", "add", rec_run / "final.safetensors", "--name", "tiny", "--task", "rec",
               "--lang", "en", "--zoo-dir", tmp_path / "zoo")
    one_line_error(proc, "a weights file does not say how it was made")
    proc = cli("zoo", "add", rec_run / "final.safetensors", "--name", "tiny", "--task", "rec",
               "--lang", "en", "--recipe", "r", "--data", "d", "--zoo-dir", tmp_path / "zoo")
    assert proc.returncode == 0, proc.stderr


# ---------------------------------------------------------------- another entry's det and cls
def test_zoo_link_uses_another_entrys_det_and_cls_in_place(rec_run, tmp_path):
    from ppocr_bench.inference.system import load_zoo_model
    from ppocr_bench.models import create_model, save_weights
    from ppocr_bench.files import sha256_file
    from ppocr_bench.zoo.add import zoo_link
    from ppocr_bench.zoo.card import ZooCard, ZooModel, write_card

    zoo = tmp_path / "zoo"
    src = zoo / "official"
    src.mkdir(parents=True)
    models = []
    for task, preset in (("det", "det_mv3_db"), ("cls", "cls_mv3")):
        save_weights(create_model(preset), src / f"{task}.safetensors")
        models.append(ZooModel(task, preset, f"{task}.safetensors",
                               sha256_file(src / f"{task}.safetensors"),
                               post={"box_thresh": 0.5} if task == "det" else {}))
    write_card(ZooCard(src, "official", import_command="ppocr-bench zoo import official",
                       models=models))
    alone = zoo_link(tmp_path / "elsewhere" / "det-only", src, ["det"])   # a new entry
    assert [m.weights for m in alone.models] == ["../../zoo/official/det.safetensors"]
    load_zoo_model(alone, alone.models[0])
    zoo_add(rec_run, zoo, "ours", "rec", ["en"])
    card = zoo_link(zoo / "ours", src, ["det", "cls"])
    assert [m.task for m in card.models] == ["det", "cls", "rec"]
    det = read_card(zoo / "ours").find("det")
    assert det.weights == "../official/det.safetensors" and det.post == {"box_thresh": 0.5}
    assert "zoo link" in det.recipe
    assert read_card(zoo / "ours").import_command == "ppocr-bench zoo import official"
    for model in read_card(zoo / "ours").models:   # every model loads, hashes checked
        load_zoo_model(card, model)
    # linking again replaces, never duplicates; a recognizer or a missing task is refused
    assert len(zoo_link(zoo / "ours", src, ["det"]).models) == 3
    with pytest.raises(PpocrError, match="only det and cls"):
        zoo_link(zoo / "ours", src, ["rec"])
    (src / "cls.safetensors").unlink()
    with pytest.raises(PpocrError, match="missing .*zoo import official"):
        zoo_link(zoo / "ours", src, ["cls"])
