#!/usr/bin/env bash
# Masked-LM pretraining of the character BERT on every corpus and pool report (configs/pretrain.yaml), into
# checkpoints/pretrained/ — what scripts/build_default_model.sh fine-tunes the tagger and the role model from.
# Stops after the config's max_minutes (25) whatever the schedule; one torch thread on the shared CPU.
# Usage: scripts/pretrain.sh [extra `ie pretrain` options, e.g. --max-minutes 60 --output-dir /tmp/ckpt]
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ie_pretrain.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
ie pretrain --config configs/pretrain.yaml --output-dir "$tmp/ckpt" "$@"
rm -rf checkpoints/pretrained
mkdir -p checkpoints
cp -r "$tmp/ckpt" checkpoints/pretrained
ls -la checkpoints/pretrained
