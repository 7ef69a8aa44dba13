"""`ppocr-bench fonts install`: the packages each script gets, the dry run, and what happens
without root or apt-get (nothing is ever installed here: apt and root are mocked)."""

from __future__ import annotations

import subprocess
import warnings
from pathlib import Path

import pytest
from cli_run import cli, one_line_error

from ppocr_bench.errors import PpocrError, PpocrWarning
from ppocr_bench.text import font_install
from ppocr_bench.text.font_install import install_fonts, packages_for, parse_scripts
from ppocr_bench.text.font_manifest import SCRIPTS

APT = ("apt-get", "install", "-y", "--no-install-recommends")


@pytest.mark.parametrize(("names", "scripts"), [
    (None, SCRIPTS),
    (["all"], SCRIPTS),
    (["ja"], ("japanese",)),
    (["hangul", "en", "fr"], ("latin", "hangul")),
])
def test_parse_scripts(names, scripts):
    assert parse_scripts(names) == scripts


def test_unknown_script_is_a_one_line_error():
    with pytest.raises(PpocrError, match=r"^--script greek: one of latin, han, japanese, "
                                         r"hangul, cyrillic, all \(or a language: zh, en, fr, "
                                         r"de, ja, ko, ru\)$"):
        parse_scripts(["greek"])


@pytest.mark.parametrize(("script", "has", "has_not"), [
    ("latin", {"fonts-dejavu-core", "fonts-liberation2", "fonts-urw-base35", "fonts-noto-core"},
     {"fonts-noto-cjk", "fonts-nanum", "fonts-mplus", "fonts-wqy-zenhei"}),
    ("han", {"fonts-noto-cjk", "fonts-wqy-zenhei", "fonts-wqy-microhei", "fonts-arphic-uming",
             "fonts-arphic-ukai", "fonts-lxgw-wenkai", "fonts-droid-fallback"},
     {"fonts-arphic-gbsn00lp", "fonts-ipafont-gothic", "fonts-nanum", "fonts-dejavu-core"}),
    ("japanese", {"fonts-noto-cjk", "fonts-ipafont-gothic", "fonts-ipaexfont-mincho",
                  "fonts-mplus", "fonts-motoya-l-cedar", "fonts-hanazono", "fonts-konatu"},
     {"fonts-wqy-zenhei", "fonts-nanum", "fonts-liberation2"}),
    ("hangul", {"fonts-noto-cjk", "fonts-nanum", "fonts-nanum-extra", "fonts-unfonts-core",
                "fonts-unfonts-extra", "fonts-baekmuk", "fonts-naver-d2coding"},
     {"fonts-wqy-zenhei", "fonts-ipafont-gothic", "fonts-dejavu-core"}),
])
def test_packages_per_script(script: str, has: set[str], has_not: set[str]):
    packages = packages_for((script,))
    assert packages == sorted(set(packages))
    assert has <= set(packages) and not has_not & set(packages)


def test_all_is_every_script_together():
    union = set().union(*(packages_for((s,)) for s in SCRIPTS))
    assert packages_for(SCRIPTS) == sorted(union) and len(union) >= 80


@pytest.fixture()
def no_subprocess(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError(f"nothing may run: {args}")

    monkeypatch.setattr(subprocess, "run", refuse)


def _machine(monkeypatch, *, root: bool, apt: bool) -> None:
    monkeypatch.setattr(font_install.os, "geteuid", lambda: 0 if root else 1000)
    monkeypatch.setattr(font_install.shutil, "which",
                        lambda name: f"/usr/bin/{name}" if apt else None)


def test_dry_run_gives_the_command_and_runs_nothing(no_subprocess, monkeypatch):
    _machine(monkeypatch, root=True, apt=True)
    result = install_fonts(("hangul",), dry_run=True)
    assert not result.ran and result.problem is None
    assert result.command == " ".join([*APT, *packages_for(("hangul",))])


def test_without_root_the_command_to_run_with_sudo(no_subprocess, monkeypatch):
    _machine(monkeypatch, root=False, apt=True)
    result = install_fonts(("han",))
    assert not result.ran and result.command == " ".join(["sudo", *APT, *packages_for(("han",))])
    assert result.problem == "installing packages needs root: run the command above (sudo)"


def test_without_apt_get_says_so(no_subprocess, monkeypatch):
    _machine(monkeypatch, root=True, apt=False)
    result = install_fonts(("latin",))
    assert not result.ran and result.command.startswith(" ".join(APT))
    assert result.problem.startswith("apt-get not found: these are Debian/Ubuntu packages")


def _apt(monkeypatch, unknown: set[str], returncode: int = 0) -> list[list[str]]:
    """A fake apt: ``apt-cache policy`` knows every package but ``unknown``; ``apt-get``
    returns ``returncode``. Returns the command lines run."""
    calls: list[list[str]] = []

    def run(command, **kwargs):
        calls.append(list(command))
        if command[0] == "apt-cache":
            out = "".join(f"{p}:\n  Installed: (none)\n  Candidate: {'(none)' if p in unknown else '1.0-1'}\n"
                          for p in command[2:] if p != "fonts-gone")
            return subprocess.CompletedProcess(command, 0, out, "")
        assert kwargs["env"]["DEBIAN_FRONTEND"] == "noninteractive"
        return subprocess.CompletedProcess(command, returncode)

    monkeypatch.setattr(subprocess, "run", run)
    return calls


def test_root_with_apt_installs_what_apt_knows(monkeypatch):
    _machine(monkeypatch, root=True, apt=True)
    packages = packages_for(("hangul",))
    monkeypatch.setattr(font_install, "packages_for", lambda scripts: [*packages, "fonts-gone"])
    calls = _apt(monkeypatch, unknown={"fonts-baekmuk"})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = install_fonts(("hangul",))
    assert result.ran and calls[0][:2] == ["apt-cache", "policy"]
    assert calls[1] == [*APT, *(p for p in packages if p != "fonts-baekmuk")]
    [warning] = [w.message for w in caught if isinstance(w.message, PpocrWarning)]
    assert str(warning).startswith("apt knows no fonts-baekmuk, fonts-gone: left out")


def test_apt_get_failure_is_a_one_line_error(monkeypatch):
    _machine(monkeypatch, root=True, apt=True)
    _apt(monkeypatch, unknown=set(), returncode=100)
    with pytest.raises(PpocrError, match=r"failed \(exit status 100\); run apt-get update first"):
        install_fonts(("han",))


def test_cli_dry_run_prints_the_command():
    proc = cli("fonts", "install", "--script", "ja", "--dry-run")
    assert proc.returncode == 0, proc.stderr
    [line] = proc.stdout.splitlines()
    assert line == " ".join([*APT, *packages_for(("japanese",))])


def test_cli_without_apt_get_prints_the_command_and_fails(tmp_path: Path):
    proc = cli("fonts", "install", "--script", "ko", env={"PATH": str(tmp_path)})
    one_line_error(proc, "apt-get not found")
    assert proc.stdout.splitlines() == [" ".join([*APT, *packages_for(("hangul",))])]


def test_cli_listing_still_takes_font_dir(tmp_path: Path):
    one_line_error(cli("fonts", "--font-dir", tmp_path / "nope"), "--font-dir does not exist")
