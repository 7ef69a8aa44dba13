"""The FPGM criterion on hand-computed filters: distance sums, the count pruned, groups."""

from __future__ import annotations

import math

import pytest
import torch

from ppocr_bench.errors import PpocrError
from ppocr_bench.slim.fpgm import fpgm_pruned, fpgm_scores, prune_count


def three_filters() -> torch.Tensor:
    """(3, 1, 1, 2) filters at (0, 0), (3, 4) and (0, 1): pairwise distances 5, 1 and
    sqrt(18), so the sums are 6, 5 + sqrt(18) and 1 + sqrt(18)."""
    return torch.tensor([[0.0, 0.0], [3.0, 4.0], [0.0, 1.0]]).reshape(3, 1, 1, 2)


def test_scores_are_the_sums_of_euclidean_distances():
    expected = [6.0, 5.0 + math.sqrt(18), 1.0 + math.sqrt(18)]
    assert fpgm_scores(three_filters()).tolist() == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("ratio, pruned", [
    (0.1, []),          # round(0.3) = 0
    (0.34, [2]),        # round(1.02) = 1: the lowest sum, 1 + sqrt(18) = 5.24 < 6
    (0.5, [0, 2]),      # round(1.5) = 2: then 6 < 5 + sqrt(18)
    (0.99, [0, 2]),     # round(2.97) = 3, capped at n - 1 = 2
])
def test_the_lowest_scores_go_first_and_one_filter_stays(ratio, pruned):
    assert fpgm_pruned(three_filters(), ratio) == pruned


@pytest.mark.parametrize("n, ratio, count", [(10, 0.25, 2), (10, 0.35, 4), (5, 0.5, 2),
                                             (7, 0.5, 4), (1, 0.9, 0), (8, 0.0, 0)])
def test_prune_count_rounds_as_python_and_keeps_one(n, ratio, count):
    assert prune_count(n, ratio) == count  # 2.5 -> 2, 3.5 -> 4: Python's (PaddleSlim's) round


@pytest.mark.parametrize("ratio", [-0.1, 1.0, 1.5])
def test_ratio_outside_0_1_is_an_error(ratio):
    with pytest.raises(PpocrError, match="must lie in"):
        prune_count(4, ratio)


def test_grouped_scores_are_averaged_per_group_and_whole_groups_go():
    # filters (0, 0), (3, 4) | (0, 1), (0, 2) in 2 groups; distances 5, 1, 2, sqrt 18,
    # sqrt 13, 1: sums 8, 5 + r18 + r13, 2 + r18, 3 + r13
    weight = torch.tensor([[0.0, 0.0], [3.0, 4.0], [0.0, 1.0], [0.0, 2.0]]).reshape(4, 2, 1, 1)
    r18, r13 = math.sqrt(18), math.sqrt(13)
    assert fpgm_scores(weight).tolist() == pytest.approx([8, 5 + r18 + r13, 2 + r18, 3 + r13])
    assert fpgm_scores(weight, groups=2).tolist() == pytest.approx(
        [(13 + r18 + r13) / 2, (5 + r18 + r13) / 2])
    assert fpgm_pruned(weight, 0.5, groups=2) == [2, 3]
    with pytest.raises(PpocrError, match="do not split into 3 groups"):
        fpgm_scores(weight, groups=3)


def test_equal_scores_prune_the_lower_index():
    weight = torch.eye(4).reshape(4, 4, 1, 1)  # every filter equally far from the others
    assert fpgm_pruned(weight, 0.5) == [0, 1]
