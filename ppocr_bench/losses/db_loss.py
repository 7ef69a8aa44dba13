"""DB loss (torch): alpha * L_shrink + beta * L_thresh + L_binary, alpha = 5, beta = 10.

- L_shrink on the probability map, masked by ``shrink_mask``:
  ``"dice"`` (PaddleOCR: ``BalanceLoss`` with a Dice main loss, which reduces to Dice because
  the Dice loss is one scalar shared by every pixel) or ``"bce"`` (DB paper: binary cross-entropy
  with hard-negative mining, all positives plus the ``ohem_ratio`` x #positives hardest
  negatives, averaged over the selected pixels of the whole batch).
- L_thresh: L1 between the threshold map and its target inside ``threshold_mask``,
  sum(|pred - gt| * mask) / (sum(mask) + eps).
- L_binary: Dice between the approximate binary map and the shrink map, masked by
  ``shrink_mask``: 1 - 2 sum(p g m) / (sum(p m) + sum(g m) + eps).

Sums run over the whole batch (as PaddleOCR), not per image.
"""

from __future__ import annotations

from typing import Literal

import torch
import torch.nn.functional as F
from torch import Tensor

ShrinkLoss = Literal["dice", "bce"]


def _flat(x: Tensor) -> Tensor:
    """N x 1 x H x W or N x H x W -> N x H x W."""
    if x.dim() == 4:
        if x.shape[1] != 1:
            raise ValueError(f"expected N x 1 x H x W, got {tuple(x.shape)}")
        x = x[:, 0]
    if x.dim() != 3:
        raise ValueError(f"expected N x 1 x H x W or N x H x W, got {tuple(x.shape)}")
    return x


def dice_loss(pred: Tensor, gt: Tensor, mask: Tensor, eps: float = 1e-6) -> Tensor:
    """Masked Dice loss over all elements; pred, gt, mask of one shape. Returns a scalar."""
    inter = (pred * gt * mask).sum()
    union = (pred * mask).sum() + (gt * mask).sum() + eps
    return 1.0 - 2.0 * inter / union


def masked_l1_loss(pred: Tensor, gt: Tensor, mask: Tensor, eps: float = 1e-6) -> Tensor:
    """sum(|pred - gt| * mask) / (sum(mask) + eps). Returns a scalar."""
    return ((pred - gt).abs() * mask).sum() / (mask.sum() + eps)


def balanced_bce_loss(
    pred: Tensor, gt: Tensor, mask: Tensor, negative_ratio: float = 3.0, eps: float = 1e-6
) -> Tensor:
    """BCE with hard-negative mining (DB paper). pred: probabilities in (0, 1). Returns a scalar.

    Keeps every positive pixel (gt * mask) and the ``negative_ratio`` x #positives negatives with
    the largest loss (at most all negatives), and averages over them.
    """
    positive = gt * mask
    negative = (1.0 - gt) * mask
    pos_count = int(positive.sum().item())
    neg_count = int(min(negative.sum().item(), pos_count * negative_ratio))
    loss = F.binary_cross_entropy(pred.clamp(0.0, 1.0), gt, reduction="none")
    pos_loss = (loss * positive).sum()
    if neg_count > 0:
        neg_loss = torch.topk((loss * negative).reshape(-1), neg_count).values.sum()
    else:
        neg_loss = loss.new_zeros(())
    return (pos_loss + neg_loss) / (pos_count + neg_count + eps)


def db_loss(
    preds: dict[str, Tensor],
    targets: dict[str, Tensor],
    *,
    shrink_loss: ShrinkLoss = "dice",
    alpha: float = 5.0,
    beta: float = 10.0,
    ohem_ratio: float = 3.0,
    eps: float = 1e-6,
) -> dict[str, Tensor]:
    """The DB loss and its three terms.

    ``preds``: ``prob``, ``thresh``, ``binary`` (each N x 1 x H x W, values in [0, 1]; ``binary``
    may be absent in eval mode, and then L_binary is 0). ``targets``: ``shrink_map``,
    ``shrink_mask``, ``threshold_map``, ``threshold_mask`` (each N x H x W or N x 1 x H x W, see
    :func:`ppocr_bench.data.db_targets.make_db_targets`).
    Returns ``loss`` (the total) and ``loss_shrink``, ``loss_thresh``, ``loss_binary``, already
    weighted (loss = loss_shrink + loss_thresh + loss_binary).
    """
    prob = _flat(preds["prob"])
    gt, mask = _flat(targets["shrink_map"]).to(prob), _flat(targets["shrink_mask"]).to(prob)
    if shrink_loss == "dice":
        l_shrink = dice_loss(prob, gt, mask, eps)
    elif shrink_loss == "bce":
        l_shrink = balanced_bce_loss(prob, gt, mask, ohem_ratio, eps)
    else:
        raise ValueError(f"shrink_loss must be 'dice' or 'bce', not {shrink_loss!r}")
    l_thresh = masked_l1_loss(
        _flat(preds["thresh"]), _flat(targets["threshold_map"]).to(prob),
        _flat(targets["threshold_mask"]).to(prob), eps,
    )
    binary = preds.get("binary")
    l_binary = dice_loss(_flat(binary), gt, mask, eps) if binary is not None else prob.new_zeros(())
    out = {"loss_shrink": alpha * l_shrink, "loss_thresh": beta * l_thresh, "loss_binary": l_binary}
    out["loss"] = out["loss_shrink"] + out["loss_thresh"] + out["loss_binary"]
    return out
