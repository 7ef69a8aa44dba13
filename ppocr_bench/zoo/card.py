"""Zoo entries: ``zoo/NAME/card.toml`` plus safetensors weights and charset files.

A card lists the entry's models, one ``[[model]]`` table each::

    name = "mobile"
    description = "..."

    [[model]]
    task = "rec"                      # det | cls | rec
    langs = ["en", "fr", "de"]        # rec: languages this charset serves; det/cls: all
    preset = "rec_mv3_crnn"
    args = { hidden_size = 48 }       # preset overrides
    weights = "rec_latin.safetensors"
    weights_sha256 = "..."
    charset = "rec_latin_charset.txt" # rec only
    charset_sha256 = "..."
    input_size = [3, 32, 320]
    recipe = "..."                    # how it was trained (or imported)
    data = "..."                      # on what
    [model.metrics]                   # figures and the command that produced them
    command = "ppocr-bench eval zoo/mobile --lang en"
    acc = 0.91
    [model.post]                      # det only: DB settings chosen for these weights
    box_thresh = 0.4                  # (thresh, box_thresh, unclip_ratio; the paddleocr
    unclip_ratio = 1.8                # profile's defaults for the rest), written by
    [model.post_tuning]               # `ppocr-bench zoo tune-det --record` with its sweep
    command = "..."

    [eval.en]                         # `ppocr-bench eval zoo/NAME --record`: per language
    det_hmean = 0.93                  # (det_hmean_document, cls_acc, rec_acc, e2e_hmean, ...)
    data = "en-40-1000004"            # the default eval set it ran on, and the command
    [eval_data.ic15-train-300.en]     # `eval zoo/NAME --data DIR --lang en --record`: the
    rec_acc = 0.34                    # same figures on another eval set (real images), by
                                      # the set's folder name

Loading checks both hashes before any tensor is read; a missing weights file names the command
that creates it (``import_command`` in the card).
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import tomli_w

from ppocr_bench import REPO_ROOT
from ppocr_bench.data.labels import LABEL_FILES, TASKS
from ppocr_bench.errors import PpocrError
from ppocr_bench.files import sha256_file

ZOO_DIR = REPO_ROOT / "zoo"
#: det ``[model.post]`` keys -> the open-closed range of values they take
POST_KEYS = {"thresh": (0.0, 1.0), "box_thresh": (0.0, 1.0), "unclip_ratio": (0.0, 10.0)}


@dataclass
class ZooModel:
    """One model of a zoo entry (one ``[[model]]`` table)."""

    task: str
    preset: str
    weights: str
    weights_sha256: str
    langs: list[str] = field(default_factory=list)
    args: dict = field(default_factory=dict)
    charset: str | None = None
    charset_sha256: str | None = None
    input_size: list[int] = field(default_factory=list)
    recipe: str = ""
    data: str = ""
    metrics: dict = field(default_factory=dict)
    #: det: DB post-processing settings for these weights (keys of :data:`POST_KEYS`)
    post: dict = field(default_factory=dict)
    #: how ``post`` was chosen (``zoo tune-det``: command, data, figures)
    post_tuning: dict = field(default_factory=dict)

    def to_toml(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v not in (None, {}, [])}


@dataclass
class ZooCard:
    """A zoo entry: its folder and its models."""

    root: Path
    name: str
    description: str = ""
    import_command: str | None = None
    models: list[ZooModel] = field(default_factory=list)
    #: lang -> the figures ``ppocr-bench eval --record`` measured (see :func:`eval_figures`)
    eval: dict = field(default_factory=dict)
    #: eval set folder name -> lang -> the figures ``eval --data DIR --record`` measured there
    eval_data: dict = field(default_factory=dict)

    @property
    def path(self) -> Path:
        return self.root / "card.toml"

    def find(self, task: str, lang: str | None = None) -> ZooModel | None:
        """The entry's model for ``task`` (and, for rec, serving ``lang``)."""
        for model in self.models:
            if model.task == task and (lang is None or not model.langs or lang in model.langs):
                return model
        return None

    def resolve(self, relative: str) -> Path:
        return self.root / relative


def read_card(root: Path) -> ZooCard:
    """Parse ``root/card.toml``; a PpocrError names the file and the problem."""
    root = Path(root)
    path = root / "card.toml"
    if not path.exists():
        raise PpocrError(f"{root}: no card.toml: not a zoo entry (see `ppocr-bench zoo list`)")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise PpocrError(f"{path}: unreadable card ({exc})") from None
    models = []
    for i, table in enumerate(data.get("model", [])):
        try:
            model = ZooModel(**table)
        except TypeError as exc:
            raise PpocrError(f"{path}: model {i + 1}: {exc}") from None
        if model.task not in TASKS:
            raise PpocrError(f"{path}: model {i + 1}: task must be det, cls or rec, "
                             f"not {model.task!r}")
        _check_post(model, f"{path}: model {i + 1}")
        models.append(model)
    evals = data.get("eval", {})
    if not isinstance(evals, dict):
        raise PpocrError(f"{path}: [eval] must be a table of languages")
    eval_data = data.get("eval_data", {})
    if not isinstance(eval_data, dict) or not all(isinstance(v, dict)
                                                  for v in eval_data.values()):
        raise PpocrError(f"{path}: [eval_data] must be a table of eval sets, each a table of "
                         "languages")
    return ZooCard(root, data.get("name", root.name), data.get("description", ""),
                   data.get("import_command"), models, evals, eval_data)


def _check_post(model: ZooModel, where: str) -> None:
    """[model.post]: det only, known keys, numbers in range."""
    if model.post and model.task != "det":
        raise PpocrError(f"{where}: [model.post] is for det models, not {model.task}")
    for key, value in model.post.items():
        if key not in POST_KEYS:
            raise PpocrError(f"{where}: unknown [model.post] key {key!r} (known: "
                             f"{', '.join(POST_KEYS)})")
        low, high = POST_KEYS[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not (
                low < value <= high):
            raise PpocrError(f"{where}: [model.post] {key} must be a number in ({low:g}, "
                             f"{high:g}], got {value!r}")


def write_card(card: ZooCard) -> Path:
    card.root.mkdir(parents=True, exist_ok=True)
    data: dict = {"name": card.name, "description": card.description}
    if card.import_command:
        data["import_command"] = card.import_command
    data["model"] = [m.to_toml() for m in card.models]
    if card.eval:
        data["eval"] = card.eval
    if card.eval_data:
        data["eval_data"] = card.eval_data
    card.path.write_text(tomli_w.dumps(data), encoding="utf-8")
    return card.path


#: (card key, result task, result key): the accuracies ``eval --record`` keeps per language.
EVAL_FIGURES = (
    ("det_hmean", "det", "hmean"), ("det_hmean_document", "det", "hmean_document"),
    ("det_hmean_scene", "det", "hmean_scene"), ("cls_acc", "cls", "acc"),
    ("rec_acc", "rec", "acc"), ("rec_norm_edit_dis", "rec", "norm_edit_dis"),
    ("e2e_hmean", "system", "hmean"),
)


def eval_figures(result: dict) -> dict:
    """The accuracies of one :func:`ppocr_bench.eval.evaluate.evaluate_zoo` result as a card's
    ``[eval.LANG]`` table (rounded to 4 places), with the data, command, machine and date."""
    figures = {key: round(float(result[task][name]), 4) for key, task, name in EVAL_FIGURES
               if name in result.get(task, {})}
    meta = result.get("meta", {})
    counts = meta.get("counts", {})
    data = Path(str(meta.get("data", "")))
    figures.update(
        images=int(counts.get("det_images", 0)), lines=int(counts.get("rec_crops", 0)),
        data=data.name, data_sha256=eval_set_sha256(data),
        command=str(meta.get("command", "")),
        machine=str(meta.get("machine", {}).get("cpu", "")), date=str(meta.get("date", "")))
    return figures


def eval_set_sha256(data: Path) -> str:
    """sha256 over an eval set's label files (det, cls, rec; those present): two machines that
    synthesize the same set (same fonts) agree on it."""
    digest = hashlib.sha256()
    for rel in LABEL_FILES.values():
        path = Path(data) / rel
        if path.is_file():
            digest.update(rel.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def verified_file(card: ZooCard, relative: str, expected: str | None) -> Path:
    """The path of a card's file after checking it exists and has the recorded sha256."""
    path = card.resolve(relative)
    if not path.exists():
        hint = f": create it with `{card.import_command}`" if card.import_command else ""
        raise PpocrError(f"{path}: missing{hint}")
    if expected and sha256_file(path) != expected:
        raise PpocrError(f"{path}: sha256 differs from the one in {card.path} "
                         "(file changed or corrupt)")
    return path


def list_entries(zoo_dir: Path = ZOO_DIR) -> list[ZooCard]:
    return [read_card(p.parent) for p in sorted(Path(zoo_dir).glob("*/card.toml"))]


def cards_at(path: Path) -> list[ZooCard]:
    """The zoo entries ``path`` names: itself when it holds a card.toml (one entry), else every
    entry folder directly below it (a zoo directory), sorted by name."""
    path = Path(path)
    if (path / "card.toml").exists():
        return [read_card(path)]
    cards = list_entries(path) if path.is_dir() else []
    if not cards:
        raise PpocrError(f"{path}: neither a zoo entry (no card.toml) nor a folder of entries "
                         "(see `ppocr-bench zoo list`)")
    return cards
