#!/usr/bin/env bash
# Builds the PyTorch trainer of every variant in variants.txt into TRAINERS/<name>/ (model.py,
# train.py). Run from the repository root after `npm run build`:
#   bash bench/ablate/compile.sh TRAINERS
set -euo pipefail
out=${1:?usage: compile.sh TRAINERS}
scratch=$(mktemp -d)
grep -v '^#' bench/ablate/variants.txt | while IFS='|' read -r name config sets; do
  name=$(echo $name); config=$(echo $config)
  # shellcheck disable=SC2086 # sets holds several --set options
  node dist/cli/bin.js compile "$config" $sets --out-dir "$scratch/$name" > /dev/null
  rm -rf "${out:?}/$name"; mkdir -p "$out"
  cp -r "$scratch/$name"/*/pytorch "$out/$name"
done
rm -rf "$scratch"
ls "$out"
