import pytest

from ppocr_bench.errors import PpocrError
from ppocr_bench.text.fonts import language_rows, pypi_font_dirs
from ppocr_bench.text.langs import LANGS, get_lang

CODES = ["zh", "en", "fr", "de", "ja", "ko"]


def test_six_languages_with_charset_files():
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
    assert list(rows[0]) == ["code", "name", "script", "charset", "fonts", "families", "min cov",
                             "mean cov", "uncovered"]
    for row in rows:
        assert row["fonts"] >= 1 and row["families"] and row["uncovered"] == 0
        assert 0.9 <= row["min cov"] <= row["mean cov"] <= 1.0
        assert row["charset"] == len(get_lang(row["code"]).charset_path.read_text("utf-8").splitlines())
    by_code = {r["code"]: r for r in rows}
    assert by_code["zh"]["families"] == "Noto Sans CJK SC, Noto Sans Mono CJK SC"
    assert by_code["ja"]["fonts"] == 2


def test_language_rows_without_cjk_fonts(tmp_path):
    rows = {r["code"]: r for r in language_rows([tmp_path])}
    assert rows["ja"]["fonts"] == 0 and rows["ja"]["uncovered"] == rows["ja"]["charset"]
