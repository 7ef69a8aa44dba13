import numpy as np
import onnx
import pytest
import torch
from onnx import TensorProto, helper

from ppocr_bench.inference.backends import OnnxRunner, TorchRunner
from ppocr_bench.errors import PpocrError
from ppocr_bench.models import create_model


def _double_graph(path):
    """A one-node ONNX model: y = 2 x for N x 3 x H x W float32 inputs."""
    x = helper.make_tensor_value_info("inp", TensorProto.FLOAT, ["n", 3, "h", "w"])
    y = helper.make_tensor_value_info("out", TensorProto.FLOAT, ["n", 3, "h", "w"])
    two = helper.make_tensor("two", TensorProto.FLOAT, [], [2.0])
    node = helper.make_node("Mul", ["inp", "two"], ["out"])
    graph = helper.make_graph([node], "double", [x], [y], initializer=[two])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, str(path))
    return path


def test_onnx_runner_runs_any_input_name_and_casts_to_float32(tmp_path):
    runner = OnnxRunner(_double_graph(tmp_path / "double.onnx"), threads=1)
    x = np.arange(2 * 3 * 4 * 5, dtype=np.float64).reshape(2, 3, 4, 5)
    out = runner(x)
    assert out.dtype == np.float32 and out.shape == x.shape
    np.testing.assert_array_equal(out, 2 * x)


def test_onnx_runner_rejects_missing_and_corrupt_files(tmp_path):
    with pytest.raises(PpocrError, match="no such ONNX file"):
        OnnxRunner(tmp_path / "nope.onnx")
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(b"not a protobuf at all")
    with pytest.raises(PpocrError, match="not a loadable ONNX model") as info:
        OnnxRunner(bad)
    assert "\n" not in str(info.value)


def test_runners_reject_unbatched_input(tmp_path):
    runner = OnnxRunner(_double_graph(tmp_path / "double.onnx"))
    with pytest.raises(ValueError, match="N x C x H x W"):
        runner(np.zeros((3, 4, 5), np.float32))


def test_torch_runner_is_eval_mode_and_restores_threads():
    torch.manual_seed(0)
    model = create_model("cls_mv3").train()
    runner = TorchRunner(model, threads=1)
    assert not model.training
    before = torch.get_num_threads()
    x = np.random.default_rng(0).standard_normal((3, 3, 48, 192)).astype(np.float32)
    probs = runner(x)
    assert torch.get_num_threads() == before
    assert isinstance(probs, np.ndarray) and probs.shape == (3, 2)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-5)  # eval output: softmax
    np.testing.assert_array_equal(runner(x), probs)  # deterministic: BN uses running stats
