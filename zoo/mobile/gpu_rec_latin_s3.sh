# zoo/mobile v2 Latin recognizer, stage 3, on a lent GPU machine:
# `bash zoo/gpu_stage.sh zoo/mobile/gpu_rec_latin_s3.sh` (see there). Stage 2's recipe
# (zoo/mobile/recipe.sh rec_latin: 32 x 320, lines up to 40 characters) at batch 128 and lr 1e-3,
# from stage 2's weights, with the Latin faces subset to travel:
#     python zoo/gpu_kit.py en+fr+de .devcarry/fonts_latin
RUN=work/mobile-v2/runs/rec_latin_s3_gpu SEED=1303 WARMUP=200 FONTS=.devcarry/fonts_latin
ARGS=(rec --preset rec_mv3_crnn --data synth:en+fr+de --line-source pages --synth-kind both
  --charset lang:en+fr+de --init zoo/mobile/v2/rec_latin_s2.safetensors
  --arg "input_size=[3, 32, 320]" --max-text-length 40 --lr 1e-3 --grad-clip 10)
