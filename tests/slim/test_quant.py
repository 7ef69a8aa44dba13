"""PACT quantisation-aware layers: the clip, the fake-quant arithmetic, the moving averages,
which layers are quantised, and the quantised state in weights files (hand-computed cases)."""

from __future__ import annotations

import pytest
import torch
from qat_fixtures import TINY, qat_model, tiny_model
from torch import nn

from ppocr_bench.errors import PpocrError
from ppocr_bench.models import load_model, load_weights, read_weights_info, save_weights
from ppocr_bench.models.depthwise import DepthwiseConv2d
from ppocr_bench.slim.quant import (
    ALPHA_INIT,
    ALPHA_L2,
    InputQuant,
    QuantConv2d,
    QuantLinear,
    calibrate,
    fake_quant,
    fit_alphas,
    param_groups,
    quant_layers,
    quantize_model,
    quantize_weight,
)


def test_pact_clips_to_alpha_and_its_gradient_reaches_alpha():
    quant = InputQuant()
    assert float(quant.alpha.detach()) == ALPHA_INIT == 20.0
    quant.alpha.data.fill_(2.0)
    x = torch.tensor([-3.0, 0.5, 2.5, 4.0], requires_grad=True)
    y = quant.pact(x)
    torch.testing.assert_close(y, torch.tensor([-2.0, 0.5, 2.0, 2.0]), rtol=0, atol=0)
    y.sum().backward()
    # dy/dx = 1 inside [-a, a], 0 outside; dy/da = -1 below -a, +1 above a: -1 + 1 + 1
    torch.testing.assert_close(x.grad, torch.tensor([0.0, 1.0, 0.0, 0.0]))
    torch.testing.assert_close(quant.alpha.grad, torch.tensor([1.0]))


def test_fake_quant_rounds_half_to_even_clips_and_passes_the_gradient_straight():
    # s = 127: one level is 1.0, so the codes are the rounded, clipped inputs themselves
    x = torch.tensor([0.4, 0.5, 1.5, 2.6, -200.0, 130.0], requires_grad=True)
    out = fake_quant(x, torch.tensor([127.0]))
    torch.testing.assert_close(out, torch.tensor([0.0, 0.0, 2.0, 3.0, -127.0, 127.0]),
                               rtol=0, atol=0)
    out.sum().backward()
    torch.testing.assert_close(x.grad, torch.ones(6))  # no clip mask: -200 and 130 too
    # s = 2: levels of 2 / 127
    out = fake_quant(torch.tensor([1.0, -0.3]), torch.tensor([2.0]))
    torch.testing.assert_close(out, torch.tensor([64 * 2 / 127, -19 * 2 / 127]))


def test_weights_are_quantised_per_output_channel_with_their_abs_max():
    w = torch.tensor([[1.0, -4.0], [0.5, 0.25], [0.0, 0.0]]).reshape(3, 1, 1, 2)
    q = quantize_weight(w).reshape(3, 2)
    # channel 0: s = 4, 1 -> round(31.75) = 32; channel 1: s = 0.5, 0.25 -> round(63.5) = 64
    expected = torch.tensor([[32 * 4 / 127, -4.0], [0.5, 64 * 0.5 / 127], [0.0, 0.0]])
    torch.testing.assert_close(q, expected)
    assert torch.isfinite(q).all()  # the all-zero channel stays zeros


def test_moving_average_abs_max_starts_at_one_and_updates_in_training_only():
    quant = InputQuant()
    quant.alpha.data.fill_(2.0)  # the average sees the PACT output: max 2 where |x| hits 3
    quant.train()
    out = quant(torch.tensor([0.5, -3.0]))
    state, accum = 0.9 * 1 + 1, 0.9 * 1 + 2.0  # 1.9, 2.9
    torch.testing.assert_close(quant.state, torch.tensor([state]))
    torch.testing.assert_close(quant.accum, torch.tensor([accum]))
    s = accum / state  # 1.526: the batch is quantised with the updated scale
    # 0.5 -> round(41.6) = 42 levels; -2 (PACT) lies beyond -s: clipped to -127 levels
    torch.testing.assert_close(out, torch.tensor([42 * s / 127, -s]))
    quant(torch.tensor([1.0]))
    state, accum = 0.9 * state + 1, 0.9 * accum + 1.0
    torch.testing.assert_close(quant.scale, torch.tensor([accum / state]))
    quant.eval()
    quant(torch.tensor([100.0]))
    torch.testing.assert_close(quant.scale, torch.tensor([accum / state]))  # unchanged


def test_calibrate_takes_one_moving_average_step_per_batch_and_leaves_bn_alone():
    model = quantize_model(tiny_model("cls_mv3")).train()
    bn = {k: v.clone() for k, v in model.state_dict().items() if "running" in k}
    batches = [torch.randn(2, 3, 48, 192, generator=torch.Generator().manual_seed(i))
               for i in range(2)]
    stem = model.backbone.stem[0].input_quant
    first = stem.pact(batches[0]).abs().max()  # the stem reads the image itself
    second = stem.pact(batches[1]).abs().max()
    assert calibrate(model, batches) is model and not model.training
    assert not any(m.training for m in model.modules())
    torch.testing.assert_close(stem.state, torch.tensor([0.9 * (0.9 + 1) + 1]))
    torch.testing.assert_close(stem.accum, (0.9 * (0.9 + first) + second).reshape(1))
    assert all(torch.equal(model.state_dict()[k], v) for k, v in bn.items())
    with pytest.raises(PpocrError, match="not quantised: nothing to calibrate"):
        calibrate(tiny_model("cls_mv3"), batches)


def test_fit_alphas_raises_only_the_alphas_their_inputs_exceed():
    images = torch.randn(2, 3, 48, 192, generator=torch.Generator().manual_seed(3))
    images[0, 0, 0, 0] = 55.0  # the stem reads the image itself: |x| below 20 but here
    # what each layer reads in the float network (the fit runs it with inputs unquantised)
    float_model, seen = tiny_model("cls_mv3"), {}

    def observer(name):
        def hook(module, args):
            seen[name] = float(args[0].abs().max())
        return hook

    layers = [(n, m) for n, m in float_model.named_modules()
              if type(m) in (nn.Conv2d, nn.Linear, DepthwiseConv2d)]
    for name, layer in layers:
        layer.register_forward_pre_hook(observer(name))
    with torch.no_grad():
        float_model(images)
    model = quantize_model(tiny_model("cls_mv3")).train()
    raised = fit_alphas(model, images)
    assert model.training and raised["backbone.stem.0"] == pytest.approx(55.0)
    assert set(raised) == {name for name, m in seen.items() if m > ALPHA_INIT}
    assert set(quant_layers(model)) == set(seen)
    for name, layer in quant_layers(model).items():
        q = layer.input_quant  # (weights fake-quantised in the fit: near the float inputs)
        assert float(q.alpha) == pytest.approx(max(ALPHA_INIT, seen[name]), rel=0.05)
        # every moving average starts at what the layer clips to, not at 1
        assert float(q.scale) == pytest.approx(min(float(q.alpha), seen[name]), rel=0.05,
                                               abs=1e-7)
        assert float(q.state) == 1.0
    assert float(model.backbone.stem[0].input_quant.scale) == pytest.approx(55.0)
    with pytest.raises(PpocrError, match="not quantised: no alphas to fit"):
        fit_alphas(tiny_model("cls_mv3"), images)


def test_conv_and_linear_are_quantised_lstm_and_transposed_convs_stay_float():
    rec = qat_model("rec_mv3_crnn")
    float_types = {type(m) for m in rec.modules()}
    assert nn.LSTM in float_types and not float_types & {nn.Conv2d, nn.Linear, DepthwiseConv2d}
    assert {type(m) for m in quant_layers(rec).values()} == {QuantConv2d, QuantLinear}
    det = qat_model("det_mv3_db")
    assert sum(isinstance(m, nn.ConvTranspose2d) for m in det.modules()) == 4
    assert not any(isinstance(m, (nn.Conv2d, nn.Linear)) for m in det.modules())
    assert any(layer.depthwise for layer in quant_layers(det).values())


@pytest.mark.parametrize("preset", sorted(TINY))
def test_quantize_model_keeps_keys_shapes_and_out_channels(preset):
    float_model = tiny_model(preset)
    keys = set(float_model.state_dict())
    out_channels = {n: m.out_channels for n, m in float_model.named_modules()
                    if hasattr(m, "out_channels")}
    shape = TINY[preset][1]
    x = torch.randn(*shape, generator=torch.Generator().manual_seed(3))
    with torch.no_grad():
        expected = float_model(x).shape
    model = quantize_model(float_model)
    assert model.quant == "pact"
    added = set(model.state_dict()) - keys
    layers = quant_layers(model)
    assert keys <= set(model.state_dict())  # the float weights keep their keys
    assert added == {f"{n}.input_quant.{k}" for n in layers for k in ("alpha", "accum", "state")}
    assert {n: m.out_channels for n, m in model.named_modules()
            if hasattr(m, "out_channels")} == out_channels
    with torch.no_grad():
        assert model(x).shape == expected


def test_a_quantised_layer_computes_conv_of_the_quantised_input_and_weight():
    conv = nn.Conv2d(3, 4, 3, padding=1)
    layer = QuantConv2d(conv).eval()
    layer.input_quant.accum.fill_(3.0)  # scale 3
    layer.input_quant.alpha.data.fill_(2.0)  # PACT clips at 2, inside the scale
    x = torch.randn(2, 3, 5, 5, generator=torch.Generator().manual_seed(0)) * 2
    xq = fake_quant(torch.clamp(x, -2.0, 2.0), torch.tensor([3.0]))
    expected = nn.functional.conv2d(xq, quantize_weight(conv.weight), conv.bias, padding=1)
    torch.testing.assert_close(layer(x), expected)


def test_a_quantised_depthwise_layer_keeps_the_depthwise_gradient():
    torch.manual_seed(0)
    depthwise = DepthwiseConv2d(4, 3, stride=2, padding=1)
    fast, plain = QuantConv2d(depthwise), QuantConv2d(depthwise)
    plain.depthwise = False  # the same layer through F.conv2d
    x = torch.randn(2, 4, 9, 9)
    grads = []
    for layer in (fast, plain):
        depthwise.weight.grad = None
        layer(x).square().sum().backward()
        grads.append(depthwise.weight.grad.clone())
    assert fast.depthwise and grads[0].abs().sum() > 0
    torch.testing.assert_close(grads[0], grads[1], rtol=1e-4, atol=1e-5)


def test_quantisation_state_travels_with_the_weights(tmp_path):
    model = qat_model("rec_mv3_crnn")
    path = tmp_path / "qat.safetensors"
    save_weights(model, path)
    assert read_weights_info(path).quant == "pact"
    loaded = load_model(path)
    assert loaded.quant == "pact" and len(quant_layers(loaded)) == len(quant_layers(model))
    for key, value in model.state_dict().items():
        torch.testing.assert_close(loaded.state_dict()[key], value, rtol=0, atol=0)
    x = torch.randn(*TINY["rec_mv3_crnn"][1], generator=torch.Generator().manual_seed(4))
    with torch.no_grad():
        torch.testing.assert_close(loaded(x), model(x), rtol=0, atol=0)
    with pytest.raises(PpocrError, match=r"qat.safetensors: quantisation-aware \(pact\) "
                                         r"weights do not fit a float model"):
        load_weights(tiny_model("rec_mv3_crnn"), path)
    save_weights(tiny_model("rec_mv3_crnn"), tmp_path / "float.safetensors")
    assert read_weights_info(tmp_path / "float.safetensors").quant is None
    with pytest.raises(PpocrError, match="float weights do not fit a quantisation-aware"):
        load_weights(model, tmp_path / "float.safetensors")


def test_alphas_get_their_own_l2():
    model = qat_model("cls_mv3")
    rest, alphas = param_groups(model, 1e-5)
    assert rest["weight_decay"] == 1e-5 and alphas["weight_decay"] == ALPHA_L2 == 2e-5
    assert len(alphas["params"]) == len(quant_layers(model))
    assert all(p.shape == (1,) for p in alphas["params"])
    assert len(rest["params"]) + len(alphas["params"]) == len(list(model.parameters()))
    assert len(param_groups(tiny_model("cls_mv3"), 0.0)) == 1


def test_quantize_model_refuses_unknown_methods_and_a_second_pass():
    with pytest.raises(PpocrError, match="unknown quantisation 'int4': choose pact"):
        quantize_model(tiny_model("cls_mv3"), "int4")
    with pytest.raises(PpocrError, match="quantised already"):
        quantize_model(qat_model("cls_mv3"))
