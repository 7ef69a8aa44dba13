import shutil

import pytest

from ppocr_bench.errors import PpocrError
from ppocr_bench.text.font_files import package_font_dir, pypi_font_dirs
from ppocr_bench.text.fonts import language_rows
from ppocr_bench.text.corpus import LETTERS, load_charset
from ppocr_bench.text.langs import (CJK_EXTRA, LANGS, LATIN_EXTRA, NUMBER_FORMATS, OTHER_EXTRA,
                                    PUNCTUATION, SEPARATORS, Language, get_lang)
from ppocr_bench.text.scene_templates import STYLES

CODES = ["zh", "en", "fr", "de", "ja", "ko", "ru"]


def test_languages_with_charset_files():
    assert list(LANGS) == CODES
    for code in CODES:
        assert get_lang(code).charset_path.is_file()
        assert get_lang(code).charset_path.parent.name == code


def test_unknown_language_lists_the_codes():
    with pytest.raises(PpocrError) as err:
        get_lang("xx")
    assert "'xx'" in str(err.value)
    for code in CODES:
        assert code in str(err.value)


def test_language_rows():
    rows = language_rows(pypi_font_dirs())
    assert [r["code"] for r in rows] == CODES
    assert list(rows[0]) == ["code", "name", "script", "family count", "charset", "fonts",
                             "min cov", "mean cov", "uncovered", "families"]
    for row in rows:
        assert row["fonts"] >= 1 and row["families"] and row["uncovered"] == 0
        assert 0.9 <= row["min cov"] <= row["mean cov"] <= 1.0
        assert row["charset"] == len(get_lang(row["code"]).charset_path.read_text("utf-8").splitlines())
    by_code = {r["code"]: r for r in rows}
    assert by_code["zh"]["families"] == "Noto Sans CJK"  # SC and Mono SC: one family
    assert by_code["ja"]["fonts"] == 2 and by_code["ja"]["family count"] == 1


def test_language_rows_count_faces_and_families(tmp_path):
    """A controlled folder: three DejaVu faces of two families and the ten Noto Sans CJK faces
    (one family; every one draws Latin, one region each for zh, ja and ko with its Mono)."""
    mpl, noto = package_font_dir("matplotlib"), package_font_dir("noto-cjk-sans-otc")
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSerif.ttf"):
        shutil.copy(mpl / name, tmp_path / name)
    (tmp_path / "NotoSansCJK-Regular.ttc").symlink_to(noto / "NotoSansCJK-Regular.ttc")
    rows = {r["code"]: r for r in language_rows([tmp_path])}
    counts = {code: (r["fonts"], r["family count"]) for code, r in rows.items()}
    assert counts == {"zh": (2, 1), "en": (13, 3), "fr": (13, 3), "de": (13, 3),
                      "ja": (2, 1), "ko": (2, 1), "ru": (13, 3)}
    assert rows["en"]["families"] == "DejaVu Sans, DejaVu Serif, Noto Sans CJK"


def test_language_rows_without_cjk_fonts(tmp_path):
    rows = {r["code"]: r for r in language_rows([tmp_path])}
    assert rows["ja"]["fonts"] == 0 and rows["ja"]["uncovered"] == rows["ja"]["charset"]


# Every table a language needs (corpora/ADDING_A_LANGUAGE.md): a language added to LANGS and
# forgotten in one of them fails here, by name, before any synthesis does.
TABLES = {"SEPARATORS": SEPARATORS, "NUMBER_FORMATS": NUMBER_FORMATS,
          "PUNCTUATION": PUNCTUATION, "scene_templates.STYLES": STYLES}


@pytest.mark.parametrize("code", CODES)
def test_every_language_is_in_every_table(code):
    lang = get_lang(code)
    for name, table in TABLES.items():
        assert code in table, f"{name} has no entry for {code}"
    assert set(NUMBER_FORMATS[code]) == set(NUMBER_FORMATS["en"])
    assert set(STYLES[code]) >= set(STYLES["zh"])  # every kind of scene token
    extra = LATIN_EXTRA.get(code, "") + CJK_EXTRA.get(code, "") + OTHER_EXTRA.get(code, "")
    assert lang.script == "latin" or code in LETTERS, f"corpus.LETTERS has no {code}"
    assert set(extra) <= set(load_charset(code))
    assert lang.tesseract and lang.words >= 10000 and lang.cjk == (code in CJK_EXTRA)


def test_a_language_of_an_unknown_script_is_refused():
    with pytest.raises(ValueError, match="language xx: unknown script 'greek'"):
        Language("xx", "X", "greek", "ell")
