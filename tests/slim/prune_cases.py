"""The pruning tests' models: the three mobile presets built small (as tests/models does) with
random weights and BatchNorm statistics, so that pruning the wrong channel shows."""

from __future__ import annotations

import torch

from ppocr_bench.models import OcrModel, create_model

CHARSET = list("0123456789abcdef")
#: preset -> (overrides that make it tiny, an input batch shape, the task)
SMALL = {
    "det_mv3_db": ({"scale": 0.35, "inner_channels": 16}, (1, 3, 64, 96), "det"),
    "cls_mv3": ({"input_size": (3, 48, 96)}, (2, 3, 48, 96), "cls"),
    "rec_mv3_crnn": ({"scale": 0.35, "hidden_size": 16, "input_size": (3, 32, 64)},
                     (2, 3, 32, 64), "rec"),
}
PRESETS = list(SMALL)


def small_model(preset: str, seed: int = 0) -> OcrModel:
    """The small ``preset`` in eval mode, every BatchNorm with its own scale, shift, mean and
    variance per channel (a fresh one is the identity)."""
    torch.manual_seed(seed)
    overrides, _, task = SMALL[preset]
    model = create_model(preset, charset=CHARSET if task == "rec" else None, **overrides)
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, torch.nn.BatchNorm2d):
                for tensor, low, span in ((module.weight, 0.5, 1.0), (module.bias, -0.1, 0.2),
                                          (module.running_mean, -0.1, 0.2),
                                          (module.running_var, 0.5, 1.0)):
                    tensor.copy_(low + span * torch.rand(module.num_features))
    return model.eval()


def small_batch(preset: str, seed: int = 1) -> torch.Tensor:
    return torch.randn(*SMALL[preset][1], generator=torch.Generator().manual_seed(seed))


def outputs(model: OcrModel, images: torch.Tensor) -> list[torch.Tensor]:
    """The model's training outputs (det: its three maps) and its eval output, as a list."""
    with torch.no_grad():
        train = model.train()(images)
        evaluated = model.eval()(images)
    return [*(train if isinstance(train, tuple) else [train]), evaluated]
