#!/usr/bin/env bash
# Before and after a call of a lent GPU machine (zoo/gpu_stage.sh): the repo travels whole with
# what `carry` names, 64 MiB at most, so the tracked weights a stage does not read are moved out
# of the tree for the call and back after it.
#     bash zoo/gpu_trim.sh out KEEP...     (KEEP: the weights the stage reads, repo paths)
#     bash zoo/gpu_trim.sh back
set -euo pipefail
stash=${STASH:-/tmp/ppocr-bench-trim}
list=$stash.list
case ${1:?usage: bash zoo/gpu_trim.sh out KEEP... | back} in
  out)
    shift
    [ -e "$list" ] && { echo "$list exists: run 'back' first" >&2; exit 1; }
    git ls-files '*.safetensors' | grep -vxF -f <(printf '%s\n' "$@") > "$list" || true
    while read -r f; do
      mkdir -p "$stash/$(dirname "$f")" && mv "$f" "$stash/$f"
    done < "$list"
    echo "$(wc -l < "$list") weight files moved to $stash"
    ;;
  back)
    while read -r f; do mv "$stash/$f" "$f"; done < "$list"
    rm "$list"
    echo "weights back"
    ;;
esac
