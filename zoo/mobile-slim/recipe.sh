#!/usr/bin/env bash
# zoo/mobile-slim: the paper's slim system (FPGM pruning + PACT int8) made from zoo/mobile (v2).
#
# Every model is the one zoo/mobile serves (its card.toml, read when a step starts: `served`)
# fine-tuned with PACT quantisation-aware training on the data that model trained on: the
# streamed synthesis with every realism option on, zoo/mobile v2's line source, input sizes and
# augmentations, so the slim models learn the quantisation, not another distribution. The
# detector is quantised and calibrated, not fine-tuned and not pruned (README,
# "zoo/mobile-slim"). Deployed as int8 ONNX: `ppocr-bench export zoo/mobile-slim --onnx --int8`;
# `ppocr-bench eval` counts each model's size as int8 bytes.
#
# Run from the repository root, one step per process (each uses one core; a killed training
# step resumes when run again):
#     bash zoo/mobile-slim/recipe.sh det
#     bash zoo/mobile-slim/recipe.sh cls
#     bash zoo/mobile-slim/recipe.sh rec_latin   (and rec_zh, rec_ja, rec_ko)
#     bash zoo/mobile-slim/recipe.sh publish     (zoo add of every finished run, DB tuning)
#     bash zoo/mobile-slim/recipe.sh eval        (record the card's figures, compare with zoo/mobile)
# The experiments on zoo/mobile v1's detector that decided how the detector is made (FPGM
# pruning, a PACT fine-tune against calibration; BENCHMARKS.md, "zoo/mobile-slim"):
#     bash zoo/mobile-slim/recipe.sh prune       (then det_pruned)
#     bash zoo/mobile-slim/recipe.sh det_lr2e-4
# The per-layer sensitivity scan of zoo/mobile's (v2) detector, for a pruned detector that keeps
# its accuracy (resumable: its table, zoo/mobile-slim/scan/det_pruned.sensitivity.json, is
# rewritten after each layer and committed as it grows):
#     bash zoo/mobile-slim/recipe.sh scan
# WORK (default work/mobile-slim-v2) holds the runs; THREADS (default 1) the torch threads.
set -euo pipefail
step=${1:?usage: bash zoo/mobile-slim/recipe.sh det|cls|rec_latin|rec_zh|rec_ja|rec_ko|publish|eval|prune|det_pruned|det_lr2e-4|scan}
work=${WORK:-work/mobile-slim-v2}
langs=en+fr+de+zh+ja+ko
mkdir -p "$work/runs"

# train OUT ARGS...: start the run, or resume it after a kill
source zoo/train_stage.sh

# served TASK [LANG]: the weights file zoo/mobile's card serves for TASK (and LANG)
served() {
  python - "$@" <<'PY'
import sys
from pathlib import Path

from ppocr_bench.zoo.card import read_card

card = read_card(Path("zoo/mobile"))
model = card.find(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None)
if model is None:
    sys.exit(f"zoo/mobile serves no {' '.join(sys.argv[1:])} model")
print(f"zoo/mobile/{model.weights}")
PY
}

# rec NAME LANGS MAXLEN SEED ARGS...: PACT fine-tune of the recognizer zoo/mobile serves for
# NAME's first language, on the lines it trained on (32 x 320, lines cut from pages)
rec() {
  local name=$1 data=$2 maxlen=$3 seed=$4
  shift 4
  local init
  init=$(served rec "${data%%+*}")
  train "$work/runs/rec_$name" rec --preset rec_mv3_crnn --data "synth:$data" --line-source pages \
    --synth-kind both --charset "lang:$data" --init "$init" "$@" \
    --arg "input_size=[3, 32, 320]" --max-text-length "$maxlen" --quant pact \
    --steps 300 --batch-size 32 --lr 2e-4 --warmup-steps 20 --grad-clip 10 \
    --val synth --val-count 20 --eval-every 100 --ckpt-every 50 --seed "$seed"
}

case $step in
  # FPGM (experiment on v1): every prunable layer of zoo/mobile v1's detector at 0.3 of its
  # filters (the paper's FPGM row: -46 % size; PaddleOCR's own skips: depthwise convs, the DB
  # head). A per-layer sensitivity scan (`--data VAL --flops-target F`) costs 27 layers x 9
  # ratios x a validation set; on 2 CPU cores that was more than this step's budget.
  prune)
    ppocr-bench prune zoo/mobile-v1 --task det --ratio 0.3 --out "$work/det_pruned.safetensors"
    ;;
  # The pruned detector fine-tuned with PACT, as v1's stage 2 trained (320 px crops, no
  # rescale augmentation). Not published: after 400 steps its validation hmean was 0.144
  # (default DB settings; v1: about 0.6), see README, "zoo/mobile-slim".
  det_pruned)
    train "$work/runs/det_pruned" det --preset det_mv3_db --data "synth:$langs" --realism legacy \
      --init "$work/det_pruned.safetensors" --quant pact --det-size 320 --no-aug scale \
      --steps 400 --batch-size 8 --lr 2e-4 --warmup-steps 20 --val synth --val-count 30 \
      --eval-every 200 --ckpt-every 50 --seed 5001
    ;;
  # The published detector: zoo/mobile's, unpruned, quantised and calibrated: 20 PACT steps at
  # learning rate 0 (the alphas fitted to the first batch, the moving-average scales and BN
  # statistics from 160 streamed crops of its training data; no weight moves). On v1, 200 steps
  # at learning rate 2e-4 (det_lr2e-4) cost 0.06 validation hmean against 0.01 for this.
  det)
    init=$(served det)
    train "$work/runs/det" det --preset det_mv3_db --data "synth:$langs" --init "$init" \
      --quant pact --det-size 320 --steps 20 --batch-size 8 --lr 0 --warmup-steps 0 \
      --val synth --val-count 30 --eval-every 20 --seed 5007
    ;;
  # Each prunable layer of the detector zoo/mobile serves pruned alone at 0.1-0.9, scored on the
  # 60 validation pages the DB settings were tuned on, with those settings (the card's
  # [model.post]); per layer the largest ratio that loses at most 2 % of the hmean (PaddleOCR's
  # threshold). About 20 s a try on one core: 27 layers x 9 ratios, some 80 min.
  scan)
    det_val "$work/det-val"
    ppocr-bench prune zoo/mobile --task det --data "$work/det-val/val" --max-loss 0.02 \
      --out zoo/mobile-slim/scan/det_pruned.safetensors
    ;;
  det_lr2e-4)
    train "$work/runs/det_lr2e-4" det --preset det_mv3_db --data "synth:$langs" --realism legacy \
      --init zoo/mobile/det_det_stage2.safetensors --quant pact --det-size 320 --no-aug scale \
      --steps 200 --batch-size 8 --lr 2e-4 --warmup-steps 20 --val synth --val-count 30 \
      --eval-every 100 --ckpt-every 50 --seed 5007
    ;;
  cls)
    init=$(served cls)
    train "$work/runs/cls" cls --preset cls_mv3 --data "synth:$langs" --line-source pages \
      --synth-kind both --init "$init" --quant pact \
      --steps 300 --batch-size 64 --lr 2e-4 --warmup-steps 20 --val synth --val-count 20 \
      --eval-every 100 --ckpt-every 50 --seed 5002
    ;;
  rec_latin) rec latin en+fr+de 40 5003 --realism +words ;;
  rec_zh) rec zh zh 20 5004 ;;
  rec_ja) rec ja ja 20 5005 ;;
  rec_ko) rec ko ko 20 5006 ;;
  publish)
    mkdir -p zoo/mobile-slim/curves
    ppocr-bench zoo add "$work/runs/det" --name mobile-slim --task det
    ppocr-bench zoo add "$work/runs/cls" --name mobile-slim --task cls
    # the DB post-processing tuned as zoo/mobile's: on the validation pages of
    # the six languages' training synthesis (the stream's validation pages)
    det_val "$work/det-val"
    ppocr-bench zoo tune-det zoo/mobile-slim --data "$work/det-val/val/det/label.txt" \
      --threads "${THREADS:-1}" --out "$work/tune-det" --record
    for name in latin zh ja ko; do
      if [ ! -d "$work/runs/rec_$name" ]; then continue; fi
      if [ $name = latin ]; then serve="--lang en --lang fr --lang de"; else serve="--lang $name"; fi
      ppocr-bench zoo add "$work/runs/rec_$name" --name mobile-slim --task rec $serve
    done
    for run in "$work"/runs/*/; do
      ppocr-bench plot "$run"
      for png in "$run"plots/*.png; do
        cp "$png" "zoo/mobile-slim/curves/$(basename "$run")_$(basename "$png")"
      done
    done
    ;;
  # the card's figures (torch, fake-quantised: the int8 arithmetic), then int8 ONNX against
  # zoo/mobile's fp32 ONNX (accuracy, size and latency in one run), ja and ko in torch, then
  # the real photos
  eval)
    ppocr-bench export zoo/mobile --onnx
    ppocr-bench export zoo/mobile-slim --onnx --int8
    ppocr-bench eval zoo/mobile-slim --record --out "$work/eval-record"
    ppocr-bench eval zoo/mobile-slim zoo/mobile --backend onnx --lang zh --lang en \
      --out "$work/eval-onnx"
    ppocr-bench eval zoo/mobile-slim zoo/mobile --lang ja --lang ko --out "$work/eval-ja-ko"
    ppocr-bench eval zoo/mobile-slim zoo/mobile --data ../shared/real/ic15-train-300 --lang en \
      --out "$work/eval-real"
    ;;
  *) echo "unknown step $step" >&2; exit 2 ;;
esac
