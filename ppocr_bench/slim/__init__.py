"""Slim PP-OCR: FPGM filter pruning (:mod:`.fpgm`, :mod:`.graph`, :mod:`.prune`,
:mod:`.sensitivity`) and quantisation-aware training (PACT, :mod:`.quant`; its int8 ONNX
deployment, :mod:`.int8`), as PAPER.md's section "Slim" describes."""
