"""Discovery of the fonts Debian packages install: its folder layout, links, broken files, blank
glyphs, faces FreeType cannot draw, and the folders fontconfig names."""

from __future__ import annotations

import shutil
import string
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from fontTools.ttLib.tables._g_l_y_f import Glyph

from ppocr_bench.text import font_files
from ppocr_bench.text.corpus import load_charset
from ppocr_bench.text.font_files import fontconfig_dirs, package_font_dir
from ppocr_bench.text.fonts import coverage, discover_fonts, fonts_for_lang

MPL = package_font_dir("matplotlib")
NOTO = package_font_dir("noto-cjk-sans-otc") / "NotoSansCJK-Regular.ttc"


def renamed(src: Path, dst: Path, family: str) -> Path:
    """A copy of the font file ``src`` whose family is ``family`` (name IDs 1 and 16)."""
    font = TTFont(str(src))
    for record in list(font["name"].names):
        if record.nameID in (1, 16, 4):
            record.string = family if record.nameID != 4 else f"{family} Regular"
    dst.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(dst))
    return dst


@pytest.fixture()
def fresh_cache(tmp_path: Path, monkeypatch) -> Path:
    """An empty cmap cache: every file is parsed again."""
    monkeypatch.setenv("PPOCR_BENCH_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(font_files, "_PARSED", {})
    return tmp_path / "cache"


@pytest.fixture(scope="module")
def debian_tree(tmp_path_factory, font_subset) -> Path:
    """A folder laid out like /usr/share/fonts: truetype/PACKAGE/*.ttf, opentype/PACKAGE/*.ttc,
    a link, a damaged file and a face covering too little of any charset."""
    root = tmp_path_factory.mktemp("usr-share-fonts")
    dejavu = root / "truetype" / "fonts-dejavu-core"
    dejavu.mkdir(parents=True)
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSerif.ttf"):
        shutil.copy(MPL / name, dejavu / name)
    noto = root / "opentype" / "fonts-noto-cjk"
    noto.mkdir(parents=True)
    (noto / "NotoSansCJK-Regular.ttc").symlink_to(NOTO)
    other = root / "truetype" / "fonts-other"
    other.mkdir(parents=True)
    work = tmp_path_factory.mktemp("subset")
    ascii_font = font_subset(MPL / "DejaVuSansMono.ttf", work / "ascii.ttf", string.printable)
    renamed(ascii_font, other / "AsciiOnly.ttf", "Ascii Only")
    (other / "Broken.ttf").write_bytes(b"\x00\x01\x00\x00 truncated")
    (other / "DejaVuSans-link.ttf").symlink_to(dejavu / "DejaVuSans.ttf")
    return root


def test_debian_layout_is_found_face_by_face(debian_tree: Path, fresh_cache: Path):
    faces = discover_fonts([debian_tree])
    found = sorted((f.family, f.style, f.path.parent.name) for f in faces)
    assert ("DejaVu Sans", "Bold", "fonts-dejavu-core") in found
    assert ("DejaVu Serif", "Book", "fonts-dejavu-core") in found
    assert ("Ascii Only", "Book", "fonts-other") in found
    assert sum(f.family.startswith("Noto Sans") for f in faces) == 10  # one per index of the TTC
    assert len(faces) == 3 + 1 + 10  # the link to DejaVuSans.ttf counts once, Broken.ttf not
    by_family = {f.family: f for f in faces}
    assert by_family["DejaVu Sans"].license == "Bitstream-Vera"  # from fonts/manifest.toml
    assert by_family["Noto Sans CJK JP"].license == "OFL-1.1"
    assert by_family["Ascii Only"].license == "see font file"  # not in the manifest


def test_debian_layout_serves_each_language(debian_tree: Path, fresh_cache: Path):
    en = {f.family for f in fonts_for_lang("en", [debian_tree])}
    assert {"DejaVu Sans", "DejaVu Serif"} <= en and "Ascii Only" not in en  # 90% of en: too few
    assert {f.family for f in fonts_for_lang("ja", [debian_tree])} == {
        "Noto Sans CJK JP", "Noto Sans Mono CJK JP"}


def test_blank_outlines_are_not_coverage(tmp_path: Path, fresh_cache: Path):
    font = TTFont(str(MPL / "DejaVuSans.ttf"))
    font["glyf"]["eacute"] = Glyph()  # an outline with no contours: draws nothing
    path = tmp_path / "fonts" / "BlankEacute.ttf"
    path.parent.mkdir()
    font.save(str(path))
    [face] = discover_fonts([path.parent])
    assert ord("é") not in face.codepoints and ord("e") in face.codepoints
    assert ord(" ") in face.codepoints  # a space draws nothing by design: kept
    assert coverage(face, load_charset("fr")) == pytest.approx(136 / 137)


def test_faces_freetype_cannot_draw_are_skipped(tmp_path: Path, fresh_cache: Path, monkeypatch):
    from PIL import ImageFont

    folder = tmp_path / "fonts"
    folder.mkdir()
    shutil.copy(MPL / "DejaVuSans.ttf", folder / "Good.ttf")
    shutil.copy(MPL / "DejaVuSerif.ttf", folder / "Bad.ttf")
    truetype = ImageFont.truetype

    def failing(path, *args, **kwargs):
        if str(path).endswith("Bad.ttf"):
            raise OSError("invalid opcode")
        return truetype(path, *args, **kwargs)

    monkeypatch.setattr(ImageFont, "truetype", failing)
    assert [f.path.name for f in discover_fonts([folder])] == ["Good.ttf"]


def test_fontconfig_dirs(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    conf = tmp_path / "etc-fonts"
    (conf / "conf.d").mkdir(parents=True)
    (conf / "fonts.conf").write_text(
        "<fontconfig><dir>/usr/share/fonts</dir><dir prefix=\"xdg\">fonts</dir>"
        "<dir>~/.fonts</dir><dir>relative/ignored</dir></fontconfig>")
    (conf / "conf.d" / "65-fonts-lmodern.conf").write_text(
        "<?xml version=\"1.0\"?><fontconfig><dir>/usr/share/texmf/fonts/opentype/public/lm</dir>"
        "</fontconfig>")
    (conf / "conf.d" / "99-broken.conf").write_text("<fontconfig><dir>")
    assert fontconfig_dirs(conf) == (Path("/usr/share/fonts"), tmp_path / "xdg" / "fonts",
                                     tmp_path / "home" / ".fonts",
                                     Path("/usr/share/texmf/fonts/opentype/public/lm"))
    assert fontconfig_dirs(tmp_path / "no-fontconfig") == ()


def test_default_dirs_add_fontconfigs_other_folders(tmp_path: Path, monkeypatch):
    conf = tmp_path / "etc-fonts"
    conf.mkdir()
    (conf / "fonts.conf").write_text("<fontconfig><dir>/usr/share/fonts</dir>"
                                     "<dir>/opt/more-fonts</dir></fontconfig>")
    monkeypatch.setattr(font_files, "FONTCONFIG_DIR", conf)
    dirs = font_files.default_font_dirs()
    assert dirs.count(Path("/usr/share/fonts")) == 1 and Path("/opt/more-fonts") in dirs
    assert dirs[-1] == font_files.REPO_FONT_DIR
