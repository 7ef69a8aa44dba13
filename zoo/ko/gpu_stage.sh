#!/usr/bin/env bash
# zoo/ko stage 3 on a lent GPU machine (one GPU, 16 cores; no apt fonts, no network): the
# stage-2 recogniser fine-tuned on streamed ko synthesis, the lines rendered by 14 DataLoader
# workers. What travels with the repo (64 MiB at most), made here by
# `python zoo/ko/subset_fonts.py work/ko/runs/rec_ko_s2/config.json .devcarry/fonts_ko`:
#   .devcarry/fonts_ko  the ko faces of stage 2's stream (Debian's Korean font packages and Noto
#                       CJK), subset to the ko charset; the four over 3 MB left out
#   .devcarry/bg        stage 2's 39 background photographs, longest side 1024 px
#   .devcarry/whl       wheels of the dependencies the machine lacks (python 3.12)
# A probe of 60 steps measures the samples per second; the stage's --steps are set so that
# the run ends inside BUDGET seconds (cosine schedule complete). $OUT gets the run folder (tar).
set -euo pipefail
BUDGET=${BUDGET:-480}
t0=$(date +%s)
[ -d /tmp/site ] || python3 -m pip install -q --no-index --no-deps --no-compile --target /tmp/site .devcarry/whl/*.whl
export PYTHONPATH=/tmp/site:$PWD PYTHONUNBUFFERED=1 PPOCR_BENCH_CACHE=/tmp/cache
ppb=(python3 -c 'import sys; from ppocr_bench.cli import app; sys.argv[0] = "ppocr-bench"; app()')
DEVICE=${DEVICE:-cuda} WORKERS=${WORKERS:-14} BATCH=${BATCH:-128} PROBE=${PROBE:-80}
common=(rec --preset rec_repvit_ctc_tiny --data synth:ko --line-source pages --synth-kind both
  --charset lang:ko --init zoo/ko/rec_ko_s2.safetensors --init-charset remap
  --max-text-length 25 --batch-size "$BATCH" --lr 1e-3 --grad-clip 10
  --font-dir .devcarry/fonts_ko --background-dir .devcarry/bg --device "$DEVICE" --workers "$WORKERS"
  --threads 2 --log-every 20)
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader || true
rm -rf /tmp/probe
"${ppb[@]}" train "${common[@]}" --steps "$PROBE" --warmup-steps 10 --out /tmp/probe --seed 1 2>&1 | tail -2
rate=$(python3 - <<'PY'
import json
rows = [json.loads(l) for l in open("/tmp/probe/log.jsonl") if '"train"' in l]
rates = sorted(r["samples_per_s"] for r in rows[-3:])
print(rates[len(rates) // 2])
PY
)
left=$(( BUDGET - ($(date +%s) - t0) - 45 ))
steps=$(python3 -c "print(max(200, int($rate * $left / $BATCH / 50) * 50))")
echo "probe: $rate samples/s; $left s left: $steps steps of $BATCH"
set +e  # from here on, keep whatever the run left
RUN=${RUN:-work/ko/runs/rec_ko_s3}; mkdir -p "$(dirname "$RUN")"
timeout $(( left + 30 )) "${ppb[@]}" train "${common[@]}" --steps "$steps" --warmup-steps 200 --ckpt-every 250 \
  --seed 1503 --out "$RUN" 2>&1 | tail -5 || echo "stopped by timeout"
tail -2 "$RUN"/log.jsonl
ls "$RUN"/ckpt | tail -2
tar -C "$(dirname "$RUN")" -cf "$OUT/rec_ko_s3.tar" --exclude 'ckpt/*' "$(basename "$RUN")"
last=$(ls "$RUN"/ckpt/*.state.pt 2>/dev/null | tail -1 || true)
[ -n "$last" ] && tar -C "$(dirname "$RUN")" -cf "$OUT/ckpt.tar" "$(basename "$RUN")/ckpt/$(basename "$last")" \
  "$(basename "$RUN")/ckpt/$(basename "$last" .state.pt).safetensors"
echo "done in $(( $(date +%s) - t0 )) s"
