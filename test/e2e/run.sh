#!/usr/bin/env bash
# `npm run test:e2e [-- --break ingress-port|extra-network]`: proves the generated compose
# project on a real Docker engine with busybox stand-ins (checks in test/e2e/checks/).
# Needs root. Everything it starts is removed on exit, even on failure.
#
# The engine runs in its own network namespace, with Docker's iptables rules on (they are
# private to the namespace): without them the engine enforces neither `internal: true` nor the
# isolation between networks, and the isolation check would test nothing. A second namespace,
# "outside", stands for the internet: one busybox httpd at OUTSIDE, reachable only through the
# engine's NAT, is the target of the egress probes.
set -euo pipefail
cd "$(dirname "$0")/../.."
began=$(date +%s)
id=${SERVARR_E2E_ID:-e2e$$}
ns="servarr-$id"
wan="servarr-$id-wan"
state="/tmp/dockerd-$id"
work=$(mktemp -d "/tmp/servarr-$id.XXXXXX")
image="servarr-standin:$id"
outside=203.0.113.1 # TEST-NET-3: an address no real network uses

cleanup() {
  local rc=$?
  set +e
  if [[ -S $state/docker.sock ]]; then
    export DOCKER_HOST="unix://$state/docker.sock"
    [[ -f $work/compose.yaml ]] && docker compose -f "$work/compose.yaml" down -v -t 2 >/dev/null 2>&1
  fi
  test/tools/stop-dockerd.sh "$state"
  for n in "$wan" "$ns"; do
    pids=$(ip netns pids "$n" 2>/dev/null)
    [[ -n $pids ]] && kill $pids 2>/dev/null
    ip netns del "$n" 2>/dev/null
  done
  rm -rf "$work" "$state"
  echo "e2e: total $(($(date +%s) - began)) s, cleaned up (exit $rc)"
  exit "$rc"
}
trap cleanup EXIT

echo "== e2e: tools"
test/tools/install-compose-v2.sh >/dev/null
npm run --silent synth >/dev/null # the checks read what synth writes: cdktf.out/ and compose/
node node_modules/typescript/bin/tsc -p tsconfig.e2e.json

echo "== e2e: namespaces ($ns, outside $outside in $wan)"
ip netns add "$ns"
ip netns add "$wan"
ip link add "${id}a" type veth peer name "${id}b"
ip link set "${id}a" netns "$ns"
ip link set "${id}b" netns "$wan"
ip -n "$ns" addr add 203.0.113.2/24 dev "${id}a"
ip -n "$wan" addr add "$outside/24" dev "${id}b"
for n in "$ns" "$wan"; do ip -n "$n" link set lo up; done
ip -n "$ns" link set "${id}a" up
ip -n "$wan" link set "${id}b" up
ip -n "$ns" route add default via "$outside"
mkdir -p "$work/outside"
echo outside >"$work/outside/index.html"
nsenter --net="/run/netns/$wan" busybox httpd -p 80 -h "$work/outside"
# The notification channel's stand-in: a receiver on the outside address, reached through the NAT.
nsenter --net="/run/netns/$wan" node dist/test/e2e/receiver.js 8090 "$work/notifications.jsonl" &

echo "== e2e: engine and stand-in images"
eval "$(SERVARR_DOCKERD_NETNS=$ns test/tools/start-dockerd.sh "$state")"
images=$(date +%s)
# The wire job's image pins node:<version>-alpine: the Node stand-in gets the official binary of that version.
# shellcheck disable=SC2016 # $1 is the regex replacement, for node
node_version=$(node -p 'require("./dist/constructs/model/images.js").SUPPORT_IMAGES.node.replace(/^node:([0-9.]+)-.*$/, "$1")')
# The plain one first (it installs busybox-static when missing), then the other two side by side
# (each mostly a tar piped into the engine; only the haproxy one may call apt-get).
test/tools/make-standin-image.sh "$image" >/dev/null
builders=()
STANDIN_WITH_HAPROXY=1 test/tools/make-standin-image.sh "$image-haproxy" >/dev/null &
builders+=($!)
STANDIN_WITH_NODE=$node_version test/tools/make-standin-image.sh "$image-node" >/dev/null &
builders+=($!)
for builder in "${builders[@]}"; do wait "$builder"; done
echo "  stand-in images in $(($(date +%s) - images)) s"

echo "== e2e: checks"
node dist/test/e2e/main.js --work "$work" --image "$image" --socket-image "$image-haproxy" --node-image "$image-node" --socket "$state/docker.sock" --outside "$outside" --netns "$ns" \
  --notify-url "http://$outside:8090/servarr-e2e" --notify-log "$work/notifications.jsonl" "$@"
