"""``ppocr-bench fonts install``: the Debian packages of ``fonts/manifest.toml``, per script.

A script gets the packages of the manifest entries that list it (``install = false`` entries
aside): ``han``, ``japanese`` and ``hangul`` their CJK families (Noto CJK in each), ``latin``
and ``cyrillic`` the entries that list no CJK script (the CJK families' Latin and Cyrillic
letters come with them, not with ``latin``). The install runs ``apt-get install -y --no-install-recommends`` when this process
can (root, ``apt-get`` on the PATH); otherwise the command is printed for the user to run.
Packages that apt does not know (another release, no ``apt-get update`` yet) are left out with
a warning, so one missing name does not fail the whole install.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import warnings
from dataclasses import dataclass

from ppocr_bench.errors import PpocrError, PpocrWarning
from ppocr_bench.text.font_manifest import MANIFEST_PATH, SCRIPTS, load_manifest
from ppocr_bench.text.langs import CJK_SCRIPTS

#: What ``--script`` takes: a script, ``all``, or a language code (its script).
SCRIPT_CHOICES = (*SCRIPTS, "all")


def parse_scripts(names: list[str] | None) -> tuple[str, ...]:
    """The scripts ``--script`` names (``all``: every script; a language code: its script), in
    :data:`SCRIPTS` order; a one-line PpocrError for an unknown name."""
    from ppocr_bench.text.langs import LANGS

    chosen: set[str] = set()
    for name in names or ["all"]:
        if name == "all":
            chosen.update(SCRIPTS)
        elif name in SCRIPTS:
            chosen.add(name)
        elif name in LANGS:
            chosen.add(LANGS[name].script)
        else:
            raise PpocrError(f"--script {name}: one of {', '.join(SCRIPT_CHOICES)} "
                             f"(or a language: {', '.join(LANGS)})")
    return tuple(s for s in SCRIPTS if s in chosen)


def packages_for(scripts: tuple[str, ...]) -> list[str]:
    """The Debian packages of the manifest entries installed for ``scripts``, sorted."""
    packages: set[str] = set()
    for entry in load_manifest():
        if not entry.install or not entry.scripts:
            continue
        cjk = [s for s in entry.scripts if s in CJK_SCRIPTS]
        if any(s in scripts for s in cjk or entry.scripts):
            packages.update(entry.packages)
    if not packages:
        raise PpocrError(f"{MANIFEST_PATH}: no package to install for {', '.join(scripts)}")
    return sorted(packages)


def install_command(packages: list[str]) -> list[str]:
    return ["apt-get", "install", "-y", "--no-install-recommends", *packages]


def known_to_apt(packages: list[str]) -> list[str]:
    """The ``packages`` apt has a candidate version of (``apt-cache policy``); all of them when
    apt-cache cannot be asked."""
    try:
        out = subprocess.run(["apt-cache", "policy", *packages], capture_output=True, text=True,
                             check=False, env={**os.environ, "LC_ALL": "C"}).stdout
    except OSError:
        return packages
    known, name = set(), None
    for line in out.splitlines():
        if line and not line[0].isspace() and line.endswith(":"):
            name = line[:-1]
        elif name and line.strip().startswith("Candidate:") and "(none)" not in line:
            known.add(name)
    return [p for p in packages if p in known]


@dataclass(frozen=True)
class FontInstall:
    """What ``fonts install`` did or would do: the packages, the command line (``sudo`` in
    front when not root), whether it ran, and why not (None: it ran, or a dry run)."""

    packages: tuple[str, ...]
    command: str
    ran: bool
    problem: str | None = None


def install_fonts(scripts: tuple[str, ...], dry_run: bool = False) -> FontInstall:
    """Install the packages of ``scripts`` with apt-get when this process can (root, apt-get on
    the PATH, not ``dry_run``). PpocrError when apt-get fails."""
    packages = packages_for(scripts)
    has_apt = shutil.which("apt-get") is not None
    root = hasattr(os, "geteuid") and os.geteuid() == 0
    if dry_run or not (has_apt and root):
        command = " ".join(install_command(packages))
        if dry_run:
            return FontInstall(tuple(packages), command, False)
        if not has_apt:
            problem = ("apt-get not found: these are Debian/Ubuntu packages; elsewhere install "
                       f"the families of {MANIFEST_PATH.name} by hand or drop font files into fonts/")
            return FontInstall(tuple(packages), command, False, problem)
        return FontInstall(tuple(packages), f"sudo {command}", False,
                           "installing packages needs root: run the command above (sudo)")
    known = known_to_apt(packages)
    if not known:
        raise PpocrError("apt knows none of the font packages: run apt-get update first")
    if len(known) < len(packages):
        missing = ", ".join(p for p in packages if p not in known)
        warnings.warn(PpocrWarning(f"apt knows no {missing}: left out (another release, or "
                                   "run apt-get update first)"), stacklevel=2)
    command = install_command(known)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    done = subprocess.run(command, env=env, check=False)
    if done.returncode != 0:
        raise PpocrError(f"apt-get install of {len(known)} font packages failed (exit status "
                         f"{done.returncode}); run apt-get update first if apt could not find them")
    return FontInstall(tuple(known), " ".join(command), True)
