# zoo/ko stage 3 on a lent GPU machine: `bash zoo/gpu_stage.sh zoo/ko/gpu_s3.sh` (see there).
# The stage-2 recipe (zoo/official_rec.sh) at batch 128 and lr 1e-3, from stage 2's weights,
# with the ko faces subset to travel:
#     python zoo/gpu_kit.py ko .devcarry/fonts_ko
RUN=work/ko/runs/rec_ko_s3_gpu SEED=1503 WARMUP=200 FONTS=.devcarry/fonts_ko
ARGS=(rec --preset rec_repvit_ctc_tiny --data synth:ko --line-source pages --synth-kind both
  --charset lang:ko --init zoo/ko/rec_ko_s2.safetensors --init-charset remap
  --max-text-length 25 --lr 1e-3 --grad-clip 10)
