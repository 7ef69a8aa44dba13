# zoo/ko's next stage on a lent GPU machine: `bash zoo/gpu_stage.sh zoo/ko/gpu_next.sh` (see
# there). zoo/official_rec.sh's rec step at batch 128 and lr 1e-3, from the last stage committed
# here (zoo/ko/rec_ko_sN.safetensors: stage N + 1, seed 1500 + N + 1), with the ko faces subset to
# travel (`python zoo/gpu_kit.py ko .devcarry/fonts_ko`; `bash zoo/gpu_trim.sh out $INIT`).
last=$(ls zoo/ko/rec_ko_s*.safetensors | sed 's/.*_s\([0-9]*\)\.safetensors/\1/' | sort -n | tail -1)
INIT=zoo/ko/rec_ko_s$last.safetensors
RUN=work/ko/runs/rec_ko_s$((last + 1))_gpu SEED=$((1500 + last + 1)) WARMUP=200
FONTS=.devcarry/fonts_ko
ARGS=(rec --preset rec_repvit_ctc_tiny --data synth:ko --line-source pages --synth-kind both
  --charset lang:ko --init "$INIT" --init-charset remap --max-text-length 25 --lr 1e-3
  --grad-clip 10)
