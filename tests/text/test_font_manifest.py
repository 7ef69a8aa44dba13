"""fonts/manifest.toml: its entries (license, packages, scripts), their checks, the families
balancing counts in, and choose_face's balance between families."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from ppocr_bench.errors import PpocrError
from ppocr_bench.text.langs import CJK_SCRIPTS
from ppocr_bench.text import font_manifest
from ppocr_bench.text.font_files import package_font_dir
from ppocr_bench.text.font_manifest import (
    SCRIPTS,
    base_family,
    family_key,
    load_manifest,
    manifest_entry,
)
from ppocr_bench.text.fonts import FontFace, choose_face, discover_fonts


@pytest.fixture()
def manifest_file(tmp_path: Path, monkeypatch):
    """Point the manifest at a file of the test's own; the real one comes back afterwards."""
    path = tmp_path / "manifest.toml"
    monkeypatch.setattr(font_manifest, "MANIFEST_PATH", path)
    load_manifest.cache_clear()
    yield path
    load_manifest.cache_clear()


def test_repo_manifest_entries_are_complete():
    entries = load_manifest()
    assert len(entries) >= 100
    for entry in entries:
        assert entry.license and set(entry.scripts) <= set(SCRIPTS), entry
        assert entry.packages or entry.pypi, entry  # where its fonts come from
        assert all(p.startswith("fonts-") for p in entry.packages), entry
        cjk = [s for s in entry.scripts if s in CJK_SCRIPTS]
        if cjk and "latin" in entry.scripts:  # only the pan-CJK Noto families draw Latin lines
            assert entry.family in ("Noto Sans CJK", "Noto Serif CJK"), entry


def test_cyrillic_is_drawn_by_latin_families_and_noto_cjk_only():
    for entry in load_manifest():
        if "cyrillic" in entry.scripts:
            assert "latin" in entry.scripts, entry  # other CJK fonts' Cyrillic is full-width
    cyrillic = {e.family for e in load_manifest() if "cyrillic" in e.scripts}
    assert {"Noto Sans CJK", "DejaVu Sans", "Noto Sans", "PT Sans"} <= cyrillic
    assert len(cyrillic) >= 40


def test_license_and_package_of_the_pip_fonts():
    noto = discover_fonts([package_font_dir("noto-cjk-sans-otc")])
    assert {f.license for f in noto} == {"OFL-1.1"}
    entry = manifest_entry("Noto Sans CJK JP")
    assert entry.packages == ("fonts-noto-cjk",) and entry.pypi == "noto-cjk-sans-otc"
    dejavu = manifest_entry("DejaVu Sans")
    assert "fonts-dejavu-core" in dejavu.packages and dejavu.license == "Bitstream-Vera"
    assert manifest_entry("DejaVu Sans Mono").match == "DejaVu Sans Mono"  # longest prefix wins
    assert manifest_entry("Gotham") is None  # "Go" matches whole words only
    assert manifest_entry("HanaMinA").family == "Hanazono Mincho"  # a capital goes on: matched


@pytest.mark.parametrize(("names", "family"), [
    (["Noto Sans CJK JP", "Noto Sans CJK KR", "Noto Sans Mono CJK SC"], "Noto Sans CJK"),
    (["IPAGothic", "IPAPGothic", "IPAexGothic"], "IPA Gothic"),
    (["WenQuanYi Micro Hei", "WenQuanYi Micro Hei Mono", "Droid Sans Fallback"],
     "WenQuanYi Micro Hei"),
    (["NanumGothic", "NanumGothic Eco", "NanumGothicCoding"], "Nanum Gothic"),
    (["DejaVu Sans", "DejaVu Sans Display"], "DejaVu Sans"),
    (["Clear Sans", "Clear Sans Light", "Clear Sans Thin"], "Clear Sans"),
    (["My Gothic JP", "My Gothic SemiBold", "My Gothic Condensed Italic"], "My Gothic"),
])
def test_family_key_groups_the_faces_of_one_design(names: list[str], family: str):
    assert {family_key(name) for name in names} == {family}


def test_sans_serif_and_mono_are_separate_families():
    keys = {family_key(n) for n in ("DejaVu Sans", "DejaVu Serif", "DejaVu Sans Mono")}
    assert len(keys) == 3
    assert base_family("Bold") == "Bold"  # never emptied


def _write(path: Path, body: str) -> None:
    path.write_text(body, encoding="utf-8")
    load_manifest.cache_clear()


@pytest.mark.parametrize(("body", "needle"), [
    ('[[family]]\nmatch = "X"\nscripts = ["latin"]\n', "'X' needs 'license'"),
    ('[[family]]\nmatch = "X"\nlicense = "MIT"\nscripts = ["klingon"]\n',
     "unknown script 'klingon'"),
    ('[[family]]\nmatch = "X"\nlicense = "MIT"\nscripts = []\npackages = "fonts-x"\n',
     "unknown field 'packages'"),
    ('[[family]]\nmatch = "X"\nlicense = "MIT"\nscripts = "latin"\n', "'scripts' has the wrong type"),
    ('[[family]]\nmatch = "X"\nlicense = "MIT"\nscripts = []\n' * 2, "two [[family]] entries"),
    ("[[family]\n", "invalid TOML"),
])
def test_bad_manifest_is_a_one_line_error(manifest_file: Path, body: str, needle: str):
    _write(manifest_file, body)
    with pytest.raises(PpocrError) as err:
        load_manifest()
    msg = str(err.value)
    assert msg.startswith(str(manifest_file)) and needle in msg and "\n" not in msg, msg


def test_bad_glyphs_and_grouping_of_a_manifest(manifest_file: Path):
    _write(manifest_file, '[[family]]\nmatch = "DejaVu Sans"\nfamily = "Vera"\n'
                          'package = "fonts-dejavu-core"\nlicense = "Bitstream-Vera"\n'
                          'scripts = ["latin"]\nbad_glyphs = "€£"\n')
    faces = discover_fonts([package_font_dir("matplotlib") / "DejaVuSans.ttf"])
    assert ord("€") not in faces[0].codepoints and ord("£") not in faces[0].codepoints
    assert family_key("DejaVu Sans Mono") == "Vera" and faces[0].license == "Bitstream-Vera"
    assert manifest_entry("DejaVu Sans").packages == ("fonts-dejavu-core",)


def _faces(counts: dict[str, int]) -> list[FontFace]:
    """``counts[family]`` faces of each (unlisted) family, with weight names as styles."""
    cps = frozenset(map(ord, "abc"))
    return [FontFace(Path(f"/f/{fam}-{i}.ttf"), 0, f"{fam} {style}", style, "test", "none", cps)
            for fam, n in counts.items()
            for i, style in enumerate(["Regular", "Bold", "Light", "Thin", "Black", "Medium",
                                       "SemiBold", "ExtraBold", "ExtraLight", "Heavy"][:n])]


def test_balanced_draws_families_equally_uniform_draws_faces_equally():
    faces = _faces({"Big Gothic": 10, "Small Serif": 1, "Other Mono": 1})
    assert {family_key(f.family) for f in faces} == {"Big Gothic", "Small Serif", "Other Mono"}
    draws = 6000
    for balanced, expected in ((True, 1 / 3), (False, 10 / 12)):
        rng = np.random.default_rng(0)
        got = Counter(family_key(choose_face(rng, faces, balanced).family) for _ in range(draws))
        assert abs(got["Big Gothic"] / draws - expected) < 0.03, (balanced, got)
    rng = np.random.default_rng(1)
    got = Counter(choose_face(rng, faces, True).family for _ in range(draws))
    assert abs(got["Small Serif Regular"] / draws - 1 / 3) < 0.03
    assert all(abs(got[f.family] / draws - 1 / 30) < 0.012 for f in faces[:10])


def test_unbalanced_draw_is_the_legacy_one():
    faces = _faces({"Big Gothic": 10, "Small Serif": 1})
    a, b = np.random.default_rng(5), np.random.default_rng(5)
    assert [choose_face(a, faces) for _ in range(50)] == \
        [faces[int(b.integers(len(faces)))] for _ in range(50)]
