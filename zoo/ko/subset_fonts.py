"""Subset the ko stream's font faces to the characters ko synthesis can draw, so they travel."""
import json, sys
from pathlib import Path
from fontTools import subset
from fontTools.ttLib import TTFont, TTCollection
from ppocr_bench.train.charset import resolve_charset

out = Path(sys.argv[2]); out.mkdir(parents=True, exist_ok=True)
faces = json.load(open(sys.argv[1]))["stream"]["fonts"]["ko"]
chars = set(resolve_charset("lang:ko"))
for tsv in Path("corpora/ko").glob("*"):
    if tsv.is_file():
        chars |= set(tsv.read_text(encoding="utf-8"))
chars |= {chr(c) for c in range(0x20, 0x7f)}
unicodes = sorted(ord(c) for c in chars if c.isprintable() or c == " ")
print(len(unicodes), "code points")
total = 0
for key in faces:
    path, idx = key.rsplit("#", 1)
    font = TTFont(path, fontNumber=int(idx), lazy=False)
    opts = subset.Options(); opts.layout_features = ["*"]; opts.name_IDs = ["*"]
    opts.name_languages = ["*"]; opts.notdef_outline = True; opts.glyph_names = True
    opts.hinting = False; opts.legacy_kern = True
    sub = subset.Subsetter(opts); sub.populate(unicodes=unicodes); sub.subset(font)
    ext = ".otf" if "CFF " in font else ".ttf"
    name = Path(path).stem + (f"-{idx}" if path.endswith((".ttc", ".otc")) else "") + ext
    font.save(out / name); total += (out / name).stat().st_size
print(len(faces), "faces", total / 1e6, "MB")
