"""Inference: the det, cls and rec predictors, the det -> crop -> cls -> rec system, runtime
backends (torch, onnxruntime), pre/post-processing profiles, ONNX export and `ppocr-bench ocr`."""
