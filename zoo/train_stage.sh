# Sourced by the zoo recipes (zoo/*/recipe.sh): `train OUT ARGS...` runs `ppocr-bench train
# ARGS... --out OUT`, or resumes the run in OUT after a kill (its config.json holds ARGS).
# THREADS (default 1) torch threads per run; no DataLoader workers (one core per run).
train() {
  local dir=$1; shift
  if [ -f "$dir/config.json" ]; then
    ppocr-bench train "$1" --out "$dir" --resume --threads "${THREADS:-1}" --log-every 20
  else
    ppocr-bench train "$@" --out "$dir" --threads "${THREADS:-1}" --workers 0 --log-every 20
  fi
}

# det_val DIR: DIR/val, the validation pages `ppocr-bench train det --val synth` renders for the
# six languages (60 pages, fixed seeds), on which the recipes tune a detector's DB settings
det_val() {
  python - "$1" <<'PY'
import sys
from pathlib import Path

from ppocr_bench.train.stream import render_validation

render_validation(("en", "fr", "de", "zh", "ja", "ko"), Path(sys.argv[1]), 60)
PY
}
