# zoo/mobile v2's Latin recognizer, next stage, on a lent GPU machine:
# `bash zoo/gpu_stage.sh zoo/mobile/gpu_rec_latin_next.sh` (see there). zoo/mobile/recipe.sh's
# rec_latin stage 2 (32 x 320, lines up to 40 characters) at batch 128 and lr 1e-3, from the last
# stage committed (zoo/mobile/v2/rec_latin_sN.safetensors: stage N + 1, seed 1300 + N + 1), with
# the Latin faces subset to travel (`python zoo/gpu_kit.py en+fr+de .devcarry/fonts_latin`;
# `bash zoo/gpu_trim.sh out $INIT`).
last=$(ls zoo/mobile/v2/rec_latin_s*.safetensors | sed 's/.*_s\([0-9]*\)\.safetensors/\1/' |
  sort -n | tail -1)
INIT=zoo/mobile/v2/rec_latin_s$last.safetensors
RUN=work/mobile-v2/runs/rec_latin_s$((last + 1))_gpu SEED=$((1300 + last + 1)) WARMUP=200
FONTS=.devcarry/fonts_latin
ARGS=(rec --preset rec_mv3_crnn --data synth:en+fr+de --line-source pages --synth-kind both
  --charset lang:en+fr+de --init "$INIT" --arg "input_size=[3, 32, 320]" --max-text-length 40
  --lr 1e-3 --grad-clip 10)
