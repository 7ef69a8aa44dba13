"""The FPGM criterion (filter pruning via geometric median, PaddleSlim's ``FPGMFilterPruner``).

A conv's weight is flattened to (out_c, -1); filter i scores the sum of its Euclidean distances
to every filter, ``s_i = sum_j ||w_i - w_j||_2``. The filters closest to the geometric median
(lowest score) are the most replaceable and go first: ``round(n * ratio)`` of them (Python's
rounding, as PaddleSlim), at most n - 1 so a layer keeps one filter (PaddleSlim writes
``max`` where it means ``min``). When the channels feed a grouped conv the scores are averaged
per group of ``n / groups`` consecutive channels and whole groups are pruned.
"""

from __future__ import annotations

import torch

from ppocr_bench.errors import PpocrError


def fpgm_scores(weight: torch.Tensor, groups: int = 1) -> torch.Tensor:
    """(out_c, ...) filters -> (out_c,) distance sums, or (groups,) their means per group of
    ``out_c / groups`` consecutive filters."""
    flat = weight.detach().reshape(weight.shape[0], -1).double()
    distances = torch.cdist(flat, flat, compute_mode="donot_use_mm_for_euclid_dist")
    scores = distances.sum(1)
    if groups > 1:
        if weight.shape[0] % groups:
            raise PpocrError(f"{weight.shape[0]} filters do not split into {groups} groups")
        scores = scores.reshape(groups, -1).mean(1)
    return scores


def prune_count(n: int, ratio: float) -> int:
    """How many of ``n`` filters (or groups) ``ratio`` removes: round(n * ratio), at most
    n - 1. ``ratio`` in [0, 1)."""
    if not 0.0 <= ratio < 1.0:
        raise PpocrError(f"a pruning ratio must lie in [0, 1), got {ratio}")
    return min(round(n * ratio), n - 1)


def fpgm_pruned(weight: torch.Tensor, ratio: float, groups: int = 1) -> list[int]:
    """The filter indices FPGM removes from (out_c, ...) ``weight`` at ``ratio``, ascending:
    the ``prune_count`` lowest scores (ties to the lower index); with ``groups`` > 1 every
    filter of the lowest-scoring groups."""
    scores = fpgm_scores(weight, groups)
    order = torch.argsort(scores, stable=True)
    chosen = order[:prune_count(len(scores), ratio)].tolist()
    size = weight.shape[0] // max(groups, 1)
    if groups > 1:
        chosen = [g * size + k for g in chosen for k in range(size)]
    return sorted(chosen)
