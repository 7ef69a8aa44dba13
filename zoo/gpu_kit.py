"""What a training stage on a lent GPU machine (zoo/gpu_stage.sh) needs beside the repo, made
on this machine (with its Debian font and wallpaper packages) under .devcarry/ (64 MiB in all
travel):

    python zoo/gpu_kit.py LANGS FONTS [--max-mb 42]        (LANGS: ko, or en+fr+de)

- FONTS: the font faces a stream of LANGS draws here (those `train --data synth:LANGS` finds),
  subset to what its languages draw (the machine has
  no Debian font packages);
- .devcarry/bg: the stream's background photographs, longest side 1024 px, JPEG quality 85;
- .devcarry/whl: wheels (Python 3.12, manylinux) of the dependencies the machine lacks.

Each face is written to OUT as its own
.ttf/.otf, keeping the glyphs of the languages' charsets (``lang:XX``) and printable ASCII,
outlines, layout features and names; hinting dropped. The largest faces are left out until the
total fits ``--max-mb``, and each language keeps at least one face. Pass FONTS to ``train
--font-dir``: the faces are those the stream finds here, so it draws what it draws here (less the faces
left out).
"""

from __future__ import annotations

import argparse
import logging
import subprocess
import sys
from pathlib import Path

import cv2

from fontTools import subset
from fontTools.ttLib import TTFont

from ppocr_bench.train.charset import resolve_charset
from ppocr_bench.train.stream import StreamSpec


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("langs", help="the stream's languages: ko, en+fr+de ...")
    ap.add_argument("out", type=Path)
    ap.add_argument("--max-mb", type=float, default=42.0)
    a = ap.parse_args()
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    spec = StreamSpec(tuple(a.langs.split("+")), seed=1)
    record = spec.record(spec.faces())
    photos(record["photos"], Path(".devcarry/bg"))
    wheels(Path(".devcarry/whl"))
    fonts, langs = record["fonts"], list(spec.langs)
    chars = {chr(c) for c in range(0x20, 0x7F)}
    for lang in langs:
        chars |= set(resolve_charset(f"lang:{lang}"))
    unicodes = sorted(ord(c) for c in chars)
    keys = sorted({k for lang in langs for k in fonts[lang]})
    a.out.mkdir(parents=True, exist_ok=True)
    written: dict[str, tuple[Path, int]] = {}
    for key in keys:
        path, idx = key.rsplit("#", 1)
        font = TTFont(path, fontNumber=int(idx))
        opts = subset.Options()
        opts.layout_features, opts.name_IDs, opts.name_languages = ["*"], ["*"], ["*"]
        opts.notdef_outline, opts.glyph_names, opts.hinting = True, True, False
        sub = subset.Subsetter(opts)
        sub.populate(unicodes=unicodes)
        sub.subset(font)
        stem = Path(path).stem + (f"-{idx}" if path.lower().endswith((".ttc", ".otc")) else "")
        ext = ".otf" if "CFF " in font else ".ttf"
        target, n = a.out / (stem + ext), 1
        while target in {t for t, _ in written.values()}:  # same name in two folders
            n += 1
            target = a.out / f"{stem}-v{n}{ext}"
        font.save(target)
        written[key] = (target, target.stat().st_size)
    total = sum(size for _, size in written.values())
    left = {lang: len(set(fonts[lang])) for lang in langs}
    for key, (target, size) in sorted(written.items(), key=lambda kv: -kv[1][1]):
        if total <= a.max_mb * 1e6:
            break
        owners = [lang for lang in langs if key in fonts[lang]]
        if any(left[lang] <= 1 for lang in owners):
            continue  # the last face of a language stays
        target.unlink()
        total -= size
        del written[key]
        for lang in owners:
            left[lang] -= 1
    print(f"{len(written)} of {len(keys)} faces, {total / 1e6:.1f} MB, in {a.out}")


#: What the GPU machine's Python lacks of ppocr-bench's dependencies (its image has torch,
#: numpy, opencv, pillow, fonttools, rich, typer, matplotlib, safetensors, onnx(runtime), pyyaml).
WHEELS = ("pyclipper==1.4.0", "shapely==2.2.0", "rapidfuzz==3.14.6", "simplejpeg==1.9.0",
          "tomli_w==1.2.0")


def photos(paths: list[str], out: Path, side: int = 1024) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for p in paths:
        image = cv2.imread(p)
        if image is None:
            sys.exit(f"{p}: not a readable image")
        h, w = image.shape[:2]
        scale = side / max(h, w)
        if scale < 1:
            image = cv2.resize(image, (round(w * scale), round(h * scale)),
                               interpolation=cv2.INTER_AREA)
        cv2.imwrite(str(out / (Path(p).stem + ".jpg")), image, [cv2.IMWRITE_JPEG_QUALITY, 85])
    print(f"{len(paths)} photographs in {out}")


def wheels(out: Path) -> None:
    platforms = [x for p in ("manylinux_2_28_x86_64", "manylinux_2_27_x86_64",
                             "manylinux_2_24_x86_64", "manylinux_2_17_x86_64",
                             "manylinux2014_x86_64") for x in ("--platform", p)]
    subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps",
                    "--only-binary=:all:", "--python-version", "3.12", "--implementation", "cp",
                    *platforms, "-d", str(out), *WHEELS], check=True)
    print(f"wheels in {out}")


if __name__ == "__main__":
    main()
