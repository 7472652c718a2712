#!/usr/bin/env bash
# Label Studio for the annotation loop, in its own venv (.venv-ls/, ~1 GB) so its pins never touch ie's.
#
#   scripts/labelstudio.sh install        create .venv-ls and pip install label-studio
#   scripts/labelstudio.sh start          start on 127.0.0.1:$LS_PORT (default 8080), data in $LS_DATA_DIR
#   scripts/labelstudio.sh stop           stop the server started by `start` (by its PID)
#   scripts/labelstudio.sh status         is it running and healthy?
#
# The first `start` of a data dir creates the admin user $LS_USERNAME / $LS_PASSWORD and the API token
# $LABEL_STUDIO_API_KEY (legacy token auth enabled, so `ie annotate` can use it). Export the same
# LABEL_STUDIO_API_KEY and LABEL_STUDIO_URL=http://127.0.0.1:$LS_PORT for `ie annotate`.
# ML_BLOCK_LOCAL_IP=false and SSRF_PROTECTION_ENABLED=false (unless set otherwise) let it connect to, and send
# webhooks to, `ie annotate serve` on this machine (it listens on 127.0.0.1 only, so only local users reach it).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv-ls"
PORT="${LS_PORT:-8080}"
DATA="${LS_DATA_DIR:-$HOME/.local/share/ie-label-studio}"
PIDFILE="$DATA/label-studio.pid"
LOG="$DATA/label-studio.log"

cmd="${1:-}"
case "$cmd" in
  install)
    if [ -x "$VENV/bin/label-studio" ]; then echo "label-studio already in $VENV"; exit 0; fi
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --upgrade pip >/dev/null
    "$VENV/bin/pip" install "${LS_PACKAGE:-label-studio==1.23.2}"
    ;;
  start)
    [ -x "$VENV/bin/label-studio" ] || { echo "not installed: run $0 install" >&2; exit 1; }
    : "${LABEL_STUDIO_API_KEY:?set LABEL_STUDIO_API_KEY (> 5 characters): it becomes the admin token at the first start}"
    mkdir -p "$DATA"
    if [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
      echo "already running (pid $(cat "$PIDFILE"))"; exit 0
    fi
    LABEL_STUDIO_BASE_DATA_DIR="$DATA" \
    LABEL_STUDIO_USERNAME="${LS_USERNAME:-admin@example.com}" \
    LABEL_STUDIO_PASSWORD="${LS_PASSWORD:-change-me-please}" \
    LABEL_STUDIO_USER_TOKEN="$LABEL_STUDIO_API_KEY" \
    LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN=true \
    LATEST_VERSION_CHECK=false \
    ML_BLOCK_LOCAL_IP="${ML_BLOCK_LOCAL_IP:-false}" \
    SSRF_PROTECTION_ENABLED="${SSRF_PROTECTION_ENABLED:-false}" \
      nohup "$VENV/bin/label-studio" start --no-browser --internal-host 127.0.0.1 --port "$PORT" \
      >"$LOG" 2>&1 &
    echo $! >"$PIDFILE"
    for _ in $(seq 1 180); do
      if curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null 2>&1; then
        echo "Label Studio is up: http://127.0.0.1:$PORT (pid $(cat "$PIDFILE"), log $LOG)"
        echo "export LABEL_STUDIO_URL=http://127.0.0.1:$PORT"
        exit 0
      fi
      kill -0 "$(cat "$PIDFILE")" 2>/dev/null || { echo "it exited; see $LOG" >&2; tail -20 "$LOG" >&2; exit 1; }
      sleep 1
    done
    echo "no answer on /health after 180 s; see $LOG" >&2; exit 1
    ;;
  stop)
    if [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
      kill "$(cat "$PIDFILE")" && rm -f "$PIDFILE" && echo stopped
    else
      echo "not running"; rm -f "$PIDFILE"
    fi
    ;;
  status)
    if curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null 2>&1; then echo "up on port $PORT"; else echo "down"; exit 1; fi
    ;;
  *)
    sed -n '2,13p' "$0"; exit 2 ;;
esac
