"""Evaluation metrics: detection IoU (det_iou), recognition (rec), classification (cls)."""
