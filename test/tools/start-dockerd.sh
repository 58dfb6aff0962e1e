#!/usr/bin/env bash
# Starts a throwaway Docker engine for the tests and prints `export DOCKER_HOST=...`.
#   eval "$(test/tools/start-dockerd.sh [STATE_DIR])"   stop: test/tools/stop-dockerd.sh [STATE_DIR]
# Runs Debian's dockerd as root with the vfs storage driver and no iptables or default bridge
# (what works in this sandbox); user-defined networks and embedded DNS still work, but without
# iptables neither `internal: true` nor cross-network isolation is enforced on packets (checked:
# a container on an internal network reaches other networks and the host by IP). Reuses an
# engine already answering on the same state directory.
# SERVARR_DOCKERD_NETNS=<name> runs the engine inside that network namespace (`ip netns add`)
# with Docker's own iptables rules on: the namespace's tables are private, so engines don't clash.
set -euo pipefail
state=${1:-${TMPDIR:-/tmp}/servarr-dockerd}
mkdir -p "$state"
if ! command -v dockerd >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null
fi
sock="$state/docker.sock"
if [[ -S $sock ]] && DOCKER_HOST="unix://$sock" docker info >/dev/null 2>&1; then
  echo "export DOCKER_HOST=unix://$sock"
  exit 0
fi
netns=${SERVARR_DOCKERD_NETNS:-}
launch=()
iptables=false
if [[ -n $netns ]]; then
  launch=(nsenter "--net=/run/netns/$netns") # not `ip netns exec`: it remounts /sys and hides the cgroups
  iptables=true
fi
nohup "${launch[@]}" dockerd --data-root "$state/data" --exec-root "$state/exec" --pidfile "$state/dockerd.pid" \
  --host "unix://$sock" --storage-driver vfs --iptables=$iptables --ip6tables=false --bridge=none \
  >"$state/dockerd.log" 2>&1 &
for _ in $(seq 1 60); do
  if DOCKER_HOST="unix://$sock" docker info >/dev/null 2>&1; then
    echo "export DOCKER_HOST=unix://$sock"
    exit 0
  fi
  sleep 0.5
done
echo "start-dockerd: the engine did not come up; last log lines:" >&2
tail -n 20 "$state/dockerd.log" >&2
exit 1
