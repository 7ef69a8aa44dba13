"""DB loss terms on hand-computable maps."""

from __future__ import annotations

import pytest
import torch

from ppocr_bench.losses.db_loss import balanced_bce_loss, db_loss, dice_loss, masked_l1_loss


def _targets() -> dict[str, torch.Tensor]:
    gt = torch.zeros(2, 8, 8)
    gt[:, 2:4, 2:6] = 1  # 8 positives per image
    return {
        "shrink_map": gt,
        "shrink_mask": torch.ones(2, 8, 8),
        "threshold_map": torch.full((2, 8, 8), 0.5),
        "threshold_mask": torch.zeros(2, 8, 8).index_fill_(1, torch.tensor([0]), 1.0),
    }


def test_perfect_prediction_is_zero_loss() -> None:
    t = _targets()
    preds = {"prob": t["shrink_map"][:, None], "thresh": t["threshold_map"][:, None],
             "binary": t["shrink_map"][:, None]}
    out = db_loss(preds, t)
    assert out["loss"].item() == pytest.approx(0.0, abs=1e-5)


def test_terms_and_weights() -> None:
    t = _targets()
    prob = torch.full((2, 1, 8, 8), 0.5)
    thresh = torch.full((2, 1, 8, 8), 0.3)
    out = db_loss({"prob": prob, "thresh": thresh, "binary": prob}, t)
    # Dice: inter = 0.5 * 16, sums = 0.5 * 128 + 16 -> 1 - 16 / 80 = 0.8
    assert out["loss_shrink"].item() == pytest.approx(5 * 0.8, rel=1e-5)
    assert out["loss_binary"].item() == pytest.approx(0.8, rel=1e-5)
    # L1 = |0.3 - 0.5| inside the mask
    assert out["loss_thresh"].item() == pytest.approx(10 * 0.2, rel=1e-4)
    assert out["loss"].item() == pytest.approx(4.0 + 2.0 + 0.8, rel=1e-4)


def test_masks_exclude_pixels() -> None:
    pred = torch.tensor([0.9, 0.1, 0.7])
    gt = torch.tensor([1.0, 0.0, 0.0])
    mask = torch.tensor([1.0, 1.0, 0.0])  # the wrong 0.7 is masked out
    assert dice_loss(pred, gt, mask).item() == pytest.approx(1 - 1.8 / 2.0, rel=1e-5)
    assert masked_l1_loss(pred, gt, mask).item() == pytest.approx(0.1, rel=1e-4)


def test_balanced_bce_hard_negative_mining() -> None:
    # 1 positive -> 3 hardest negatives of 5 kept: losses -log(1 - p)
    pred = torch.tensor([0.8, 0.9, 0.7, 0.6, 0.1, 0.05])
    gt = torch.tensor([1.0, 0, 0, 0, 0, 0])
    mask = torch.ones(6)
    expected = (-torch.log(torch.tensor(0.8)) - torch.log(torch.tensor([0.1, 0.3, 0.4])).sum()) / 4
    assert balanced_bce_loss(pred, gt, mask).item() == pytest.approx(expected.item(), rel=1e-4)


def test_bce_option_and_gradients() -> None:
    t = _targets()
    logits = torch.zeros(2, 1, 8, 8, requires_grad=True)
    prob = torch.sigmoid(logits)
    out = db_loss({"prob": prob, "thresh": prob, "binary": prob}, t, shrink_loss="bce")
    # prob 0.5 everywhere: BCE = log 2 for every selected pixel
    assert out["loss_shrink"].item() == pytest.approx(5 * 0.6931472, rel=1e-4)
    out["loss"].backward()
    assert logits.grad is not None and torch.isfinite(logits.grad).all()
    with pytest.raises(ValueError):
        db_loss({"prob": prob, "thresh": prob}, t, shrink_loss="focal")  # type: ignore[arg-type]


def test_binary_optional_in_eval() -> None:
    t = _targets()
    prob = torch.full((2, 1, 8, 8), 0.5)
    out = db_loss({"prob": prob, "thresh": prob}, t)
    assert out["loss_binary"].item() == 0.0
