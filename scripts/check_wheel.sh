#!/usr/bin/env bash
# Installs anywhere: build the wheel, install it into a fresh venv in a temporary folder outside the checkout
# (no ../shared beside it, no IE_* variables), and extract a corpus report there with the default model.
# Used by .ci/run; run it by hand the same way: scripts/check_wheel.sh [REPORT]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPORT="${1:-$ROOT/../shared/corpus/pingtan_2022.txt}"
PY="${PYTHON:-python3}"
TMP="$(mktemp -d /tmp/ie-wheel.XXXXXX)"
trap 'rm -rf "$TMP"' EXIT

"$PY" -m pip wheel -q --no-deps --no-build-isolation -w "$TMP/dist" "$ROOT" 2>/dev/null \
  || "$PY" -m pip wheel -q --no-deps -w "$TMP/dist" "$ROOT"
WHEEL="$(ls "$TMP"/dist/ie-*.whl)"
# The listing is read once into a variable: `unzip -l … | grep -q` under pipefail fails whenever grep exits on
# its match before unzip has written the rest (unzip dies of SIGPIPE), which the bigger wheel made happen in CI.
listing="$(unzip -Z1 "$WHEEL")"
for f in ie/data/schema/report.schema.json ie/default_model/model.safetensors \
         ie/default_model/model.onnx ie/default_model/roles/model.onnx; do
  grep -qxF "$f" <<<"$listing" || { echo "wheel lacks $f" >&2; exit 1; }
done

python3 -m venv "$TMP/venv"
"$TMP/venv/bin/pip" install -q --upgrade pip
"$TMP/venv/bin/pip" install -q torch==2.13.0          # the local CPU wheel first (see README)
"$TMP/venv/bin/pip" install -q "$WHEEL" 2> >(grep -v "^WARNING: Location" >&2)

mkdir "$TMP/work"
cp "$REPORT" "$TMP/work/"
cd "$TMP/work"
env -u IE_SHARED_DIR -u IE_SCHEMA_DIR -u IE_CORPUS_DIR -u PYTHONPATH "$TMP/venv/bin/ie" --version
env -u IE_SHARED_DIR -u IE_SCHEMA_DIR -u IE_CORPUS_DIR -u PYTHONPATH \
  "$TMP/venv/bin/ie" extract "$(basename "$REPORT")" -o out --quiet
"$TMP/venv/bin/python" - "$(basename "${REPORT%.*}")" <<'PY'
import json
import sys
from pathlib import Path
r = json.loads(Path("out", sys.argv[1] + ".json").read_text(encoding="utf-8"))
assert r["meta"]["template"] in ("prose", "gov2019", "gov2021"), r["meta"]
from ie.extract import load_roles, load_tagger
backends = (load_tagger("default").backend, load_roles("default").backend)
assert backends == ("onnxruntime", "onnxruntime"), backends
print(f"wheel OK: {r['meta'].get('issuer')} {r['meta'].get('year')} {r['meta']['template']}, "
      f"{len(r.get('entities', []))} entities, {len(r.get('issues', []))} issues")
PY
