"""Validation during training: det hmean, cls accuracy, rec accuracy (PaddleOCR conventions,
via :mod:`ppocr_bench.metrics`). The model is put in eval mode and back in training mode.

Det validation runs the evaluation's det stage itself (:class:`ppocr_bench.inference.system.
DetPredictor` under the default profile: resize, DB post-processing, the min-box-side filter),
so the checkpoint kept as best is the one ``ppocr-bench eval`` scores best on the same data."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset

from ppocr_bench.data.labels import read_det_labels
from ppocr_bench.inference.backends import TorchRunner
from ppocr_bench.inference.profiles import DEFAULT_PROFILE, PROFILES
from ppocr_bench.inference.system import DetPredictor
from ppocr_bench.metrics.cls import ClsAccumulator
from ppocr_bench.metrics.det_iou import DetAccumulator, evaluate_image
from ppocr_bench.metrics.rec import RecAccumulator
from ppocr_bench.models import OcrModel
from ppocr_bench.postprocess.ctc import ctc_greedy_decode
from ppocr_bench.data.images import read_image


class _Fixed(Dataset):
    """Epoch-0 keys of a dataset (no augmentation is configured on validation sets)."""

    def __init__(self, inner: Dataset) -> None:
        self.inner = inner

    def __len__(self) -> int:
        return len(self.inner)  # type: ignore[arg-type]

    def __getitem__(self, index: int):
        return self.inner[(0, index)]


def validate_det(model: OcrModel, labels: Path, device: torch.device,
                 side: int = PROFILES[DEFAULT_PROFILE].limit_side_len,
                 max_samples: int | None = None,
                 post: dict[str, float] | None = None) -> dict[str, float]:
    """Precision / recall / hmean over a det label file, the model run as eval runs it (the
    default profile's det stage) with the resize limit ``side`` (``TrainConfig.det_val_side``)
    in place of the profile's ``limit_side_len`` and the DB settings ``post`` (a zoo card's
    ``[model.post]``: ``thresh``, ``box_thresh``, ``unclip_ratio``) in place of its own."""
    profile = replace(PROFILES[DEFAULT_PROFILE], **(post or {}))
    det = DetPredictor(TorchRunner(model, device=device), profile=profile,
                       limit_side_len=side)
    acc = DetAccumulator()
    try:
        for path, instances in list(read_det_labels(labels).items())[:max_samples]:
            boxes, _ = det(read_image(labels.parent / path))
            acc.update(evaluate_image([i["points"] for i in instances],
                                      [i["transcription"] for i in instances], list(boxes)))
    finally:
        model.train()
    return acc.result()


@torch.no_grad()
def validate_lines(model: OcrModel, dataset: Dataset, device: torch.device,
                   batch_size: int = 32, texts: list[str] | None = None) -> dict[str, float]:
    """cls: ``acc``; rec: ``acc`` and ``norm_edit_dis`` (``texts``: ground truth per index)."""
    model.eval()
    loader = DataLoader(_Fixed(dataset), batch_size=batch_size, shuffle=False)
    cls_acc, rec_acc = ClsAccumulator(), RecAccumulator()
    try:
        for batch in loader:
            probs = model(batch["image"].to(device)).cpu().numpy()
            if model.task == "cls":
                preds = [180 if int(i) else 0 for i in np.argmax(probs, axis=1)]
                cls_acc.update(preds, [180 if int(v) else 0 for v in batch["label"]])
            else:
                decoded = ctc_greedy_decode(probs, model.charset, use_space_char=model.use_space)
                truth = [texts[int(i)] for i in batch["index"]]  # type: ignore[index]
                rec_acc.update([t for t, _ in decoded], truth)
    finally:
        model.train()
    return cls_acc.result() if model.task == "cls" else rec_acc.result()
