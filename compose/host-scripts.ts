import type { Host } from "../constructs/host";
import { deployStateDir } from "./deploy-script";
import { generatedMarker } from "./render";

/**
 * The files that turn a Debian/Ubuntu box into this host: `setup.sh` (idempotent, run on every
 * deploy), `firewall.nft` (the host's own nftables table), `deploy-gate.sh` (the one command the
 * deploy user may run as root) and `first-boot.sh` (fresh box → deployable). Every value comes
 * from the model: users and UIDs from the apps, ports from their exposures, the rest from
 * `host.machine`.
 */
export function renderHostScripts(host: Host): ReadonlyMap<string, string> {
  return new Map([
    ["setup.sh", renderSetup(host)],
    ["firewall.nft", renderFirewall(host)],
    ["deploy-gate.sh", renderDeployGate(host)],
    ["first-boot.sh", renderFirstBoot(host)],
  ]);
}

/** Single-quoted for the shell (values are validated, this keeps them inert anyway). */
function q(value: string | number): string {
  return `'${String(value).replaceAll("'", `'\\''`)}'`;
}

/** Directory mode for the shared tree: everything the umask allows, plus setgid so new files keep the group. */
export function sharedDirMode(umask: string): string {
  return (0o2000 | (0o777 & ~Number.parseInt(umask, 8))).toString(8);
}

export interface HostUser {
  readonly name: string;
  readonly uid: number;
}

/** One unix user per app that runs as its own uid (identity "image" apps have none). */
export function appUsers(host: Host): HostUser[] {
  return host.apps.flatMap((a) =>
    a.props.uid !== undefined && (a.props.identity ?? "linuxserver") !== "image" ? [{ name: a.name, uid: a.props.uid }] : [],
  );
}

export interface HostDir {
  readonly path: string;
  readonly owner: string;
  readonly group: string;
  readonly mode: string;
}

/** Every directory setup.sh owns: the /data tree (TRaSH layout) and each app's config dir. */
export function hostDirs(host: Host): HostDir[] {
  const shared = sharedDirMode(host.umask);
  const g = host.groupName;
  const data = [
    host.dataRoot,
    ...["torrents", ...(host.apps.some((a) => a.props.data === "usenet") ? ["usenet"] : []), "media"].flatMap((top) => [
      `${host.dataRoot}/${top}`,
      ...host.machine.libraries.map((l) => `${host.dataRoot}/${top}/${l}`),
    ]),
  ];
  const users = new Set(appUsers(host).map((u) => u.name));
  return [
    ...data.map((path) => ({ path, owner: "root", group: g, mode: shared })),
    { path: host.configRoot, owner: "root", group: g, mode: "750" },
    ...host.apps.flatMap((a) =>
      a.configDir ? [{ path: a.configDir, owner: users.has(a.name) ? a.name : "root", group: g, mode: "750" }] : [],
    ),
  ];
}

/**
 * Hardware transcoding: compose passes /dev/dri and adds the container to the render group by
 * id; the id must be the host's, or the device is unreadable. Checked where the device exists.
 */
function renderGroupChecks(host: Host): string[] {
  return host.apps.flatMap((a) => {
    const gid = a.props.hardwareTranscoding?.renderGroupId;
    if (gid === undefined) return [];
    const app = a.name; // a DNS label: inert in the shell
    return [
      `if [ -e /dev/dri ]; then`,
      `  render=$(stat -c %g /dev/dri/renderD128 2>/dev/null || getent group render | cut -d: -f3)`,
      `  [ "$render" = ${gid} ] || die "hardware transcoding for ${app}: the render group of this host is $render, the model says ${gid} (hardwareTranscoding.renderGroupId)"`,
      `  report ok "render group ${gid} for ${app}"`,
      `else`,
      `  booted && die "hardware transcoding for ${app}: this host has no /dev/dri (no GPU driver loaded)"`,
      `  report skip "no /dev/dri here: hardware transcoding for ${app}"`,
      `fi`,
    ];
  });
}

/** Declared LAN ports: the only ports any published container answers on, from the LAN only. */
export function lanPorts(host: Host): Array<{ app: string; port: number }> {
  return host.apps.flatMap((a) => (a.exposure.lanPort !== undefined ? [{ app: a.name, port: a.exposure.lanPort }] : []));
}

const FIREWALL_TABLE = "servarr_host";
const DOCKER_IFACES = ["docker0", "br-*"];

function renderFirewall(host: Host): string {
  const m = host.machine;
  const lan = m.lanCidr;
  const ports = lanPorts(host);
  const ssh = [
    ...(m.sshFrom === "lan" ? [`    ip saddr ${lan} tcp dport 22 accept comment "ssh from the LAN"`] : []),
    ...DOCKER_IFACES.map(
      (i) => `    iifname "${i}" tcp dport 22 accept comment "ssh through the tunnel (cloudflared on a Docker network)"`,
    ),
  ];
  return `#!/usr/sbin/nft -f
${generatedMarker("#")}
# The host's own firewall: default deny inbound. Only the table ${FIREWALL_TABLE} is replaced on
# reload (no "flush ruleset"), so Docker's tables survive. Published container ports are DNATed
# before the input hook and never reach it (the Docker-bypasses-the-firewall trap): the forward
# chain below admits DNATed connections only to declared LAN ports and only from the LAN.
table inet ${FIREWALL_TABLE}
delete table inet ${FIREWALL_TABLE}

table inet ${FIREWALL_TABLE} {
  chain input {
    type filter hook input priority filter; policy drop;
    ct state established,related accept
    ct state invalid drop
    iif "lo" accept
    meta l4proto icmp accept
    meta l4proto icmpv6 accept
    udp sport 67 udp dport 68 accept comment "DHCPv4 client"
    ip6 saddr fe80::/10 udp sport 547 udp dport 546 accept comment "DHCPv6 client"
${[...ssh, ...ports.map((p) => `    ip saddr ${lan} tcp dport ${p.port} accept comment "${p.app} LAN port"`)].join("\n")}
  }

  chain forward {
    type filter hook forward priority filter; policy accept;
    ct state established,related accept
${DOCKER_IFACES.map((i) => `    ct status dnat iifname "${i}" accept comment "containers reaching a published port"`).join("\n")}
${ports.map((p) => `    ct status dnat ip saddr ${lan} meta l4proto tcp ct original proto-dst ${p.port} accept comment "${p.app} LAN port"`).join("\n")}
    ct status dnat drop comment "published ports nobody declared, or from outside the LAN"
  }
}
`;
}

function renderSetup(host: Host): string {
  const m = host.machine;
  const bundleDir = `${m.checkoutDir}/compose/${host.name}`;
  const gate = `${bundleDir}/deploy-gate.sh`;
  const users = appUsers(host);
  const disk = m.dataDisk;
  const mountsFor = [...new Set([disk.mountPoint, host.configRoot])].join(" ");
  const sshDropIn = `${generatedMarker("#")}
# First value wins in sshd_config: this drop-in sorts before the distribution's (e.g. 50-cloud-init.conf).
PermitRootLogin no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
AuthenticationMethods publickey
AllowUsers ${m.ownerUser} ${m.deployUser}
AuthorizedKeysFile /etc/ssh/servarr-keys/%u .ssh/authorized_keys

# The deploy user runs the deploy gate and nothing else: no shell, no forwarding, no own keys.
Match User ${m.deployUser}
    AuthorizedKeysFile /etc/ssh/servarr-keys/%u
    DisableForwarding yes
    PermitTTY no
    ForceCommand /usr/bin/sudo -n ${gate} "$SSH_ORIGINAL_COMMAND"
`;
  const sudoers = `${generatedMarker("#")}
# The deploy user may run exactly this root-owned script, which only deploys commits of
# origin/${m.branch} (see the script); no password exists for it anywhere.
${m.deployUser} ALL=(root) NOPASSWD: ${gate}
`;
  const autoUpgrades = `${generatedMarker("//")}
APT::Periodic::Update-Package-Lists "1";
APT::Periodic::Unattended-Upgrade "1";
APT::Periodic::AutocleanInterval "7";
`;
  const unattended = `${generatedMarker("//")}
// The distribution's 50unattended-upgrades keeps its security-only origins; this adds the reboot window.
Unattended-Upgrade::Automatic-Reboot "true";
Unattended-Upgrade::Automatic-Reboot-WithUsers "true";
Unattended-Upgrade::Automatic-Reboot-Time "${m.rebootTime}";
Unattended-Upgrade::Remove-Unused-Kernel-Packages "true";
`;
  const firewallUnit = `${generatedMarker("#")}
[Unit]
Description=servarr host firewall (nftables table ${FIREWALL_TABLE})
DefaultDependencies=no
Before=network-pre.target
Wants=network-pre.target

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/sbin/nft -f /etc/servarr/firewall.nft
ExecReload=/usr/sbin/nft -f /etc/servarr/firewall.nft
ExecStop=/usr/sbin/nft delete table inet ${FIREWALL_TABLE}

[Install]
WantedBy=sysinit.target
`;
  const composeUnit = `${generatedMarker("#")}
[Unit]
Description=servarr compose project ${host.name}
Requires=docker.service
After=docker.service network-online.target servarr-firewall.service
Wants=network-online.target
# Never start the apps on the root file system when the data disk is missing.
RequiresMountsFor=${mountsFor}

[Service]
Type=oneshot
RemainAfterExit=yes
WorkingDirectory=${bundleDir}
ExecStart=/usr/bin/docker compose up -d --remove-orphans
ExecStop=/usr/bin/docker compose stop
TimeoutStartSec=15min

[Install]
WantedBy=multi-user.target
`;
  const fstab = `UUID=${disk.uuid} ${disk.mountPoint} ${disk.fsType} defaults,nofail,x-systemd.device-timeout=30s 0 2 # servarr data disk`;
  const file = (path: string, mode: string, content: string) =>
    `install_file ${q(path)} ${mode} root root <<'SERVARR_EOF'\n${content.replace(/\n$/, "")}\nSERVARR_EOF`;
  const lines = [
    "#!/usr/bin/env bash",
    generatedMarker("#"),
    `# Brings this machine to the state the model declares; idempotent, run by the deploy gate on
# every deploy and by first-boot.sh once. Prints "changed", "ok" or "skip" per step.
# Steps that need a booted systemd (reload, enable --now, mount, loading the firewall) are
# skipped with a note when systemd is not PID 1 (e.g. in a chroot). SERVARR_SETUP_NO_INSTALL=1
# skips apt installs (packages must then be present).`,
    "set -euo pipefail",
    "umask 022",
    "export LC_ALL=C",
    'here=$(cd "$(dirname "$0")" && pwd)',
    "n_changed=0 n_ok=0 n_skip=0",
    'report() { printf "%-8s %s\\n" "$1" "$2"; case $1 in changed) n_changed=$((n_changed + 1)) ;; ok) n_ok=$((n_ok + 1)) ;; *) n_skip=$((n_skip + 1)) ;; esac; }',
    'die() { echo "setup.sh: $*" >&2; exit 1; }',
    "booted() { [ -d /run/systemd/system ]; }",
    SETUP_LIBRARY,
    '[ "$(id -u)" -eq 0 ] || die "run as root (sudo)"',
    "",
    "# Packages the host needs besides Docker (first-boot.sh installs Docker).",
    "ensure_packages openssh-server sudo nftables unattended-upgrades",
    "",
    "# The shared group and one user per app, with the UIDs compose.yaml uses.",
    `ensure_group ${q(host.groupName)} ${host.gid}`,
    ...users.map((u) => `ensure_app_user ${q(u.name)} ${u.uid} ${q(host.groupName)}`),
    ...renderGroupChecks(host),
    `ensure_login_user ${q(m.ownerUser)} ${q(host.groupName)}`,
    `ensure_login_user ${q(m.deployUser)} ''`,
    "",
    "# The data disk, by UUID; nofail so a missing disk never blocks boot.",
    `ensure_fstab ${q(fstab)} ${q(disk.uuid)} ${q(disk.mountPoint)}`,
    `ensure_mounted ${q(disk.mountPoint)}`,
    "",
    "# The /data tree (hardlinks and atomic moves need one file system and one group) and config dirs.",
    ...hostDirs(host).map((d) => `ensure_dir ${q(d.path)} ${q(d.owner)} ${q(d.group)} ${d.mode}`),
    "",
    "# The checkout and its bundle: root-owned, so the deploy user cannot change what sudo runs.",
    `ensure_root_owned_tree ${q(m.checkoutDir)}`,
    `[ ! -e ${q(`${bundleDir}/.env`)} ] || ensure_mode ${q(`${bundleDir}/.env`)} root root 600`,
    "",
    "# SSH: keys only, no root, only the owner and the deploy user.",
    "ensure_dir /etc/ssh/servarr-keys root root 755",
    file(`/etc/ssh/servarr-keys/${m.ownerUser}`, "644", `${m.ownerKeys.join("\n")}\n`),
    file(`/etc/ssh/servarr-keys/${m.deployUser}`, "644", `${m.deployKeys.map((k) => `restrict ${k}`).join("\n")}\n`),
    file("/etc/ssh/sshd_config.d/10-servarr.conf", "644", sshDropIn),
    "check_sshd",
    file(`/etc/sudoers.d/servarr-${m.deployUser}`, "440", sudoers),
    `check_sudoers ${q(`/etc/sudoers.d/servarr-${m.deployUser}`)}`,
    "",
    "# Firewall: default deny inbound, allows from the model (see firewall.nft).",
    "ensure_dir /etc/servarr root root 755",
    'install_file /etc/servarr/firewall.nft 644 root root <"$here/firewall.nft"',
    "check_firewall /etc/servarr/firewall.nft",
    file("/etc/systemd/system/servarr-firewall.service", "644", firewallUnit),
    "",
    "# Unattended security updates with the reboot window.",
    file("/etc/apt/apt.conf.d/20auto-upgrades", "644", autoUpgrades),
    file("/etc/apt/apt.conf.d/52servarr-unattended-upgrades", "644", unattended),
    ...(m.livepatch ? ["ensure_livepatch"] : []),
    "",
    "# Docker and the project at boot.",
    file("/etc/systemd/system/servarr-compose.service", "644", composeUnit),
    "apply_units servarr-firewall.service servarr-compose.service",
    "",
    'echo "setup: $n_changed changed, $n_ok ok, $n_skip skipped"',
    "",
  ];
  return lines.join("\n");
}

/** The helpers setup.sh calls; each reports one line and changes only what differs. */
const SETUP_LIBRARY = String.raw`
ensure_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${"${Status}"}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
  done
  if [ "${"${#missing[@]}"}" -eq 0 ]; then report ok "packages: $*"; return; fi
  if [ "${"${SERVARR_SETUP_NO_INSTALL:-}"}" = 1 ]; then report skip "packages: missing ${"${missing[*]}"} (SERVARR_SETUP_NO_INSTALL=1)"; return; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${"${missing[@]}"}" >/dev/null
  report changed "packages: installed ${"${missing[*]}"}"
}

ensure_group() {
  local name=$1 gid=$2 current
  if current=$(getent group "$name"); then
    [ "$(cut -d: -f3 <<<"$current")" = "$gid" ] || die "group $name exists with gid $(cut -d: -f3 <<<"$current"), the model says $gid: fix it by hand (files would change owner)"
    report ok "group $name ($gid)"
  else
    getent group "$gid" >/dev/null && die "gid $gid is taken by group $(getent group "$gid" | cut -d: -f1)"
    groupadd --gid "$gid" "$name"
    report changed "group $name ($gid)"
  fi
}

# An app's user: fixed uid, the shared group, no home, no shell, no password.
ensure_app_user() {
  local name=$1 uid=$2 group=$3 entry
  if entry=$(getent passwd "$name"); then
    [ "$(cut -d: -f3 <<<"$entry")" = "$uid" ] || die "user $name exists with uid $(cut -d: -f3 <<<"$entry"), the model says $uid: fix it by hand"
    if [ "$(id -gn "$name")" != "$group" ]; then
      usermod --gid "$group" "$name"
      report changed "user $name ($uid): primary group $group"
    else
      report ok "user $name ($uid)"
    fi
  else
    getent passwd "$uid" >/dev/null && die "uid $uid is taken by user $(getent passwd "$uid" | cut -d: -f1)"
    useradd --uid "$uid" --gid "$group" --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$name"
    report changed "user $name ($uid)"
  fi
}

# A person or CI logging in by key. Created with the password field "*": no password, yet not
# locked (sshd refuses locked accounts when PAM is off). An existing account's password stays.
ensure_login_user() {
  local name=$1 group=$2 did=""
  if ! getent passwd "$name" >/dev/null; then
    useradd --create-home --shell /bin/bash "$name"
    usermod --password '*' "$name"
    did="created"
  fi
  if [ -n "$group" ] && ! id -nG "$name" | tr ' ' '\n' | grep -qx "$group"; then
    usermod --append --groups "$group" "$name"
    did="${"${did:+$did, }"}member of $group"
  fi
  if [ -n "$did" ]; then report changed "login user $name: $did"; else report ok "login user $name"; fi
}

ensure_mode() {
  local path=$1 owner=$2 group=$3 mode=$4 want have
  want="$(id -u "$owner"):$(getent group "$group" | cut -d: -f3):$mode"
  have=$(stat -c '%u:%g:%a' "$path")
  if [ "$have" = "$want" ]; then report ok "$path ($owner:$group $mode)"; return; fi
  chown "$owner:$group" "$path"
  chmod "$mode" "$path"
  report changed "$path ($owner:$group $mode)"
}

ensure_dir() {
  local path=$1 owner=$2 group=$3 mode=$4
  if [ -d "$path" ]; then ensure_mode "$@"; return; fi
  mkdir -p "$path"
  chown "$owner:$group" "$path"
  chmod "$mode" "$path"
  report changed "$path ($owner:$group $mode, created)"
}

# Writes stdin to a file when its content, owner or mode differ.
install_file() {
  local path=$1 mode=$2 owner=$3 group=$4 tmp
  tmp=$(mktemp "$path.XXXXXX" 2>/dev/null || mktemp)
  cat >"$tmp"
  if [ -f "$path" ] && cmp -s "$tmp" "$path"; then
    rm -f "$tmp"
    ensure_mode "$path" "$owner" "$group" "$mode"
    return
  fi
  chown "$owner:$group" "$tmp"
  chmod "$mode" "$tmp"
  mkdir -p "$(dirname "$path")"
  mv -f "$tmp" "$path"
  report changed "$path"
}

ensure_fstab() {
  local line=$1 uuid=$2 mountpoint=$3 tmp
  if grep -qxF -- "$line" /etc/fstab 2>/dev/null; then report ok "fstab: UUID=$uuid on $mountpoint"; return; fi
  tmp=$(mktemp)
  # Replace our previous line (or any line for that mount point), keep everything else.
  awk -v mp="$mountpoint" '!/# servarr data disk$/ && !($1 !~ /^#/ && $2 == mp)' /etc/fstab >"$tmp" 2>/dev/null || true
  printf '%s\n' "$line" >>"$tmp"
  chmod 644 "$tmp"
  mv -f "$tmp" /etc/fstab
  report changed "fstab: UUID=$uuid on $mountpoint"
}

ensure_mounted() {
  local mountpoint=$1
  if ! booted; then report skip "mount $mountpoint: systemd is not running (chroot?)"; return; fi
  if findmnt --mountpoint "$mountpoint" >/dev/null; then report ok "mount $mountpoint"; return; fi
  systemctl daemon-reload
  mount "$mountpoint" || die "the data disk is not mounted at $mountpoint and cannot be mounted: refusing to create the data tree on the root file system"
  report changed "mount $mountpoint"
}

# The checkout must be root's alone: sudo runs a script from it.
ensure_root_owned_tree() {
  local dir=$1 wrong
  if [ ! -d "$dir" ]; then report skip "checkout $dir: not cloned yet (first-boot.sh clones it)"; return; fi
  wrong=$(find "$dir" \( ! -user root -o ! -group root -o -perm /022 \) ! -type l -print -quit)
  if [ -z "$wrong" ]; then report ok "checkout $dir: root-owned, not writable by others"; return; fi
  chown -R root:root "$dir"
  chmod -R go-w "$dir"
  report changed "checkout $dir: root-owned, not writable by others"
}

check_sshd() {
  mkdir -p /run/sshd
  sshd -t || { rm -f /etc/ssh/sshd_config.d/10-servarr.conf; die "sshd rejects the configuration (see above); the servarr drop-in was removed"; }
  if booted; then systemctl reload ssh; report ok "sshd config valid, reloaded"; else report skip "sshd config valid; reload: systemd is not running"; fi
}

check_sudoers() {
  visudo -cq -f "$1" >/dev/null || { rm -f "$1"; die "visudo rejects $1; it was removed"; }
  visudo -cq >/dev/null || die "visudo rejects the sudoers configuration"
  report ok "sudoers valid"
}

check_firewall() {
  nft -c -f "$1" || die "nft rejects $1"
  if booted; then
    nft -f "$1"
    report ok "firewall rules valid, loaded"
  else
    report skip "firewall rules valid (nft -c); loading: systemd is not running"
  fi
}

ensure_livepatch() {
  if ! command -v pro >/dev/null; then report skip "livepatch: not Ubuntu (no pro client)"; return; fi
  if pro status 2>/dev/null | grep -Eq '^livepatch +yes +enabled'; then report ok "livepatch"; return; fi
  pro enable livepatch >/dev/null || die "pro enable livepatch failed: attach the machine first (sudo pro attach <token>)"
  report changed "livepatch"
}

# Enabling works without a running systemd (it only writes symlinks); starting needs one.
apply_units() {
  local unit
  if ! command -v systemctl >/dev/null; then report skip "units $* and docker.service: no systemctl"; return; fi
  if booted; then systemctl daemon-reload; fi
  for unit in docker.service "$@"; do
    if [ "$unit" = docker.service ] && ! systemctl cat docker.service >/dev/null 2>&1; then report skip "docker.service: Docker not installed (first-boot.sh installs it)"; continue; fi
    if systemctl is-enabled --quiet "$unit" 2>/dev/null; then report ok "$unit enabled at boot"; else systemctl enable --quiet "$unit"; report changed "$unit enabled at boot"; fi
  done
  if booted; then systemctl start docker.service servarr-firewall.service; fi
}
`;

function renderDeployGate(host: Host): string {
  const m = host.machine;
  const bundleDir = `${m.checkoutDir}/compose/${host.name}`;
  const names = host.secrets.for("host").map((s) => s.name);
  return `#!/usr/bin/env bash
${generatedMarker("#")}
# The one command the deploy user may run, as root (sudoers NOPASSWD + sshd ForceCommand):
#   ssh ${m.deployUser}@host <commit> < .env
# It moves the root-owned checkout to <commit> only if that commit is on origin/${m.branch}, writes
# .env (mode 0600, only the variables the model declares) from stdin when stdin has any, re-runs
# setup.sh and then deploy.sh of that commit. A stolen deploy key can therefore only re-deploy
# reviewed commits and change the values of declared variables: never run its own code as root.
set -euo pipefail
umask 077
checkout=${q(m.checkoutDir)}
bundle=${q(bundleDir)}
allowed=(${names.map(q).join(" ")})

die() { echo "deploy-gate: $*" >&2; exit 1; }

write_env() {
  local tmp line name n=0
  tmp=$(mktemp "$bundle/.env.XXXXXX")
  while IFS= read -r line || [ -n "$line" ]; do
    case $line in '' | '#'*) continue ;; esac
    name=\${line%%=*}
    [[ " \${allowed[*]} " == *" $name "* ]] || { rm -f "$tmp"; die "refusing variable $name: not declared by the model (allowed: \${allowed[*]})"; }
    printf '%s\\n' "$line" >>"$tmp"
    n=$((n + 1))
  done
  if [ "$n" -eq 0 ]; then rm -f "$tmp"; echo "deploy-gate: no variables on stdin, .env kept"; return; fi
  chmod 600 "$tmp"
  mv -f "$tmp" "$bundle/.env"
  echo "deploy-gate: .env written ($n variables)"
}

main() {
  local commit=\${1:-}
  [ "$(id -u)" -eq 0 ] || die "run through sudo"
  [[ $commit =~ ^[0-9a-f]{40}$ ]] || die "usage: ssh ${m.deployUser}@host <40-hex commit of origin/${m.branch}> < .env"
  # One deploy at a time, from the checkout to the end of deploy.sh (which inherits the lock).
  local state=\${SERVARR_DEPLOY_STATE_DIR:-${deployStateDir(host.name)}}
  mkdir -p "$state"
  exec 9>"$state/lock"
  local waited=$SECONDS
  flock --wait "\${SERVARR_DEPLOY_LOCK_TIMEOUT:-900}" 9 || die "another deploy still holds $state/lock"
  echo "deploy-gate: lock acquired after $((SECONDS - waited))s"
  export SERVARR_DEPLOY_LOCK_HELD=1
  git -C "$checkout" fetch --quiet origin ${q(m.branch)}
  git -C "$checkout" merge-base --is-ancestor "$commit" FETCH_HEAD || die "$commit is not on origin/${m.branch}"
  git -C "$checkout" checkout --quiet --detach "$commit"
  if [ -t 0 ]; then echo "deploy-gate: no .env on stdin, .env kept"; else write_env; fi
  "$bundle/setup.sh"
  if [ -x "$bundle/deploy.sh" ]; then exec "$bundle/deploy.sh"; fi
  cd "$bundle" && exec docker compose up -d --remove-orphans
}

# The checkout above replaces this file; main is parsed whole before it runs.
main "$@"
exit
`;
}

function renderFirstBoot(host: Host): string {
  const m = host.machine;
  const bundleDir = `${m.checkoutDir}/compose/${host.name}`;
  return `#!/usr/bin/env bash
${generatedMarker("#")}
# Brings a fresh Debian 12+/Ubuntu 22.04+ box to the deployable state, once, as root:
#   sudo bash first-boot.sh
# Installs Docker Engine and the Compose plugin from Docker's apt repository, clones
# ${m.repository} (${m.branch}) into ${m.checkoutDir}, then runs setup.sh (users, dirs, disk, SSH,
# firewall, updates, units). Safe to re-run. For a private repository over ssh it creates a key
# for root and prints it: add it as a read-only deploy key and run this again.
set -euo pipefail
[ "$(id -u)" -eq 0 ] || { echo "first-boot.sh: run as root (sudo bash first-boot.sh)" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive
repository=${q(m.repository)}
branch=${q(m.branch)}
checkout=${q(m.checkoutDir)}

# shellcheck source=/dev/null
. /etc/os-release
case \${ID:-} in debian | ubuntu) ;; *) echo "first-boot.sh: Debian or Ubuntu only (found \${ID:-unknown})" >&2; exit 1 ;; esac

apt-get update -q
apt-get install -y -q --no-install-recommends ca-certificates curl git gnupg openssh-client

if ! docker compose version >/dev/null 2>&1; then
  install -d -m 0755 /etc/apt/keyrings
  curl -fsSL "https://download.docker.com/linux/$ID/gpg" -o /etc/apt/keyrings/docker.asc
  chmod a+r /etc/apt/keyrings/docker.asc
  echo "deb [arch=$(dpkg --print-architecture) signed-by=/etc/apt/keyrings/docker.asc] https://download.docker.com/linux/$ID $VERSION_CODENAME stable" >/etc/apt/sources.list.d/docker.list
  apt-get update -q
  apt-get install -y -q docker-ce docker-ce-cli containerd.io docker-buildx-plugin docker-compose-plugin
fi
systemctl enable --now docker.service

case $repository in
  https://*) ;;
  *)
    key=/root/.ssh/servarr-repo
    if [ ! -f "$key" ]; then
      install -d -m 0700 /root/.ssh
      ssh-keygen -q -t ed25519 -N '' -C "servarr host $(hostname)" -f "$key"
    fi
    export GIT_SSH_COMMAND="ssh -i $key -o IdentitiesOnly=yes -o StrictHostKeyChecking=accept-new"
    git config --global core.sshCommand "$GIT_SSH_COMMAND"
    ;;
esac

if [ ! -d "$checkout/.git" ]; then
  install -d -m 0755 "$(dirname "$checkout")"
  if ! git clone --quiet --branch "$branch" "$repository" "$checkout"; then
    [ -z "\${key:-}" ] || { echo "Add this read-only deploy key to the repository, then run first-boot.sh again:"; cat "$key.pub"; }
    exit 1
  fi
else
  git -C "$checkout" fetch --quiet origin "$branch"
  git -C "$checkout" checkout --quiet --detach FETCH_HEAD
fi

${q(`${bundleDir}/setup.sh`)}
echo "first-boot: done. Next: a deploy writes .env and starts the project (or: sudo ${bundleDir}/deploy-gate.sh <commit> < .env)."
`;
}
