"""Evaluation: the scoring loop for zoo entries and peer systems, default eval sets, model size
and latency, reports and plots, and det post-processing tuning (`zoo tune-det`)."""
