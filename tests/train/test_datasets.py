import numpy as np
import pytest

from ppocr_bench.errors import PpocrError
from ppocr_bench.data.labels import label_file
from ppocr_bench.models import ctc_vocabulary
from ppocr_bench.train.datasets import (
    ClsDataset,
    DetDataset,
    RecDataset,
    ResumableBatchSampler,
    charset_from_texts,
    encode_text,
)
from ppocr_bench.train.det_augment import DetAugment
from ppocr_bench.train.line_augment import LineAugment

VOCAB = ctc_vocabulary(list("abc"), use_space=True)  # "", a, b, c, " "


def test_encode_text():
    assert encode_text("ab c", VOCAB) == [1, 2, 4, 3]
    assert encode_text("abz", VOCAB) is None
    assert encode_text("", VOCAB) == []


def test_encode_text_with_entries_of_several_code_points():
    flag, e_acute = "\U0001f1e9\U0001f1ea", "e\u0301"
    vocab = ctc_vocabulary(["a", flag, e_acute, "\u0301", "e"], use_space=True)
    assert encode_text(f"a{flag}{e_acute}", vocab) == [1, 2, 3]   # each a class of its own
    assert encode_text("\U0001f1e9", vocab) is None                # half a flag is no class
    # a letter with a mark the vocabulary does not hold whole: one class per code point
    assert encode_text("a\u0301", vocab) == [1, 4]


def test_charset_from_texts_leaves_space_to_the_model():
    assert charset_from_texts(["b a", "ca"], use_space=True) == ["a", "b", "c"]
    assert charset_from_texts(["b a"], use_space=False) == [" ", "a", "b"]


def test_rec_dataset_skips_and_counts_unknown_and_long_lines(tmp_path, caplog):
    import cv2

    caplog.set_level("INFO", logger="ppocr_bench.train.datasets")
    (tmp_path / "images").mkdir()
    cv2.imwrite(str(tmp_path / "images/x.png"), np.full((32, 100, 3), 255, np.uint8))
    lines = ["images/x.png\tab", "images/y.png\tazb", "images/z.png\t" + "a" * 26,
             "images/w.png\tcab"]
    (tmp_path / "rec_gt.txt").write_text("".join(f"{ln}\n" for ln in lines), encoding="utf-8")
    ds = RecDataset(tmp_path / "rec_gt.txt", (3, 32, 64), VOCAB, None, seed=0, max_len=25)
    assert len(ds) == 2 and ds.texts == ["ab", "cab"]
    assert ds.stats.unknown == 1 and ds.stats.too_long == 1
    assert ds.stats.to_dict()["unknown_chars"] == "z"
    assert "skipped 2 rec lines" in caplog.text
    sample = ds[(0, 0)]
    assert sample["image"].shape == (3, 32, 64)
    assert sample["label"].tolist()[:3] == [1, 2, 0] and sample["length"] == 2
    full = RecDataset(tmp_path / "rec_gt.txt", (3, 32, 64), VOCAB, None, 0, skip_bad=False)
    assert len(full) == 4  # validation keeps every line (unknown ones can only be wrong)


def test_datasets_over_synth(synth_en):
    det = DetDataset(label_file(synth_en, "det"), 128, DetAugment(), seed=0)
    a, b = det[(1, 2)], det[(1, 2)]
    assert a["image"].shape == (3, 128, 128) and a["shrink_map"].shape == (128, 128)
    np.testing.assert_array_equal(a["image"], b["image"])  # deterministic per (seed, epoch, i)
    assert not np.array_equal(a["image"], det[(2, 2)]["image"])
    cls = ClsDataset(label_file(synth_en, "cls"), (3, 48, 192), LineAugment(), None, True, 0)
    sample = cls[(0, 0)]
    assert sample["image"].shape == (3, 48, 192) and sample["label"] in (0, 1)


def test_label_file_missing(tmp_path):
    with pytest.raises(PpocrError, match="no rec labels"):
        label_file(tmp_path, "rec")


def test_sampler_resumes_and_covers_each_epoch():
    full = list(ResumableBatchSampler(10, 3, seed=5, total_steps=9))
    assert len(full) == 9 and all(len(b) == 3 for b in full)
    assert list(ResumableBatchSampler(10, 3, seed=5, total_steps=9, start_step=4)) == full[4:]
    epoch0 = [i for batch in full[:3] for e, i in batch]
    assert len(set(epoch0)) == 9 and {e for b in full[:3] for e, _ in b} == {0}
    assert full[3][0][0] == 1  # step 3 opens epoch 1 (3 batches per epoch, last partial dropped)
    assert full[:3] != [[(0, i) for _, i in b] for b in full[3:6]]  # reshuffled


def test_sampler_shards_like_distributed_sampler():
    shards = [ResumableBatchSampler(10, 5, seed=1, total_steps=1, rank=r, world_size=2)
              for r in range(2)]
    seen = [i for s in shards for b in s for _, i in b]
    assert sorted(seen) == list(range(10))
