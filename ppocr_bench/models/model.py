"""The assembled network: backbone -> neck -> head, plus what it was built from."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import torch
from torch import nn

from ppocr_bench.models.heads.ctc_head import ctc_vocabulary

if TYPE_CHECKING:
    from ppocr_bench.models.spec import ModelSpec


class OcrModel(nn.Module):
    """A PP-OCR network built by :func:`ppocr_bench.models.create_model`.

    Input (B, C, H, W) float images, ``spec.input_size`` = (C, H, W) by default. Output by task:

    - det: training -> :class:`~ppocr_bench.models.heads.db_head.DBMaps` (prob, thresh, binary),
      each (B, 1, H, W); eval -> probability map (B, 1, H, W). H, W multiples of 32.
    - cls: (B, num_classes) logits in training, softmax probabilities in eval.
    - rec: (B, T, num_classes) logits in training, softmax probabilities in eval;
      T = W / 4 (80 for 32x320), class 0 the CTC blank, see ``vocabulary``.

    ``preset`` and ``spec`` record how it was built and travel with saved weights, as do
    ``charset`` and ``use_space`` for recognizers (``charset`` is None for det and cls).
    ``quant``: the quantisation-aware training method once
    :func:`ppocr_bench.slim.quant.quantize_model` has quantised it ("pact"), else None.
    """

    def __init__(
        self,
        backbone: nn.Module,
        neck: nn.Module,
        head: nn.Module,
        *,
        preset: str,
        spec: ModelSpec,
        charset: list[str] | None = None,
    ) -> None:
        super().__init__()
        self.backbone = backbone
        self.neck = neck
        self.head = head
        self.preset = preset
        self.spec = spec
        self.charset = None if charset is None else list(charset)
        self.quant: str | None = None

    @property
    def task(self) -> str:
        """"det", "cls" or "rec"."""
        return self.spec.task.value

    @property
    def input_size(self) -> tuple[int, int, int]:
        """Default (C, H, W) input of the preset."""
        return self.spec.input_size

    @property
    def use_space(self) -> bool:
        """Whether the recognizer has a class for " " after the charset (False for det/cls)."""
        return bool(self.spec.use_space)

    @property
    def vocabulary(self) -> list[str]:
        """Recognizers: the string of every class index ("" for the blank at 0)."""
        if self.charset is None:
            raise AttributeError(f"{self.preset} is a {self.task} model without a charset")
        return ctc_vocabulary(self.charset, self.use_space)

    def forward(self, images: torch.Tensor) -> Any:
        return self.head(self.neck(self.backbone(images)))


def count_parameters(model: nn.Module) -> int:
    """Number of learnable parameters (BatchNorm running statistics excluded)."""
    return sum(p.numel() for p in model.parameters())
