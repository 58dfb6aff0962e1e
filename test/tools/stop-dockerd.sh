#!/usr/bin/env bash
# Stops the engine started by start-dockerd.sh with the same STATE_DIR and waits for it to exit.
set -euo pipefail
state=${1:-${TMPDIR:-/tmp}/servarr-dockerd}
pid=$(cat "$state/dockerd.pid" 2>/dev/null || true)
[[ -n $pid ]] || exit 0
kill "$pid" 2>/dev/null || exit 0
for _ in $(seq 1 40); do
  kill -0 "$pid" 2>/dev/null || exit 0
  sleep 0.25
done
kill -9 "$pid" 2>/dev/null || true
