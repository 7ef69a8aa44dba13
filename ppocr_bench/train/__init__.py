"""Training of the PP-OCR det / cls / rec models (``ppocr-bench train``).

>>> from ppocr_bench.train import TrainConfig, train
>>> result = train(TrainConfig(task="rec", data="data/en", out="runs/rec", steps=1000))
"""

from ppocr_bench.train.charset import RemapReport, remap_charset
from ppocr_bench.train.config import AUGMENTATIONS, TrainConfig, parse_overrides
from ppocr_bench.train.loop import train
from ppocr_bench.train.plot import plot_run
from ppocr_bench.train.progress import NullProgress, RichTrainProgress, TrainProgress
from ppocr_bench.train.result import RunResult
from ppocr_bench.train.run_folder import load_run_config, resume_config
from ppocr_bench.train.schedules import cosine_warmup_lr

__all__ = [
    "AUGMENTATIONS",
    "NullProgress",
    "RemapReport",
    "RichTrainProgress",
    "RunResult",
    "TrainConfig",
    "TrainProgress",
    "cosine_warmup_lr",
    "load_run_config",
    "parse_overrides",
    "plot_run",
    "remap_charset",
    "resume_config",
    "train",
]
