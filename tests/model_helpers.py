"""Helpers the tests of several packages build models with."""

import torch


def randomize_batchnorm(model, seed: int = 0):
    """Non-trivial BN statistics and affine weights, so comparisons exercise them (fresh BN is
    the identity). Returns ``model``."""
    gen = torch.Generator().manual_seed(seed)
    for module in model.modules():
        if isinstance(module, torch.nn.BatchNorm2d):
            n = module.num_features
            module.running_mean.copy_(torch.rand(n, generator=gen) * 0.2 - 0.1)
            module.running_var.copy_(torch.rand(n, generator=gen) + 0.5)
            module.weight.data.copy_(torch.rand(n, generator=gen) + 0.5)
            module.bias.data.copy_(torch.rand(n, generator=gen) * 0.2 - 0.1)
    return model


def zoo_entry(root, task: str, preset: str, model, charset: list[str], *, langs=(),
              recipe: str, args: dict | None = None):
    """``model`` saved as ``root/TASK.safetensors`` (rec: its charset beside it) and the card
    entry that names both, with real hashes."""
    from ppocr_bench.files import sha256_file
    from ppocr_bench.models import save_weights
    from ppocr_bench.zoo.card import ZooModel

    weights = root / f"{task}.safetensors"
    save_weights(model, weights)
    entry = ZooModel(task, preset, weights.name, sha256_file(weights),
                     langs=list(langs) if task == "rec" else [], args=dict(args or {}),
                     input_size=list(model.input_size), recipe=recipe, data="none")
    if task == "rec":
        path = root / "charset.txt"
        path.write_text("".join(f"{c}\n" for c in charset), encoding="utf-8")
        entry.charset, entry.charset_sha256 = path.name, sha256_file(path)
    return entry
