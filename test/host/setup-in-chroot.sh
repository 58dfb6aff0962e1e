#!/usr/bin/env bash
# Real-program checks of the generated host scripts (compose/servarr/*.sh, firewall.nft):
#  1. shellcheck on every generated script (and this one);
#  2. setup.sh run twice as root in a throwaway Debian bookworm root fs (debootstrap + chroot):
#     the second run reports no "changed" step and changes nothing (manifest of users, groups,
#     dirs, modes, owners and managed files before/after);
#  3. users, UIDs, GIDs, config dirs and /data dirs match what compose.yaml uses;
#  4. sshd -T (effective config per user), visudo and sudo -l in the chroot: keys only, no root,
#     AllowUsers, the deploy user forced into the gate (installed by setup.sh outside the checkout) and allowed nothing else;
#  5. firewall.nft loaded into the kernel inside a fresh network namespace and read back;
#  6. the same ruleset probed with real TCP connections between two network namespaces: a LAN
#     peer reaches SSH and the declared LAN port, not an undeclared port; a non-LAN peer
#     reaches nothing (the same probes all connect before the ruleset is loaded).
# Not exercised (no booted systemd in a chroot; setup.sh prints "skip" for them): systemctl
# enable/reload/start, mounting the data disk, loading the firewall on the host itself, apt
# installs (the packages are part of the debootstrap) and first-boot.sh's Docker install.
# Needs root and the Debian packages debootstrap, shellcheck, nftables. Set
# SERVARR_ROOTFS_CACHE=/some/file.tar to reuse a root fs between local runs;
# `SERVARR_ROOTFS_CACHE=F setup-in-chroot.sh --rootfs-only` only builds F (CI builds it while the unit tests run).
set -euo pipefail
cd "$(dirname "$0")/../.."
# The throwaway Debian root fs: the packages setup.sh expects to find installed.
debian_rootfs() {
  debootstrap --variant=minbase --include=openssh-server,sudo,nftables,unattended-upgrades,jq bookworm "$1" >"$2" 2>&1 ||
    { tail -20 "$2"; echo "FAIL: debootstrap" >&2; return 1; }
}
if [ "${1:-}" = --rootfs-only ]; then
  [ -n "${SERVARR_ROOTFS_CACHE:-}" ] || { echo "--rootfs-only needs SERVARR_ROOTFS_CACHE=<file.tar>" >&2; exit 64; }
  [ -f "$SERVARR_ROOTFS_CACHE" ] && exit 0
  tmp=$(mktemp -d /tmp/servarr-rootfs.XXXXXX)
  trap 'rm -rf "$tmp"' EXIT
  debian_rootfs "$tmp/root" "$tmp/debootstrap.log"
  tar -C "$tmp/root" -cf "$SERVARR_ROOTFS_CACHE.partial" . && mv "$SERVARR_ROOTFS_CACHE.partial" "$SERVARR_ROOTFS_CACHE"
  exit 0
fi
# The bundle of the config as built by `npm run synth` (compose/<name>/, whatever the name).
project=$(node -p 'require("./dist/servarr.config.js").config.name')
bundle=compose/$project
fail() { echo "FAIL: $*" >&2; exit 1; }
# What setup.sh reads from bundle.env, as bash reads it: the checkout, the shared group and the
# /data tree's root (the first shared, setgid, dir).
read -r checkout group dataroot gate_dir < <(bash -c '. "$1"
  for ((i = 0; i < ${#dirs[@]}; i += 4)); do [[ ${dirs[i + 3]} == 2* ]] && break; done
  printf "%s %s %s %s\n" "$checkout" "$group" "${dirs[i]:-}" "$gate_dir"' _ "$bundle/bundle.env")
[ -n "$dataroot" ] || fail "no shared data dir in $bundle/bundle.env"

echo "== shellcheck"
# The bundle's scripts are compose/scripts/*.sh verbatim (plus the marker); -x follows bundle.env and setup-lib.sh.
shellcheck -x "$bundle"/*.sh test/host/*.sh
echo "shellcheck: $(find "$bundle" -name '*.sh' | wc -l) generated scripts clean"

if [ "$(id -u)" -ne 0 ]; then
  echo "SKIP: the chroot and network-namespace checks need root (debootstrap, chroot, unshare)"
  exit 0
fi

work=$(mktemp -d /tmp/servarr-host-test.XXXXXX)
trap 'rm -rf "$work"' EXIT
root=$work/rootfs
echo "== debian root fs"
if [ -n "${SERVARR_ROOTFS_CACHE:-}" ] && [ -f "$SERVARR_ROOTFS_CACHE" ]; then
  mkdir "$root" && tar -C "$root" -xf "$SERVARR_ROOTFS_CACHE"
else
  debian_rootfs "$root" "$work/debootstrap.log"
  [ -z "${SERVARR_ROOTFS_CACHE:-}" ] || tar -C "$root" -cf "$SERVARR_ROOTFS_CACHE" .
fi

# Facts the model put in the bundle, read back with the repository's own YAML parser.
facts=$(node -e '
  const { parse } = require("yaml");
  const fs = require("node:fs");
  const c = parse(fs.readFileSync(process.argv[1], "utf8"));
  for (const [name, s] of Object.entries(c.services)) {
    const env = s.environment ?? {};
    const id = s.user ? s.user.split(":") : env.PUID ? [env.PUID, env.PGID] : ["-", "-"];
    // Read-only mounts (the backup app reads every config dir) are marked ro:
    const vols = (s.volumes ?? []).map((v) => (v.endsWith(":ro") ? "ro:" : "") + v.split(":")[0]).join(",") || "-";
    const ports = (s.ports ?? []).map((p) => p.split(":").at(-2)).join(",") || "-";
    console.log([name, id[0], id[1], vols, ports].join(" "));
  }' "$bundle/compose.yaml")
[ -n "$checkout" ] || fail "no checkout path in bundle.env"
mkdir -p "$root$checkout/compose"
cp -a "$bundle" "$root$checkout/compose/"

manifest() {
  chroot "$root" bash -c '
    cat /etc/passwd /etc/group /etc/shadow /etc/gshadow /etc/fstab
    find /data /opt/servarr /home /etc/ssh /etc/sudoers.d /etc/apt/apt.conf.d /etc/systemd/system /etc/servarr /usr/local/lib/servarr \
      -printf "%p %u %g %m %y\n" 2>/dev/null | sort
    find /etc/ssh /etc/sudoers.d /etc/apt/apt.conf.d /etc/systemd/system /etc/servarr /usr/local/lib/servarr -type f -print0 | sort -z | xargs -0 sha256sum'
}
setup="$checkout/$bundle/setup.sh"

echo "== setup.sh, first run"
chroot "$root" "$setup" >"$work/run1.log" || { cat "$work/run1.log"; fail "first run"; }
grep -c '^changed' "$work/run1.log" | xargs -I{} echo "first run: {} steps changed"
grep '^skip' "$work/run1.log" || true
manifest >"$work/before"

echo "== setup.sh, second run (must change nothing)"
chroot "$root" "$setup" >"$work/run2.log" || { cat "$work/run2.log"; fail "second run"; }
manifest >"$work/after"
if grep '^changed' "$work/run2.log"; then fail "second run reported changes"; fi
diff -u "$work/before" "$work/after" || fail "second run changed the file system"
echo "second run: $(tail -1 "$work/run2.log"); manifest of $(wc -l <"$work/after") lines identical"

echo "== users, groups and dirs as compose.yaml expects"
checked=0
while read -r name uid gid vols ports; do
  user=-
  # uid 0: only the Docker API proxy, because the engine's socket is root's (every capability dropped).
  if [ "$uid" = 0 ]; then
    [[ ,$vols, == *,ro:/var/run/docker.sock,* ]] || fail "service $name runs as root without being the Docker API proxy"
    user=root
  elif [ "$uid" != "-" ]; then
    # A service runs as its app's user (an app's helper jobs, e.g. kopia-connect, as the app's).
    entry=$(chroot "$root" getent passwd "$uid") || fail "no user with uid $uid for service $name"
    user=$(cut -d: -f1 <<<"$entry")
    case $name in "$user" | "$user"-*) ;; *) fail "service $name runs as $user" ;; esac
    [ "$(cut -d: -f3 <<<"$entry")" = "$uid" ] || fail "user $name has uid $(cut -d: -f3 <<<"$entry"), compose says $uid"
    [ "$(cut -d: -f4 <<<"$entry")" = "$gid" ] || fail "user $name has gid $(cut -d: -f4 <<<"$entry"), compose says $gid"
    [ "$(chroot "$root" getent group "$gid" | cut -d: -f1)" = "$group" ] || fail "gid $gid is not group $group"
  fi
  for vol in ${vols//,/ }; do
    [ "$vol" = "-" ] && continue
    readonly_mount=${vol%%/*}
    vol=${vol#ro:}
    [ "$vol" = /var/run/docker.sock ] && continue # the engine's socket (the Docker API proxy only), not setup.sh's
    if [[ $vol == ./* ]]; then # a file of the bundle (the proxy's config), in the checkout next to compose.yaml
      [ -e "$root$checkout/$bundle/${vol#./}" ] || fail "$name mounts $vol, which the bundle does not have" # a file, or the wire job's folder
      continue
    fi
    have=$(chroot "$root" stat -c '%U %G %a' "$vol") || fail "$name mounts $vol, which setup.sh did not create"
    case $vol in
      "$dataroot" | "$dataroot"/*) want="root $group 2775" ;;
      *) want="$([ "$uid" = "-" ] && echo root || echo "$user") $group 750" ;;
    esac
    # The wire job's own state (fingerprints of what it wrote): root's alone (compose/render/project/wire-service.ts).
    [[ $name == wire && $vol == */.wire ]] && want="root root 700"
    # An app's keys job runs as root to seed the app's config dir before its first start and gives
    # what it writes to the app: the dir stays the app's (its user is the job's name without -keys).
    [[ $uid == - && $name == *-keys ]] && chroot "$root" getent passwd "${name%-keys}" >/dev/null && want="${name%-keys} $group 750"
    # Another app's dir, read through the shared group: any owner, group-readable.
    [ "$readonly_mount" = "ro:" ] && want="$(cut -d' ' -f1 <<<"$have") $group 750"
    [ "$have" = "$want" ] || fail "$vol is '$have', want '$want'"
    checked=$((checked + 1))
  done
done <<<"$facts"
echo "users/uids/gids of $(grep -vc ' - - ' <<<"$facts") services and $checked mounted dirs match compose.yaml"

echo "== ssh and sudo, as sshd and sudo read them"
owner=$(sed -n 's/^AllowUsers \([^ ]*\) \([^ ]*\)$/\1/p' "$root/etc/ssh/sshd_config.d/10-servarr.conf")
deploy=$(sed -n 's/^AllowUsers \([^ ]*\) \([^ ]*\)$/\2/p' "$root/etc/ssh/sshd_config.d/10-servarr.conf")
effective() { chroot "$root" sshd -T -C "user=$1,host=client,addr=192.0.2.1" | grep -iE "^$2 " || true; }
for user in "$owner" "$deploy"; do
  [ "$(effective "$user" passwordauthentication)" = "passwordauthentication no" ] || fail "password login for $user"
  [ "$(effective "$user" permitrootlogin)" = "permitrootlogin no" ] || fail "root login"
  [ "$(effective "$user" authenticationmethods)" = "authenticationmethods publickey" ] || fail "not keys-only for $user"
  [ "$(effective "$user" allowusers | sort | tr '\n' ' ')" = "$(printf 'allowusers %s\n' "$owner" "$deploy" | sort | tr '\n' ' ')" ] || fail "AllowUsers"
done
[ "$(effective "$owner" forcecommand)" = "forcecommand none" ] || fail "the owner is forced into a command"
grep -q "deploy-gate.sh" <<<"$(effective "$deploy" forcecommand)" || fail "the deploy user is not forced into the gate"
[ "$(effective "$deploy" permittty)" = "permittty no" ] || fail "the deploy user gets a tty"
# The gate runs from outside the checkout, installed by setup.sh (root-owned, the bundle's own).
[ "$(chroot "$root" stat -c '%U %G %a' "$gate_dir/deploy-gate.sh")" = "root root 755" ] || fail "the installed gate is not root's, 755"
for f in deploy-gate.sh bundle.env; do cmp -s "$root$gate_dir/$f" "$bundle/$f" || fail "the installed $f differs from the bundle's"; done
grep -q "NOPASSWD: $gate_dir/deploy-gate.sh" <<<"$(chroot "$root" sudo -l -U "$deploy")" || fail "sudo rule for the gate"
[ "$(chroot "$root" sudo -l -U "$deploy" | grep -c NOPASSWD)" = 1 ] || fail "the deploy user may run more than the gate"
if chroot --userspec="$deploy" "$root" sudo -n /bin/true 2>/dev/null; then fail "the deploy user can sudo /bin/true"; fi
if chroot --userspec="$deploy" "$root" sudo -n "$checkout/$bundle/deploy-gate.sh" 0123456789012345678901234567890123456789 2>/dev/null; then fail "the deploy user can run the checkout's gate"; fi
out=$(chroot --userspec="$deploy" "$root" sudo -n "$gate_dir/deploy-gate.sh" 'HEAD; id' 2>&1) && fail "the gate accepted 'HEAD; id'"
grep -q "usage:" <<<"$out" || fail "the gate did not refuse a non-commit argument: $out"
echo "sshd -T: keys only, no root, AllowUsers $owner $deploy, $deploy forced into the gate; sudo: the gate only, no password"

echo "== firewall: loaded into a fresh network namespace and read back"
rules=$(unshare --net sh -c "nft -f '$bundle/firewall.nft' && nft list table inet servarr_host")
lan=$(sed -n 's/.*ip saddr \([0-9./]*\) tcp dport 22 accept.*/\1/p' <<<"$rules" | head -1)
grep -q 'hook input priority filter; policy drop;' <<<"$rules" || fail "input policy is not drop"
grep -q 'hook forward priority filter; policy accept;' <<<"$rules" || fail "forward chain missing"
grep -q 'ct status dnat drop' <<<"$rules" || fail "undeclared published ports are not dropped"
if grep -q 'ssh from the LAN' "$bundle/firewall.nft"; then [ -n "$lan" ] || fail "ssh from the LAN missing"; fi
published=0
while read -r name uid gid vols ports; do
  for port in ${ports//,/ }; do
    [ "$port" = "-" ] && continue
    grep -q "ip saddr $lan tcp dport $port accept" <<<"$rules" || fail "$name's LAN port $port not allowed from $lan (input)"
    grep -q "ct status dnat ip saddr $lan meta l4proto tcp ct original proto-dst $port accept" <<<"$rules" ||
      fail "$name's published port $port not allowed from $lan (forward)"
    published=$((published + 1))
  done
done <<<"$facts"
allows=$(grep -c ' accept' <<<"$rules")
echo "kernel accepted the ruleset: input drops by default, ssh from ${lan:-nowhere on the LAN} and the Docker networks, $published published LAN port(s) from the LAN only ($allows accept rules)"
echo "== firewall: real connections from a LAN peer, a non-LAN peer, the tunnel's bridge and another Docker bridge"
lan_port=$(awk '$5 != "-" { split($5, p, ","); print p[1]; exit }' <<<"$facts")
[ -n "$lan_port" ] || fail "the example config declares no LAN port to probe"
ssh_lan=$(grep -q 'ssh from the LAN' "$bundle/firewall.nft" && echo open || echo closed)
tunnel_bridge=$(sed -n 's/.*iifname "\([^"*]*\)" tcp dport 22 accept.*/\1/p' "$bundle/firewall.nft")
[ -n "$tunnel_bridge" ] || fail "no ssh rule for the tunnel connector's bridge"
grep -q "com.docker.network.bridge.name: $tunnel_bridge\$" "$bundle/compose.yaml" || fail "compose.yaml does not name the bridge $tunnel_bridge"
hns=servarr-fw-host-$$ cns=servarr-fw-peer-$$ tns=servarr-fw-tun-$$ ons=servarr-fw-ctr-$$
for ns in "$hns" "$cns" "$tns" "$ons"; do ip netns add "$ns"; done
trap 'for ns in "$hns" "$cns" "$tns" "$ons"; do ip netns del "$ns" 2>/dev/null; done; rm -rf "$work"' EXIT
lan_host=${lan%.*/*}.10 lan_peer=${lan%.*/*}.20 # addresses inside the LAN CIDR (a /24 or larger)
# veth pairs whose host ends carry the names the Docker bridges have on the host.
ip link add fwh0 netns "$hns" type veth peer name fwc0 netns "$cns"
ip link add "$tunnel_bridge" netns "$hns" type veth peer name eth0 netns "$tns"
ip link add br-0123456789ab netns "$hns" type veth peer name eth0 netns "$ons"
ip -n "$hns" addr add "$lan_host/24" dev fwh0 && ip -n "$hns" addr add 198.51.100.1/24 dev fwh0
ip -n "$cns" addr add "$lan_peer/24" dev fwc0 && ip -n "$cns" addr add 198.51.100.2/24 dev fwc0
ip -n "$hns" addr add 172.30.0.1/24 dev "$tunnel_bridge" && ip -n "$tns" addr add 172.30.0.2/24 dev eth0
ip -n "$hns" addr add 172.31.0.1/24 dev br-0123456789ab && ip -n "$ons" addr add 172.31.0.2/24 dev eth0
for dev in fwh0 "$tunnel_bridge" br-0123456789ab; do ip -n "$hns" link set "$dev" up; done
ip -n "$cns" link set fwc0 up && ip -n "$tns" link set eth0 up && ip -n "$ons" link set eth0 up
for ns in "$hns" "$cns" "$tns" "$ons"; do ip -n "$ns" link set lo up; done
undeclared=8080
ip netns exec "$hns" python3 -c '
import select, socket, sys
ls = []
for port in sys.argv[1:]:
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("0.0.0.0", int(port))); s.listen(); ls.append(s)
while True:
    for s in select.select(ls, [], [])[0]: s.accept()[0].close()' 22 "$lan_port" "$undeclared" &
listener=$!
until grep -q ":$undeclared " <<<"$(ip netns exec "$hns" ss -ltnH)"; do kill -0 "$listener" || fail "listener died"; sleep 0.1; done
probe() { ip netns exec "$1" python3 -c '
import socket, sys
s = socket.socket(); s.settimeout(2); s.bind((sys.argv[1], 0))
try:
    s.connect((sys.argv[2], int(sys.argv[3]))); print("open")
except OSError:
    print("closed")' "${@:2}"; }
# ping without iputils: an ICMP echo through a raw socket (root), answered or not.
ping1() { ip netns exec "$1" python3 -c '
import socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP); s.settimeout(1); s.bind((sys.argv[1], 0))
body = struct.pack("!BBHHH", 8, 0, 0, 1, 1); c = sum(struct.unpack("!4H", body)); c = (c >> 16) + (c & 0xffff); c = ~(c + (c >> 16)) & 0xffff
s.sendto(struct.pack("!BBHHH", 8, 0, c, 1, 1), (sys.argv[2], 0))
try:
    while True:
        data, addr = s.recvfrom(1024)
        if addr[0] == sys.argv[2] and data[20] == 0: print("answered"); break
except OSError:
    print("silent")' "$2" "$3"; }
probes() {
  printf 'lan:22=%s lan:%s=%s lan:%s=%s other:22=%s other:%s=%s tunnel:22=%s container:22=%s ping-lan=%s ping-other=%s ping-container=%s\n' \
    "$(probe "$cns" "$lan_peer" "$lan_host" 22)" "$lan_port" "$(probe "$cns" "$lan_peer" "$lan_host" "$lan_port")" \
    "$undeclared" "$(probe "$cns" "$lan_peer" "$lan_host" "$undeclared")" \
    "$(probe "$cns" 198.51.100.2 198.51.100.1 22)" "$lan_port" "$(probe "$cns" 198.51.100.2 198.51.100.1 "$lan_port")" \
    "$(probe "$tns" 172.30.0.2 172.30.0.1 22)" "$(probe "$ons" 172.31.0.2 172.31.0.1 22)" \
    "$(ping1 "$cns" "$lan_peer" "$lan_host")" "$(ping1 "$cns" 198.51.100.2 198.51.100.1)" "$(ping1 "$ons" 172.31.0.2 172.31.0.1)"
}
without=$(probes)
ip netns exec "$hns" nft -f "$bundle/firewall.nft"
with=$(probes)
kill "$listener"
echo "without the ruleset: $without"
echo "with the ruleset:    $with"
[ "$without" = "lan:22=open lan:$lan_port=open lan:$undeclared=open other:22=open other:$lan_port=open tunnel:22=open container:22=open ping-lan=answered ping-other=answered ping-container=answered" ] || fail "control probes"
[ "$with" = "lan:22=$ssh_lan lan:$lan_port=open lan:$undeclared=closed other:22=closed other:$lan_port=closed tunnel:22=open container:22=closed ping-lan=answered ping-other=silent ping-container=silent" ] || fail "firewall behaviour"
echo "host setup checks passed"
