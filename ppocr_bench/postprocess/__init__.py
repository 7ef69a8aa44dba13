"""Numpy post-processing outside the networks: DB boxes (db), CTC decode (ctc), cls flip (cls)."""
