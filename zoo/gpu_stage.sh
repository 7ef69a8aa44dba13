#!/usr/bin/env bash
# One training stage on a lent GPU machine (one GPU, 16 cores, Python 3.12 with PyTorch; no
# Debian fonts, no network), the samples synthesised by WORKERS DataLoader workers:
#     bash zoo/gpu_stage.sh SPEC        (SPEC: zoo/ko/gpu_next.sh, zoo/mobile/gpu_rec_latin_next.sh)
# SPEC sets INIT (the weights it starts from), RUN (the run folder), SEED, WARMUP, FONTS (a folder of faces that travels) and
# ARGS (the `ppocr-bench train` task and options, less --steps/--out/--device/--workers).
# What travels beside the repo (64 MiB in all: `bash zoo/gpu_trim.sh out INIT` moves the tracked
# weights the stage does not read out of the tree for the call, `... back` after it), made here
# first, `carry: [".devcarry"]`:
#   FONTS         python zoo/gpu_kit.py LANGS FONTS (LANGS: ko, en+fr+de)
#   .devcarry/bg  the stream's background photographs, smaller (gpu_kit.py too)
#   .devcarry/whl wheels of the dependencies the machine lacks (gpu_kit.py too:
#                 pyclipper shapely rapidfuzz simplejpeg tomli_w)
# A probe of PROBE steps measures the samples per second; --steps is then set so the stage ends
# inside BUDGET seconds with its cosine schedule complete. $OUT gets the run folder as a tar
# (its last checkpoint apart): `tar xf` it under the run's parent, then `zoo add` or --resume.
set -euo pipefail
spec=${1:?usage: bash zoo/gpu_stage.sh SPEC}
BUDGET=${BUDGET:-480} DEVICE=${DEVICE:-cuda} WORKERS=${WORKERS:-14} BATCH=${BATCH:-128}
PROBE=${PROBE:-80}
source "$spec"
RUN=${RUN_DIR:-$RUN}  # RUN_DIR: elsewhere (a dry run on the CPU)
t0=$(date +%s)
[ -d /tmp/site ] || python3 -m pip install -q --no-index --no-deps --no-compile --target /tmp/site \
  .devcarry/whl/*.whl
export PYTHONPATH=/tmp/site:$PWD PYTHONUNBUFFERED=1 PPOCR_BENCH_CACHE=/tmp/cache
ppb=(python3 -m ppocr_bench)
common=("${ARGS[@]}" --batch-size "$BATCH" --font-dir "$FONTS" --background-dir .devcarry/bg
  --device "$DEVICE" --workers "$WORKERS" --threads 2 --log-every 20)
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader || true
rm -rf /tmp/probe
"${ppb[@]}" train "${common[@]}" --steps "$PROBE" --warmup-steps 10 --out /tmp/probe --seed 1 \
  2>&1 | tail -2
rate=$(python3 - <<'PY'
import json
rows = [json.loads(l) for l in open("/tmp/probe/log.jsonl") if '"train"' in l]
rates = sorted(r["samples_per_s"] for r in rows[-3:])
print(rates[len(rates) // 2])
PY
)
left=$(( BUDGET - ($(date +%s) - t0) - 45 ))
steps=$(python3 -c "print(max($WARMUP, int($rate * $left / $BATCH / 50) * 50))")
echo "probe: $rate samples/s; $left s left: $steps steps of $BATCH"
(( left >= 60 )) || { echo "the probe left $left s of BUDGET=$BUDGET: nothing trained" >&2; exit 1; }
set +e  # from here on, keep whatever the run left
mkdir -p "$(dirname "$RUN")"
timeout $(( left + 30 )) "${ppb[@]}" train "${common[@]}" --steps "$steps" --warmup-steps "$WARMUP" \
  --ckpt-every 250 --seed "$SEED" --out "$RUN" 2>&1 | tail -5 || echo "stopped by timeout"
tail -2 "$RUN"/log.jsonl
name=$(basename "$RUN")
tar -C "$(dirname "$RUN")" -cf "$OUT/$name.tar" --exclude 'ckpt/*' "$name"
last=$(ls "$RUN"/ckpt/*.state.pt 2>/dev/null | tail -1)
[ -n "$last" ] && tar -C "$(dirname "$RUN")" -cf "$OUT/$name-ckpt.tar" \
  "$name/ckpt/$(basename "$last")" "$name/ckpt/$(basename "$last" .state.pt).safetensors"
echo "done in $(( $(date +%s) - t0 )) s"
