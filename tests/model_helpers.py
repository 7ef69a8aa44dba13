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
