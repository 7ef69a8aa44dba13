"""The realism options of the synthesis: what makes synthetic text look like text in photos.

One :class:`Realism` value rides with every synth run (``SynthSpec.realism``) and every
streamed training run (``StreamSpec.realism``); ``synth`` and ``train`` take it as
``--realism TEXT`` and the experiment tables (:mod:`ppocr_bench.experiments`) change it row by
row. Text forms (:func:`parse_realism`):

- ``base``: every option on (the default);
- ``legacy``: the synthesis of ppocr-bench before these options (zoo/mobile v1's data, the
  default eval sets): procedural backgrounds, faces drawn uniformly, tight crops, corpus text;
  every other field is ignored;
- ``-photos,-blur``: base with those options off; ``fonts=pinned``: base with another font pool.

Options (all on in ``base``):

- ``photos``: scene backgrounds (and rec/cls line backgrounds) cut from real photographs
  (:mod:`ppocr_bench.synth.photos`: Debian wallpaper packages and ``background_dirs``), text
  placed on regions of low texture, following the local surface;
- ``fonts``: the face pool: ``balanced`` (every usable face, families drawn equally often),
  ``uniform`` (every usable face, each face equally often: one big family dominates) or
  ``pinned`` (only the pinned pip fonts the eval sets use);
- ``crops``: rec and cls samples cut the way a detector's boxes cut them (loose or tight margins,
  slight rotation, neighbouring text at the edges);
- ``vocab``: real-scene text beside the corpus: uppercase signs, numbers, prices, dates, URLs,
  brand-like tokens, single words;
- ``blend``: text blended into the background (alpha, shading from the surface,
  Poisson-like gradient blending), never below the legibility floor;
- degradation families ``blur`` (motion, defocus), ``lowres`` (low resolution upsampled),
  ``jpeg`` (compression), ``light`` (uneven light, shadows).

Label options (off in ``base``, turned on with ``+OPTION``; they change what is labelled, not
how the pixels look):

- ``words``: scene text is labelled word by word where its script spaces its words, as ICDAR
  2015, COCO-Text and MLT mark scene text, instead of line by line as PaddleOCR's Chinese sets
  and our default eval sets do: each word's box is tight around its own ink, and its rec crop is
  the word. Documents, curved and vertical text keep their lines.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace

from ppocr_bench.errors import PpocrError

FONT_POOLS = ("balanced", "uniform", "pinned")
#: The on/off options, in the order tables and docs list them.
SWITCHES = ("photos", "crops", "vocab", "blend", "blur", "lowres", "jpeg", "light")
#: The label options: off in base, ``+OPTION`` turns one on.
LABELS = ("words",)


@dataclass(frozen=True)
class Realism:
    """Which realism options a synthesis uses (see the module docstring)."""

    legacy: bool = False
    photos: bool = True
    fonts: str = "balanced"
    crops: bool = True
    vocab: bool = True
    blend: bool = True
    blur: bool = True
    lowres: bool = True
    jpeg: bool = True
    light: bool = True
    words: bool = False
    #: extra folders of photographs (``--background-dir``), searched before the system ones
    background_dirs: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.fonts not in FONT_POOLS:
            raise PpocrError(f"--realism fonts={self.fonts}: the font pool is one of "
                             f"{', '.join(FONT_POOLS)}")
        object.__setattr__(self, "background_dirs", tuple(str(d) for d in self.background_dirs))

    def on(self, option: str) -> bool:
        """Whether ``option`` (one of :data:`SWITCHES` or :data:`LABELS`) is in effect: never
        in legacy mode."""
        return not self.legacy and bool(getattr(self, option))

    @property
    def font_pool(self) -> str:
        return "uniform" if self.legacy else self.fonts

    def text(self) -> str:
        """The shortest ``--realism`` text that parses back to this value (folders aside)."""
        if self.legacy:
            return "legacy"
        parts = [f"-{name}" for name in SWITCHES if not getattr(self, name)]
        parts += [f"+{name}" for name in LABELS if getattr(self, name)]
        if self.fonts != "balanced":
            parts.append(f"fonts={self.fonts}")
        return ",".join(parts) or "base"

    def to_json(self) -> dict:
        data = asdict(self)
        data["background_dirs"] = list(self.background_dirs)
        for name in LABELS:  # off: recorded as before the option existed, so old records match
            if not data[name]:
                del data[name]
        return data

    @classmethod
    def from_json(cls, data: dict | None) -> Realism:
        """A recorded value; a record from before these options (None) reads as legacy."""
        if data is None:
            return LEGACY
        known = {f.name for f in fields(cls)}
        return cls(**{k: (tuple(v) if k == "background_dirs" else v)
                      for k, v in data.items() if k in known})


BASE = Realism()
LEGACY = Realism(legacy=True)


def parse_realism(text: str | None, background_dirs: tuple[str, ...] = ()) -> Realism:
    """``base`` | ``legacy`` | a comma list of ``-OPTION``, ``+OPTION`` and ``fonts=POOL`` applied
    to base (see the module docstring); a one-line error naming the bad part."""
    value = BASE
    text = (text or "base").strip()
    for part in (p.strip() for p in text.split(",")):
        if part in ("", "base"):
            continue
        if part == "legacy":
            value = replace(value, legacy=True)
        elif part.startswith("fonts="):
            value = replace(value, fonts=part[len("fonts="):])
        elif part.lstrip("+-") in SWITCHES + LABELS:
            value = replace(value, **{part.lstrip("+-"): not part.startswith("-")})
        else:
            raise PpocrError(f"--realism {text}: unknown part {part!r}; use base, legacy, "
                             f"-OPTION or +OPTION ({', '.join(SWITCHES + LABELS)}) or fonts=POOL "
                             f"({', '.join(FONT_POOLS)})")
    return replace(value, background_dirs=tuple(str(d) for d in background_dirs))
