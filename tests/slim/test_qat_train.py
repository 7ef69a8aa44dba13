"""`train --quant pact`: the option in the config, quantisation after --init, exact resume,
moving averages updated by training steps only, and one-line errors."""

from __future__ import annotations

import pytest
import torch
from cli_run import cli, one_line_error
from safetensors.torch import load_file

from ppocr_bench.errors import PpocrError
from ppocr_bench.models import create_model, read_weights_info, save_weights
from ppocr_bench.slim.quant import ALPHA_INIT, ALPHA_L2, MOVING_RATE
from ppocr_bench.train import TrainConfig, load_run_config, train
from ppocr_bench.train.checkpoints import list_checkpoints, load_state

TINY = {
    "det": {"overrides": {"scale": 0.35, "inner_channels": 16}, "det_size": 96,
            "det_val_side": 96},
    "cls": {"overrides": {"input_size": (3, 48, 96)}},
    "rec": {"overrides": {"input_size": (3, 32, 128), "scale": 0.35, "hidden_size": 16}},
}


def _config(task, data, out, **kw):
    options = {"steps": 4, "warmup_steps": 1, "max_samples": 3, "batch_size": 2,
               "quant": "pact", **TINY[task], **kw}
    return TrainConfig(task=task, data=str(data), out=str(out), workers=0, threads=1,
                       device="cpu", **options)


def _state_after(steps: int) -> float:
    """``state`` after ``steps`` training batches: s <- 0.9 s + 1 from s = 1."""
    state = 1.0
    for _ in range(steps):
        state = MOVING_RATE * state + 1.0
    return state


@pytest.mark.parametrize("task", ["det", "cls", "rec"])
def test_a_pact_run_resumes_exactly_and_learns_its_quantisation_state(task, synth_en,
                                                                       tmp_path):
    kw = {"ckpt_every": 2, "val": str(synth_en), "eval_every": 2}
    train(_config(task, synth_en, tmp_path / "whole", **kw))
    killed = train(_config(task, synth_en, tmp_path / "broken", **kw), stop_after=3)
    assert killed.step == 3 and list_checkpoints(tmp_path / "broken") == [2]
    resumed = train(load_run_config(tmp_path / "broken"), resume=True)
    assert resumed.resumed_from == 2 and resumed.step == 4
    whole = load_file(tmp_path / "whole/ckpt/step_00000004.safetensors")
    again = load_file(tmp_path / "broken/ckpt/step_00000004.safetensors")
    assert whole.keys() == again.keys()
    for key in whole:
        torch.testing.assert_close(again[key], whole[key], rtol=0, atol=0, msg=key)
    states = [load_state(tmp_path / d, 4)["optimizer"] for d in ("whole", "broken")]
    for a, b in zip(states[0]["state"].values(), states[1]["state"].values()):
        for name in a:
            torch.testing.assert_close(b[name], a[name], rtol=0, atol=0)
    assert [g["weight_decay"] for g in states[0]["param_groups"]][1] == ALPHA_L2
    # four training batches moved every average (validation in eval mode did not) and
    # Adam moved every alpha (its L2 alone has a gradient)
    alphas = [v for k, v in whole.items() if k.endswith("input_quant.alpha")]
    assert alphas and all(float(a) != ALPHA_INIT for a in alphas)
    for key in (k for k in whole if k.endswith("input_quant.state")):
        torch.testing.assert_close(whole[key], torch.tensor([_state_after(4)]))
    final = tmp_path / "whole/final.safetensors"
    assert read_weights_info(final).quant == "pact"


def test_quant_is_a_run_option_like_the_others(synth_en, tmp_path):
    config = _config("cls", synth_en, tmp_path / "run", steps=2)
    assert "--quant pact" in config.command() and "int8 QAT pact" in config.recipe()
    old = config.to_dict()
    del old["quant"]  # a config.json from before the option
    assert TrainConfig.from_dict(old).quant is None
    assert TrainConfig.from_dict(config.to_dict()) == config
    assert _config("cls", synth_en, tmp_path, quant="none").quant is None
    with pytest.raises(PpocrError, match="--quant must be pact \\(or none\\), not 'int4'"):
        _config("cls", synth_en, tmp_path, quant="int4")
    train(config)
    with pytest.raises(PpocrError, match=r"changed: --quant none \(the run: pact\)"):
        train(_config("cls", synth_en, tmp_path / "run", steps=2, quant=None), resume=True)


def test_init_weights_are_loaded_before_quantisation(synth_en, tmp_path):
    torch.manual_seed(5)
    start = create_model("cls_mv3", **TINY["cls"]["overrides"])
    save_weights(start, tmp_path / "float.safetensors")
    # lr 0: the parameters stay the init's, now inside the quantised layers
    train(_config("cls", synth_en, tmp_path / "run", steps=1, lr=0.0,
                  init=str(tmp_path / "float.safetensors")))
    final = load_file(tmp_path / "run/final.safetensors")
    for key, value in start.named_parameters():
        torch.testing.assert_close(final[key], value.detach(), rtol=0, atol=0, msg=key)
    # the run fitted its alphas to the first batch: none below 20, none trained (lr 0)
    alphas = {k: float(v) for k, v in final.items() if k.endswith("input_quant.alpha")}
    assert alphas and min(alphas.values()) >= ALPHA_INIT
    qat = tmp_path / "run/final.safetensors"
    with pytest.raises(PpocrError, match="final.safetensors: quantisation-aware \\(pact\\) "
                                         "weights: continue training them with --quant pact"):
        train(_config("cls", synth_en, tmp_path / "float_run", steps=1, quant=None,
                      init=str(qat)))
    # QAT weights continue with their own quantisation state: nothing is fitted again
    more = train(_config("cls", synth_en, tmp_path / "more", steps=1, lr=0.0, init=str(qat)))
    assert read_weights_info(more.final_weights).quant == "pact"
    again = load_file(more.final_weights)
    for key in (k for k in final if k.endswith("input_quant.alpha")):
        torch.testing.assert_close(again[key], final[key], rtol=0, atol=0, msg=key)


def test_an_unknown_quant_is_one_line_before_any_work(tiny_set, tmp_path):
    proc = cli("train", "cls", "--data", tiny_set, "--out", tmp_path / "r", "--steps", 1,
               "--quant", "int4")
    one_line_error(proc, "--quant must be pact (or none), not 'int4'")
    assert not (tmp_path / "r").exists()
