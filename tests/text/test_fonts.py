import json
import shutil
from pathlib import Path

import pytest

from ppocr_bench.errors import PpocrError
from ppocr_bench.text import font_files
from ppocr_bench.text.corpus import load_charset
from ppocr_bench.text.font_files import pypi_font_dirs
from ppocr_bench.text.fonts import (
    FontFace,
    coverage,
    coverage_rows,
    discover_fonts,
    fonts_for_lang,
    is_usable,
    uncovered_chars,
)

CODES = ["zh", "en", "fr", "de", "ja", "ko", "ru"]


def _noto_dir() -> Path:
    return next(d for d in pypi_font_dirs() if d.name == "noto_cjk_sans_otc")


def _mpl_dir() -> Path:
    return next(d for d in pypi_font_dirs() if d.parts[-4:] == ("matplotlib", "mpl-data", "fonts", "ttf"))


@pytest.fixture()
def dejavu_only(tmp_path: Path) -> Path:
    shutil.copy(_mpl_dir() / "DejaVuSans.ttf", tmp_path / "DejaVuSans.ttf")
    return tmp_path


def test_noto_collection_gives_one_face_per_index():
    faces = discover_fonts([_noto_dir()])
    assert sorted(f.index for f in faces) == list(range(10))
    by_family = {f.family: f for f in faces}
    assert by_family["Noto Sans CJK JP"].index == 0
    assert by_family["Noto Sans CJK SC"].index == 2
    assert all(f.source == "pypi:noto-cjk-sans-otc" and f.license == "OFL-1.1" for f in faces)
    assert ord("あ") in by_family["Noto Sans CJK JP"].codepoints


def test_matplotlib_fonts_skip_fallback_and_math_fonts():
    families = {f.family for f in discover_fonts([_mpl_dir()])}
    assert "DejaVu Sans" in families
    assert not {fam for fam in families if fam.startswith(("LastResort", "cm", "STIXSize", "STIXNonUni"))}


def test_results_sorted_and_deduplicated(tmp_path: Path):
    src = _mpl_dir() / "DejaVuSans.ttf"
    shutil.copy(src, tmp_path / "copy.ttf")
    (tmp_path / "link.ttf").symlink_to(src)
    faces = discover_fonts([tmp_path, _mpl_dir()])
    keys = [(f.family, f.style, str(f.path), f.index) for f in faces]
    assert keys == sorted(keys)
    assert len({(f.family, f.style) for f in faces}) == len(faces)


def test_unparsable_files_are_skipped(tmp_path: Path, dejavu_only: Path):
    (dejavu_only / "broken.ttf").write_bytes(b"not a font at all")
    (dejavu_only / "LastResortHE-Regular.ttf").write_bytes(b"skipped by name")
    faces = discover_fonts([dejavu_only])
    assert [f.path.name for f in faces] == ["DejaVuSans.ttf"]


def test_codepoints_cached_on_disk_under_the_cache_root(tmp_path: Path, dejavu_only: Path,
                                                        monkeypatch):
    monkeypatch.setenv("PPOCR_BENCH_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))  # not ours: ignored
    monkeypatch.setattr(font_files, "_PARSED", {})
    [face] = discover_fonts([dejavu_only])
    [cached] = (tmp_path / "cache" / "fonts").glob("*.json")
    assert not (tmp_path / "xdg").exists()
    data = json.loads(cached.read_text())
    assert data["faces"][0]["family"] == "DejaVu Sans"
    monkeypatch.setattr(font_files, "_PARSED", {})
    monkeypatch.setattr(font_files, "_parse", lambda path: pytest.fail("cache not used"))
    assert discover_fonts([dejavu_only])[0].codepoints == face.codepoints


def test_coverage_is_exact_on_a_tiny_charset():
    face = FontFace(Path("x.ttf"), 0, "X", "Regular", "test", "none", frozenset(map(ord, "ABCあ")))
    assert coverage(face, ["A", "B", "Z", "한"]) == 0.5
    assert coverage(face, ["A", "あ"]) == 1.0
    assert coverage(face, ["Z"]) == 0.0
    assert face.missing("ZAZ한") == "Z한"
    assert uncovered_chars(["A", "Z", "あ", "한"], [face]) == ["Z", "한"]


@pytest.mark.parametrize("lang", CODES)
def test_always_present_fonts_cover_every_language(lang: str):
    faces = fonts_for_lang(lang, pypi_font_dirs())
    assert faces
    charset = load_charset(lang)
    assert all(coverage(f, charset) >= 0.97 for f in faces)
    assert uncovered_chars(charset, faces) == []


def test_cjk_faces_only_serve_their_region():
    dirs = [_noto_dir()]
    assert {f.family for f in fonts_for_lang("ja", dirs)} == {"Noto Sans CJK JP", "Noto Sans Mono CJK JP"}
    assert {f.family for f in fonts_for_lang("ko", dirs)} == {"Noto Sans CJK KR", "Noto Sans Mono CJK KR"}
    assert {f.family for f in fonts_for_lang("zh", dirs)} == {"Noto Sans CJK SC", "Noto Sans Mono CJK SC"}
    assert len(fonts_for_lang("en", dirs)) == 10


def test_latin_font_alone_fails_for_ja_and_works_for_en(dejavu_only: Path):
    assert [f.family for f in fonts_for_lang("en", [dejavu_only])] == ["DejaVu Sans"]
    with pytest.raises(PpocrError) as err:
        fonts_for_lang("ja", [dejavu_only])
    msg = str(err.value)
    assert "corpora/ja/charset.txt" in msg and "characters missing from every font" in msg
    assert "あ" in msg or "々" in msg
    assert "ppocr-bench fonts install --script japanese" in msg and "fonts-noto-cjk" in msg


def test_min_coverage_override(dejavu_only: Path):
    [face] = discover_fonts([dejavu_only])
    assert is_usable(face, "en")
    assert not is_usable(face, "en", min_coverage=1.01)
    assert not is_usable(face, "ja", min_coverage=0.0)  # kana still required


def test_unknown_language():
    with pytest.raises(PpocrError, match="zh, en, fr, de, ja, ko"):
        fonts_for_lang("xx", pypi_font_dirs())


def test_coverage_rows():
    rows = coverage_rows([_noto_dir()])
    assert len(rows) == 10
    assert list(rows[0]) == ["family", "style", "source", "license", *CODES, "usable"]
    jp = next(r for r in rows if r["family"] == "Noto Sans CJK JP")
    assert jp["usable"] == "en fr de ja ru" and jp["zh"] == 1.0


@pytest.mark.parametrize(("family", "usable"), [
    ("WenQuanYi Zen Hei", {"zh"}),            # manifest: han only (a Chinese font)
    ("IPAexGothic", {"ja"}),                  # manifest: japanese only
    ("NanumGothic Eco", {"ko"}),              # manifest: hangul only
    ("Noto Sans CJK TC", {"en"}),             # region tag: Traditional, not zh-Hans
    ("Noto Serif CJK KR", {"ko", "en"}),
    ("Go Smallcaps", set()),                  # manifest: scripts = [] (small capitals)
    ("My Pan-CJK Font", {"zh", "ja", "ko", "en"}),  # unknown family: coverage decides
    ("Gotham", {"zh", "ja", "ko", "en"}),     # "Go" matches whole words only
])
def test_name_rules_on_full_coverage(family: str, usable: set[str]):
    [noto] = [f for f in discover_fonts([_noto_dir()]) if f.index == 0]
    cps = noto.codepoints | frozenset(map(ord, "".join(load_charset("fr") + load_charset("de"))))
    face = FontFace(Path("x.otf"), 0, family, "Regular", "test", "none", cps)
    assert {lang for lang in ("zh", "en", "ja", "ko") if is_usable(face, lang)} == usable
