#!/usr/bin/env bash
# How to train zoo/mobile with streaming synthesis: every training sample is rendered on the
# fly (`--data synth:LANGS`), so no model reads the same few thousand crops again and again.
# The weights published in zoo/mobile now are v1, made from synth folders by
# zoo/mobile/recipe_v1.sh; this recipe is the one the next version trains with. Each model
# trains in resumable stages (`--stop-at`, then `--resume`) that fit a working session; the
# validation sets are rendered once into each run (`--val synth`, fixed seeds), so the curves
# of all runs are comparable. Run from the repository root:
#     bash zoo/mobile/recipe.sh            (WORK=work/mobile-stream by default)
#     STAGE=2 bash zoo/mobile/recipe.sh    (the next stage of every run: --resume)
#     PUBLISH=1 bash zoo/mobile/recipe.sh  (after the last stage: zoo add, tune-det, eval)
set -euo pipefail
repo=$(pwd)
work=${WORK:-work/mobile-stream}
stage=${STAGE:-1}
publish=${PUBLISH:-0}
mkdir -p "$work" && cd "$work"
all=synth:en+fr+de+zh+ja+ko

# run NAME STOP_AT ARGS...: start the run, or resume it up to STOP_AT (the schedule stays that
# of --steps); --resume takes only operational options, the rest comes from config.json.
run() {
  local name=$1 stop=$2; shift 2
  [ "$publish" = 1 ] && return 0
  if [ -f "runs/$name/config.json" ]; then
    ppocr-bench train "$1" --out "runs/$name" --resume --stop-at "$stop" --log-every 20
  else
    ppocr-bench train "$@" --out "runs/$name" --stop-at "$stop" --log-every 20
  fi
}
stop() { echo $(( $1 * stage < $2 ? $1 * stage : $2 )); }  # stop STAGE_STEPS TOTAL

# 1. Detector (det_mv3_db: MobileNetV3-large x0.5, DB-FPN, no SE): scene and document pages of
#    six languages, 640 x 640 crops with the paper's augmentations.
run det "$(stop 2000 20000)" det --preset det_mv3_db --data $all --val synth --val-count 60 \
  --steps 20000 --batch-size 8 --lr 1e-3 --warmup-steps 500 --eval-every 1000 \
  --ckpt-every 250 --seed 11

# 2. Direction classifier (cls_mv3): lines of six languages, half turned by 180 degrees, BDA +
#    RandAugment.
run cls "$(stop 5000 30000)" cls --preset cls_mv3 --data $all --val synth --val-count 60 \
  --steps 30000 --batch-size 64 --lr 1e-3 --warmup-steps 500 --eval-every 1000 \
  --ckpt-every 500 --seed 12

# 3. Latin recognizer (rec_mv3_crnn, en + fr + de charset): lines of 1-25 characters in
#    batches of one length bucket, BDA + TIA.
run rec_latin "$(stop 10000 100000)" rec --preset rec_mv3_crnn --data synth:en+fr+de \
  --charset lang:en+fr+de --val synth --val-count 60 --steps 100000 --batch-size 64 \
  --lr 1e-3 --warmup-steps 1000 --grad-clip 10 --eval-every 2000 --ckpt-every 500 --seed 13

# 4. CJK recognizers, each initialised from the Latin recognizer's latest weights with its
#    charset remapped (shared characters keep their rows), the paper's pre-trained strategy.
latest=$(ls runs/rec_latin/ckpt/step_*.safetensors | tail -1)
declare -A seed=([zh]=21 [ja]=22 [ko]=23)
for lang in zh ja ko; do
  run rec_$lang "$(stop 10000 100000)" rec --preset rec_mv3_crnn --data synth:$lang \
    --charset lang:$lang --init "$latest" --init-charset remap --val synth --val-count 40 \
    --steps 100000 --batch-size 64 --lr 1e-3 --warmup-steps 1000 --grad-clip 10 \
    --eval-every 2000 --ckpt-every 500 --seed ${seed[$lang]}
done

# 5. Publish the best weights on validation, choose the det model's DB thresholds on its
#    validation pages, and record the eval figures in the card (after the last stage).
if [ "$publish" = 1 ]; then
  zoo="--zoo-dir $repo/zoo"
  for task in det cls; do ppocr-bench zoo add runs/$task --name mobile --task $task $zoo; done
  ppocr-bench zoo add runs/rec_latin --name mobile --task rec --lang en --lang fr --lang de $zoo
  for lang in zh ja ko; do ppocr-bench zoo add runs/rec_$lang --name mobile --task rec --lang $lang $zoo; done
  cd "$repo"
  ppocr-bench zoo tune-det zoo/mobile --data "$work/runs/det/val" --threads 2 --out out/tune-det --record
  ppocr-bench eval zoo/mobile --record --threads 2 --out out/eval-mobile
fi
