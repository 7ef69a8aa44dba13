"""Multilingual scene and document text synthesis with ground truth for det, cls and rec."""
