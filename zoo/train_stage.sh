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
