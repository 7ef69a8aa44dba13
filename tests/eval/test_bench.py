"""bench: latency percentiles on a fake clock, ONNX and runner latency, size and params."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from torch import nn

from ppocr_bench.eval import bench


class FakeClock:
    """perf_counter that only moves when a fake call 'takes' time."""

    def __init__(self, durations_ms: list[float]) -> None:
        self.now = 0.0
        self.durations = list(durations_ms)
        self.calls = 0

    def perf_counter(self) -> float:
        return self.now

    def call(self) -> None:
        self.now += self.durations[self.calls % len(self.durations)] / 1e3
        self.calls += 1


def test_time_calls_percentiles(monkeypatch):
    # 3 warm-up calls of 1000 ms are not timed; then 1..10 ms.
    clock = FakeClock([1000, 1000, 1000, *range(1, 11)])
    monkeypatch.setattr(bench.time, "perf_counter", clock.perf_counter)
    lat = bench.time_calls(clock.call, warmup=3, runs=10)
    assert clock.calls == 13
    assert lat == bench.Latency(p50=pytest.approx(5.5), p90=pytest.approx(9.1), runs=10)


def test_time_calls_stops_at_the_time_budget_after_three_runs(monkeypatch):
    clock = FakeClock([10_000])  # 10 s a call
    monkeypatch.setattr(bench.time, "perf_counter", clock.perf_counter)
    lat = bench.time_calls(clock.call, warmup=0, runs=20, max_seconds=15)
    assert lat.runs == 3 and lat.p50 == pytest.approx(10_000)


def test_runner_latency_feeds_one_batch_1_input():
    shapes = []
    lat = bench.runner_latency(lambda x: shapes.append((x.shape, x.dtype)), (3, 8, 16), runs=4)
    assert lat.runs == 4 and lat.p50 <= lat.p90
    assert set(shapes) == {((1, 3, 8, 16), np.dtype(np.float32))}


def test_onnx_latency(tmp_path: Path):
    import onnx
    from onnx import TensorProto, helper

    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, "h", "w"])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 3, "h", "w"])
    graph = helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "g", [x], [y])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, tmp_path / "m.onnx")
    lat = bench.onnx_latency(tmp_path / "m.onnx", (3, 16, 32), threads=1, runs=3)
    assert lat.runs == 3 and 0 < lat.p50 <= lat.p90


def test_model_latency_and_size(tmp_path: Path):
    model = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4))
    # fp32 tensors incl. BN statistics (num_batches_tracked is an int tensor, not counted)
    assert bench.size_mb(model=model) == pytest.approx((3 * 4 * 9 + 4 + 8 + 8) * 4 / 1e6)
    (tmp_path / "w").write_bytes(b"x" * 2_500_000)
    assert bench.size_mb(tmp_path / "w") == 2.5
    lat = bench.model_latency(model, (3, 8, 8), threads=1, runs=3)
    assert lat.runs == 3 and lat.p50 > 0


def test_machine_info():
    info = bench.machine_info()
    assert info["cores"] >= 1 and isinstance(info["cpu"], str) and info["cpu"]
    assert {"os", "python", "torch"} <= set(info)
