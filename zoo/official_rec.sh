#!/usr/bin/env bash
# A recognizer for a language no official PaddleOCR recognizer reads, made here from an official
# one (issue 15, the paper's pre-trained strategy), as entry zoo/$CODE with official det and cls.
# Sourced by zoo/ko/recipe.sh and zoo/ru/recipe.sh, which set CODE (the language), STEPS and
# MAXLEN (training), SEED (base seed), DET and CLS (the entries whose detector and classifier
# zoo/$CODE uses: those the `dets` step ranks first on the language's default eval set).
#
# The start is the official recognizer fastest to fine-tune on a CPU: PP-OCRv6 tiny
# (rec_repvit_ctc_tiny, 1.1M parameters, 48 x 320). Its 6,904-character dictionary is remapped
# to the language's charset (lang:$CODE): digits, Latin letters and punctuation keep their rows;
# the script's letters are new rows, started at the mean of the copied rows plus noise
# (--init-new-rows mean). Then it trains on streamed synthesis of the language: lines cut from
# rendered scene and document pages, every realism option on, the wide font set, BDA + TIA;
# Adam lr 5e-4, cosine with 100 warm-up steps, batch 32.
#
# Steps (each one core; a killed stage resumes exactly when the same command is run again):
#     STAGE=1 bash zoo/$CODE/recipe.sh rec       fine-tune (stage N > 1 starts from stage N-1)
#     STAGE=1 bash zoo/$CODE/recipe.sh dets      each official det and cls (and zoo/mobile's)
#     STAGE=1 bash zoo/$CODE/recipe.sh publish   zoo/$CODE from that stage, figures recorded
# WORK (default work/$CODE) holds the runs; THREADS (default 1) the torch threads.
set -euo pipefail
what=${1:?usage: STAGE=N bash zoo/$CODE/recipe.sh rec|dets|publish}
stage=${STAGE:?give STAGE=N}
work=${WORK:-work/$CODE}
out="$work/runs/rec_${CODE}_s$stage"
mkdir -p "$work/runs"
source zoo/train_stage.sh
# the official detectors the dets step compares
DETS="ppocrv5-mobile ppocrv6-small ppocrv6-tiny ppocrv4-ch ppocrv3-ch ppocrv3-en ppocr-server-det"

# link ENTRY --from SOURCE TASKS...: `zoo link`, importing SOURCE's official weights first
link() {
  local entry=$1 source=$2; shift 2
  [ -f "zoo/$source/card.toml" ] && ppocr-bench zoo link "$entry" --from "zoo/$source" "$@" \
    2>/dev/null || { ppocr-bench zoo import "$source" &&
    ppocr-bench zoo link "$entry" --from "zoo/$source" "$@"; }
}

case $what in
  rec)
    if [ "$stage" = 1 ]; then
      [ -f zoo/ppocrv6-tiny/PP-OCRv6_tiny_rec.safetensors ] || ppocr-bench zoo import ppocrv6-tiny
      init=zoo/ppocrv6-tiny/PP-OCRv6_tiny_rec.safetensors
    else
      init=zoo/$CODE/rec_${CODE}_s$((stage - 1)).safetensors
    fi
    train "$out" rec --preset rec_repvit_ctc_tiny --data "synth:$CODE" --line-source pages \
      --synth-kind both --charset "lang:$CODE" --init "$init" --init-charset remap \
      --init-new-rows mean --max-text-length "$MAXLEN" --steps "$STEPS" --batch-size 32 \
      --lr 5e-4 --warmup-steps 100 --grad-clip 10 --val synth --val-count 60 --eval-every 500 \
      --ckpt-every 250 --seed $((SEED + stage))
    cp "$out/final.safetensors" "zoo/$CODE/rec_${CODE}_s$stage.safetensors"
    ppocr-bench plot "$out"
    mkdir -p "zoo/$CODE/curves"
    for png in "$out"/plots/*.png; do
      cp "$png" "zoo/$CODE/curves/rec_${CODE}_s${stage}_$(basename "$png")"
    done
    ;;
  # dets: each official detector and classifier (an entry linked to their weights; the server
  # detector alone) and zoo/mobile's on the default eval set of the language, to pick DET and CLS
  dets)
    for entry in $DETS; do
      if [ "$entry" = ppocr-server-det ]; then tasks="--task det"; else tasks="--task det --task cls"; fi
      link "$work/dets/$entry" "$entry" $tasks
    done
    ppocr-bench zoo link "$work/dets/mobile" --from zoo/mobile --task det --task cls
    ppocr-bench eval "$work/dets" --lang "$CODE" --out "$work/eval-dets" --latency-runs 3
    ;;
  # publish: the stage's best (validation) weights as zoo/$CODE's recognizer, DET's detector and
  # CLS's classifier used in place (`zoo link`: the card points at their weights; official ones
  # are imported, not committed); the figures on the default eval set recorded in the card, then
  # beside Tesseract (and zoo/mobile for ko) in one run
  publish)
    rm -f "zoo/$CODE"/rec_rec_*.safetensors "zoo/$CODE"/rec_rec_*_charset.txt
    ppocr-bench zoo add "$out" --name "$CODE" --task rec --lang "$CODE"
    link "zoo/$CODE" "$DET" --task det
    link "zoo/$CODE" "$CLS" --task cls
    ppocr-bench eval "zoo/$CODE" --lang "$CODE" --record --out "$work/eval-record"
    ppocr-bench eval "zoo/$CODE" $PEERS --system tesseract --lang "$CODE" --out "$work/eval-peers"
    ;;
  *) echo "unknown step $what (rec, dets, publish)" >&2; exit 2 ;;
esac
