#!/usr/bin/env bash
# zoo/mobile-slim: the paper's slim system (FPGM pruning + PACT int8) made from zoo/mobile v1
# (zoo/mobile-v1: its weights files are in zoo/mobile).
#
# Every model is zoo/mobile's (v1) fine-tuned with PACT quantisation-aware training. The
# detector published is not pruned: the FPGM-pruned one (`prune`, then `det_pruned`) did not
# recover in its fine-tune (README, "zoo/mobile-slim"). Every fine-tune streams the synthesis zoo/mobile
# (v1) was trained on (`--realism legacy`: the synthesis before the realism options, rendered
# fresh per sample) with v1's own input sizes and augmentations, so the slim models learn the
# quantisation, not another distribution. Deployed as int8 ONNX: `ppocr-bench export
# zoo/mobile-slim --onnx --int8`; `ppocr-bench eval` counts each model's size as int8 bytes.
#
# Run from the repository root, one step per process (each uses one core; a killed training
# step resumes when run again):
#     bash zoo/mobile-slim/recipe.sh prune       (the pruned det weights, tuning pages)
#     bash zoo/mobile-slim/recipe.sh det_pruned  (after prune: not published, see below)
#     bash zoo/mobile-slim/recipe.sh det         (and det_lr2e-4, the fine-tune not published)
#     bash zoo/mobile-slim/recipe.sh cls
#     bash zoo/mobile-slim/recipe.sh rec_zh      (and rec_latin, rec_ja, rec_ko)
#     bash zoo/mobile-slim/recipe.sh publish     (zoo add of every finished run into zoo/mobile-slim)
#     bash zoo/mobile-slim/recipe.sh eval        (record the card's figures, compare with zoo/mobile)
# WORK (default work/mobile-slim) holds the runs; THREADS (default 1) the torch threads.
set -euo pipefail
step=${1:?usage: bash zoo/mobile-slim/recipe.sh prune|det_pruned|det|det_lr2e-4|cls|rec_zh|rec_latin|rec_ja|rec_ko|publish|eval}
work=${WORK:-work/mobile-slim}
langs=en+fr+de+zh+ja+ko
mkdir -p "$work/runs"

# train OUT ARGS...: start the run, or resume it after a kill
source zoo/train_stage.sh

# rec LANG CHARSET_LANGS WIDTH MAXLEN AUGMENT: PACT fine-tune of zoo/mobile's recognizer
rec() {
  local name=$1 data=$2 width=$3 maxlen=$4 augment=$5 seed=$6
  train "$work/runs/rec_$name" rec --preset rec_mv3_crnn --data "synth:$data" --realism legacy \
    --init "zoo/mobile/rec_rec_$name.safetensors" --charset "zoo/mobile/rec_rec_${name}_charset.txt" \
    --arg "input_size=[3, 32, $width]" --max-text-length "$maxlen" $augment --quant pact \
    --steps 300 --batch-size 32 --lr 2e-4 --warmup-steps 20 --grad-clip 10 \
    --val synth --val-count 20 --eval-every 100 --ckpt-every 50 --seed "$seed"
}

case $step in
  # FPGM: every prunable layer of zoo/mobile's detector at 0.3 of its filters (the paper's
  # FPGM row: -46 % size; PaddleOCR's own skips: depthwise convs, the DB head). A per-layer
  # sensitivity scan (`--data VAL --flops-target F`) costs 27 layers x 9 ratios x a validation
  # set; on 2 CPU cores that was more than this step's budget. Also renders the 24 pages (4 per
  # language, legacy synthesis, seeds far from the eval sets' 1,000,003+) that `publish` tunes
  # the slim detector's DB post-processing on, as zoo/mobile's was tuned on its validation pages.
  prune)
    ppocr-bench prune zoo/mobile-v1 --task det --ratio 0.3 --out "$work/det_pruned.safetensors"
    i=0
    for lang in en fr de zh ja ko; do
      i=$((i + 1))
      ppocr-bench synth --lang $lang --kind both --count 4 --seed $((4000 + i)) --realism legacy \
        --out "$work/tune/$lang"
    done
    for lang in en fr de zh ja ko; do sed "s#^#tune/$lang/det/#" "$work/tune/$lang/det/label.txt"; done \
      > "$work/tune_det.txt"
    ;;
  # The pruned detector fine-tuned with PACT, as v1's stage 2 trained (320 px crops, no
  # rescale augmentation). Not published: after 400 steps its validation hmean was 0.144
  # (default DB settings; v1: about 0.6), see the card's description.
  det_pruned)
    train "$work/runs/det_pruned" det --preset det_mv3_db --data "synth:$langs" --realism legacy \
      --init "$work/det_pruned.safetensors" --quant pact --det-size 320 --no-aug scale \
      --steps 400 --batch-size 8 --lr 2e-4 --warmup-steps 20 --val synth --val-count 30 \
      --eval-every 200 --ckpt-every 50 --seed 5001
    ;;
  # The published detector: zoo/mobile's, unpruned, quantised and calibrated: 20 PACT steps at
  # learning rate 0 (the alphas fitted to the first batch, the moving-average scales and BN
  # statistics from 160 streamed crops; no weight moves). 200 steps at lr 2e-4 (det_lr2e-4)
  # cost 0.06 validation hmean against 0.01 for this.
  det)
    train "$work/runs/det" det --preset det_mv3_db --data "synth:$langs" --realism legacy \
      --init zoo/mobile/det_det_stage2.safetensors --quant pact --det-size 320 --no-aug scale \
      --steps 20 --batch-size 8 --lr 0 --warmup-steps 0 --val synth --val-count 30 \
      --eval-every 20 --seed 5007
    ;;
  det_lr2e-4)
    train "$work/runs/det_lr2e-4" det --preset det_mv3_db --data "synth:$langs" --realism legacy \
      --init zoo/mobile/det_det_stage2.safetensors --quant pact --det-size 320 --no-aug scale \
      --steps 200 --batch-size 8 --lr 2e-4 --warmup-steps 20 --val synth --val-count 30 \
      --eval-every 100 --ckpt-every 50 --seed 5007
    ;;
  cls)
    train "$work/runs/cls" cls --preset cls_mv3 --data "synth:$langs" --realism legacy \
      --init zoo/mobile/cls_cls_stage2.safetensors --quant pact --no-augment \
      --steps 300 --batch-size 64 --lr 2e-4 --warmup-steps 20 --val synth --val-count 20 \
      --eval-every 100 --ckpt-every 50 --seed 5002
    ;;
  rec_latin) rec latin en+fr+de 160 20 --no-augment 5003 ;;
  rec_zh) rec zh zh 320 12 "" 5004 ;;
  rec_ja) rec ja ja 320 12 "" 5005 ;;
  rec_ko) rec ko ko 320 12 "" 5006 ;;
  publish)
    mkdir -p zoo/mobile-slim/curves
    ppocr-bench zoo add "$work/runs/det" --name mobile-slim --task det
    ppocr-bench zoo add "$work/runs/cls" --name mobile-slim --task cls
    ppocr-bench zoo tune-det zoo/mobile-slim --data "$work/tune_det.txt" --threads 2 \
      --out "$work/tune-det" --record
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
  # zoo/mobile v1's fp32 ONNX (accuracy, size and latency in one run), then the real photos
  eval)
    ppocr-bench export zoo/mobile-v1 --onnx
    ppocr-bench export zoo/mobile-slim --onnx --int8
    ppocr-bench eval zoo/mobile-slim --record --out "$work/eval-record"
    ppocr-bench eval zoo/mobile-slim zoo/mobile-v1 --backend onnx --lang zh --lang en \
      --out "$work/eval-onnx"
    ppocr-bench eval zoo/mobile-slim zoo/mobile-v1 --data ../shared/real/ic15-train-300 --lang en \
      --out "$work/eval-real"
    ;;
  *) echo "unknown step $step" >&2; exit 2 ;;
esac
