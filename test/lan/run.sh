#!/usr/bin/env bash
# `test/lan/run.sh [--config FILE | --plan FILE]`: the cross-host path on real engines. --config
# (default examples/two-hosts.config.ts) synthesizes that config (`npm run synth -- --config FILE
# --out DIR`) and derives what to prove from its model (test/lan/from-model.ts); --plan reads a
# plan file instead (test/lan/plan.ts: hosts, their bundle directories, relations). A LAN (a bridge in its own
# network namespace) joins one namespace per host of the plan, each at its lanAddress with its
# own Docker engine (iptables on, private to the namespace) and its generated firewall.nft
# loaded, plus a "stranger" namespace at another LAN address. Each host runs the part of its
# generated compose.yaml the relations need, with busybox stand-ins (test/lan/main.ts checks).
# Needs root. Everything it starts is removed on exit, even on failure.
set -euo pipefail
cd "$(dirname "$0")/../.."
began=$(date +%s)
plan= config=examples/two-hosts.config.ts
while [[ $# -gt 0 ]]; do
  case $1 in
  --plan) plan=$2 && shift 2 ;;
  --config) config=$2 && shift 2 ;;
  *) echo "usage: $0 [--config FILE | --plan FILE]" >&2 && exit 2 ;;
  esac
done
id=${SERVARR_LAN_ID:-lan$$}
work=$(mktemp -d "/tmp/servarr-$id.XXXXXX")
image="servarr-standin:$id"
namespaces=()
states=()
projects=()

cleanup() {
  local rc=$?
  set +e
  for p in "${projects[@]}"; do # "<socket> <file>"
    read -r sock file <<<"$p"
    [[ -S $sock && -f $file ]] && DOCKER_HOST="unix://$sock" docker compose -f "$file" down -v -t 1 >/dev/null 2>&1
  done
  for s in "${states[@]}"; do test/tools/stop-dockerd.sh "$s"; done
  for n in "${namespaces[@]}"; do
    pids=$(ip netns pids "$n" 2>/dev/null)
    [[ -n $pids ]] && kill $pids 2>/dev/null
    ip netns del "$n" 2>/dev/null
  done
  rm -rf "$work" "${states[@]}"
  echo "lan: total $(($(date +%s) - began)) s, cleaned up (exit $rc)"
  exit "$rc"
}
trap cleanup EXIT

echo "== lan: tools"
test/tools/install-compose-v2.sh >/dev/null
for tool in nft busybox ip nsenter; do command -v $tool >/dev/null || missing=1; done
if [[ -n ${missing:-} ]]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nftables busybox-static iproute2 >/dev/null; fi
node node_modules/typescript/bin/tsc -p tsconfig.e2e.json
if [[ -z $plan ]]; then
  echo "== lan: synth $config"
  npm run --silent synth -- --config "$config" --out "$work/synth" >/dev/null
  plan="$work/plan.json"
  node dist/test/lan/main.js plan --config "$config" --bundles "$work/synth/compose" >"$plan"
fi
driver=(node dist/test/lan/main.js --plan "$plan" --id "$id")

echo "== lan: namespaces and the LAN"
mapfile -t topo < <("${driver[@]}" topology)
legs=()
for line in "${topo[@]}"; do
  read -r kind a b c d <<<"$line"
  case $kind in
  lan) lan=$a && ip netns add "$lan" && namespaces+=("$lan") ;;
  stranger) ip netns add "$a" && namespaces+=("$a") && legs+=("$a $b") ;;
  host) ip netns add "$b" && namespaces+=("$b") && legs+=("$b $c") && states+=("$d") ;;
  esac
done
ip -n "$lan" link add lan0 type bridge
ip -n "$lan" link set lan0 up
i=0
for leg in "${legs[@]}"; do
  read -r ns address <<<"$leg"
  ip link add eth0 netns "$ns" type veth peer name "v$i" netns "$lan"
  ip -n "$lan" link set "v$i" master lan0 up
  ip -n "$ns" addr add "$address" dev eth0
  ip -n "$ns" link set lo up
  ip -n "$ns" link set eth0 up
  echo "  $ns: $address on the LAN"
  i=$((i + 1))
done

echo "== lan: one engine per host, each with the stand-in image"
starts=()
for line in "${topo[@]}"; do
  read -r kind name ns _ state <<<"$line"
  [[ $kind == host ]] || continue
  (
    eval "$(SERVARR_DOCKERD_NETNS=$ns test/tools/start-dockerd.sh "$state")"
    test/tools/make-standin-image.sh "$image" >/dev/null
    echo "  $name: engine in $ns ($state/docker.sock), $image"
  ) &
  starts+=($!)
done
for pid in "${starts[@]}"; do wait "$pid"; done
for line in "${topo[@]}"; do
  read -r kind name _ _ state <<<"$line"
  [[ $kind == host ]] && projects+=("$state/docker.sock $work/$name/compose.yaml")
done

echo "== lan: checks"
"${driver[@]}" run --work "$work" --image "$image"
