"""Necks of the PP-OCR networks."""
