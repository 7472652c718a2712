#!/usr/bin/env bash
# Build the shipped default tagger: train configs/default.yaml on annotations/corpus into ie/default_model/.
# Usage: scripts/build_default_model.sh [extra `ie train` options, e.g. --max-steps 50]
# Run from anywhere; about 6-9 minutes on the shared 2-core CPU (augmented copies triple the windows). The model card (README.md), metrics.json and
# training_curve.png are written next to the weights.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! ls annotations/corpus/*.json >/dev/null 2>&1; then
  echo "build_default_model: no Label Studio exports in annotations/corpus/" >&2
  exit 2
fi
out=ie/default_model
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ie_default_model.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# train into a temporary dir first so a failed run leaves the shipped model untouched
nice -n 5 ie train --config configs/default.yaml --output-dir "$tmp/model" "$@"
rm -rf "$out"
mkdir -p "$out"
cp "$tmp"/model/{config.json,model.safetensors,vocab.txt,tagger.json,train_config.yaml,metrics.json,training_curve.png,README.md} "$out"/
chmod 644 "$out"/*
python - "$out" <<'PY'
import sys
from ie.tag.infer import Tagger
t = Tagger.from_pretrained(sys.argv[1])
print("reload check:", [(e.label, e.text) for e in t.tag("2018年1月1日至12月31日，共收到申请21件，依据《中华人民共和国政府信息公开条例》办理。")])
PY
ls -la "$out"
