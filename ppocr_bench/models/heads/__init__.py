"""Heads of the PP-OCR networks."""
