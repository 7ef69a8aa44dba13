"""Backbones of the PP-OCR networks."""
