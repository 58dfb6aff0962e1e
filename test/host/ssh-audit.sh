#!/usr/bin/env bash
# An outside auditor for SSH: Debian's ssh-audit against a real sshd (Debian's openssh-server,
# on 127.0.0.1) configured as setup.sh configures the host: Debian's stock sshd_config, whose
# Include reads the generated drop-in (compose/<host>/etc/ssh/sshd_config.d/10-servarr.conf, which
# setup.sh installs as is), and the three host key types Debian generates (RSA, ECDSA, Ed25519). Only the
# listen address, port, host key files and pid file differ from a real host.
# Passes when ssh-audit reports no failure and no warning beyond the accepted ones below (the
# docs/security.md says why). Control: the same drop-in without its algorithm lines must fail.
# Needs root (sshd privilege separation). Installs openssh-server and ssh-audit when missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
# Default: the first host's bundle of the config as built by `npm run synth` (compose/<name>/, whatever the name).
bundle=${1:-compose/$(node -p 'require("./dist/servarr.config.js").config.name')}
fail() { echo "FAIL: $*" >&2; exit 1; }

if [[ ! -x /usr/sbin/sshd ]] || ! command -v ssh-audit >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openssh-server ssh-audit >/dev/null
fi

# ssh-audit 2.5.0 (2021) predates OpenSSH's post-quantum key exchange and the Terrapin
# countermeasure; these warnings are accepted, anything else fails.
accepted=(
  "sntrup761x25519-sha512: unknown algorithm"                        # the standard name of OpenSSH's post-quantum hybrid key exchange
  "sntrup761x25519-sha512@openssh.com: using experimental algorithm" # OpenSSH's default key exchange since 9.0
  "kex-strict-s-v00@openssh.com: unknown algorithm"                  # not an algorithm: the strict-KEX marker against Terrapin (CVE-2023-48795)
)

work=$(mktemp -d /tmp/servarr-ssh-audit.XXXXXX)
sshd_pid=""
cleanup() {
  if [[ -n $sshd_pid ]]; then kill "$sshd_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p /run/sshd
for type in rsa ecdsa ed25519; do ssh-keygen -q -t "$type" -N '' -f "$work/ssh_host_${type}_key"; done

# One line per finding of a level: "<algorithm>: <text>", continuation lines under their algorithm.
findings() {
  awk -v level="$2" '
    /^\((kex|key|enc|mac)\) / { alg = $2 }
    index($0, "[" level "] ") { sub(/.*\[[a-z]+\] /, ""); print alg ": " $0 }
  ' "$1"
}

# audit NAME DROP_IN: sshd with DROP_IN in its sshd_config.d, audited; prints the verdict, returns 1 on findings.
audit() {
  local name=$1 dir="$work/${1%% *}" port fails warns unexpected
  mkdir -p "$dir/sshd_config.d"
  cp "$2" "$dir/sshd_config.d/10-servarr.conf"
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  {
    echo "ListenAddress 127.0.0.1"
    echo "Port $port"
    for type in rsa ecdsa ed25519; do echo "HostKey $work/ssh_host_${type}_key"; done
    echo "PidFile $dir/sshd.pid"
    sed "s#^Include /etc/ssh/sshd_config.d/\*.conf#Include $dir/sshd_config.d/*.conf#" /usr/share/openssh/sshd_config
  } >"$dir/sshd_config"
  grep -q "^Include $dir/sshd_config.d/" "$dir/sshd_config" || fail "Debian's sshd_config has no Include of sshd_config.d"
  /usr/sbin/sshd -t -f "$dir/sshd_config" || fail "$name: sshd rejects the configuration"
  /usr/sbin/sshd -D -f "$dir/sshd_config" -E "$dir/sshd.log" &
  sshd_pid=$!
  for _ in $(seq 1 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
  done
  # Its exit code is non-zero for any unknown algorithm; the findings decide.
  ssh-audit -n -p "$port" 127.0.0.1 >"$dir/audit.txt" 2>&1 || true
  kill "$sshd_pid"
  wait "$sshd_pid" 2>/dev/null || true
  sshd_pid=""
  grep -q '^(gen) banner: SSH-2.0-OpenSSH' "$dir/audit.txt" || { cat "$dir/audit.txt"; fail "$name: ssh-audit did not reach sshd"; }
  fails=$(findings "$dir/audit.txt" fail)
  warns=$(findings "$dir/audit.txt" warn)
  unexpected=$(printf '%s\n' "$warns" | grep -vxF -f <(printf '%s\n' "${accepted[@]}") | grep . || true)
  echo "$name: $(grep -cE '^\((kex|key|enc|mac)\) ' "$dir/audit.txt") algorithms offered, $(printf '%s' "$fails" | grep -c . || true) failures, $(printf '%s' "$warns" | grep -c . || true) warnings, $(printf '%s' "$unexpected" | grep -c . || true) not accepted"
  if [[ -n $fails || -n $unexpected ]]; then
    printf '  %s\n' "$fails" "$unexpected" | grep -v '^  $' | head -20
    return 1
  fi
}

echo "== ssh-audit $(ssh-audit -h 2>&1 | grep -o 'v[0-9.]*' | head -1) against $(/usr/sbin/sshd -V 2>&1 | head -1 | cut -d, -f1) with the generated drop-in"
# The drop-in as the host gets it: setup.sh installs the bundle's etc/ file at the same path.
cp "$bundle/etc/ssh/sshd_config.d/10-servarr.conf" "$work/generated.conf"
grep -q '^AllowUsers ' "$work/generated.conf" || fail "no sshd drop-in found in $bundle/etc/ssh/sshd_config.d/"
audit generated "$work/generated.conf" || fail "ssh-audit: failures or warnings not accepted in the generated sshd configuration"
grep -vE '^(KexAlgorithms|HostKeyAlgorithms|MACs|Ciphers) ' "$work/generated.conf" >"$work/control.conf"
if audit "control (the drop-in without its algorithm lines)" "$work/control.conf" >"$work/control.out"; then
  cat "$work/control.out"
  fail "control: ssh-audit found nothing to object to in the distribution's defaults, so the audit proves nothing"
fi
head -1 "$work/control.out"
echo "PASS ssh-audit: the generated drop-in has no failure and only the accepted warnings (${#accepted[@]}); the distribution's defaults fail"
