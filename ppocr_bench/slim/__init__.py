"""Slim PP-OCR: FPGM filter pruning (:mod:`.fpgm`, :mod:`.graph`, :mod:`.prune`,
:mod:`.sensitivity`) and quantisation-aware training, as PAPER.md's section "Slim" describes."""
