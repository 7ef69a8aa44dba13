"""The metric a sensitivity scan scores with: a labelled folder's det hmean, cls accuracy or
rec accuracy, measured as training validates (:mod:`ppocr_bench.train.validate`), on CPU."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import torch

from ppocr_bench.data.labels import label_file
from ppocr_bench.models.model import OcrModel
from ppocr_bench.train.config import MAX_TEXT_LENGTH, METRIC
from ppocr_bench.train.datasets import ClsDataset, RecDataset
from ppocr_bench.train.validate import validate_det, validate_lines

CPU = torch.device("cpu")


def folder_metric(model: OcrModel, data: str | Path, post: dict[str, float] | None = None
                  ) -> tuple[str, Callable[[OcrModel], float]]:
    """(metric name, model -> metric) for ``model``'s task on the labelled folder ``data``
    (the synth layout, or a label file); a det model scored with the DB settings ``post``
    (its zoo card's, else the default profile's). The labels are read once; the scored
    model's training mode is restored after each call. A missing label file is a PpocrError."""
    task, labels = model.task, label_file(data, model.task)
    name = METRIC[task]
    if task == "det":
        def score(m: OcrModel) -> float:
            return validate_det(m, labels, CPU, post=post)[name]
    else:
        dataset = (ClsDataset(labels, model.input_size, None, None, False, 0) if task == "cls"
                   else RecDataset(labels, model.input_size, model.vocabulary, None, 0,
                                   MAX_TEXT_LENGTH, skip_bad=False))
        texts = dataset.texts if task == "rec" else None

        def score(m: OcrModel) -> float:
            return validate_lines(m, dataset, CPU, texts=texts)[name]
    return name, _keeping_mode(score)


def _keeping_mode(score: Callable[[OcrModel], float]) -> Callable[[OcrModel], float]:
    def scored(model: OcrModel) -> float:
        training = model.training
        try:
            return float(score(model))
        finally:
            model.train(training)
    return scored
