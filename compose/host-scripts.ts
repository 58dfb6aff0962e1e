import type { Host } from "../constructs/host";
import { TUNNEL_BRIDGE } from "../constructs/host-machine";
import { renderDeployGate, shellQuote } from "./deploy-gate";
import { composeFlags, deployStateDir } from "./deploy-script";
import { crossHostFirewall } from "./firewall-cross-host";
import { renderFirstBoot } from "./first-boot";
import { bundleDirOnHost } from "./paths";
import { generatedMarker } from "./render";
import { SETUP_LIBRARY } from "./setup-library";

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

const q = shellQuote;

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
  return host.apps.flatMap((a) => (a.props.uid !== undefined && a.props.identity !== "image" ? [{ name: a.name, uid: a.props.uid }] : []));
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
const DOCKER_IFACES = ["docker0", "br-*", TUNNEL_BRIDGE];

/** The bridge SSH through the tunnel arrives on: the connector's own egress network, when there is one. */
export function tunnelBridge(host: Host): string | undefined {
  const connector = host.appWithRole("tunnel-connector");
  return connector && host.networkPlan().networks.some((n) => n.name === `${connector.name}-egress`) ? TUNNEL_BRIDGE : undefined;
}

function renderFirewall(host: Host): string {
  const m = host.machine;
  const lan = m.lanCidr;
  const ports = lanPorts(host);
  const bridge = tunnelBridge(host);
  const cross = crossHostFirewall(host);
  const ssh = [
    ...(m.sshFrom === "lan" ? [`    ip saddr ${lan} tcp dport 22 accept comment "ssh from the LAN"`] : []),
    ...(bridge ? [`    iifname "${bridge}" tcp dport 22 accept comment "ssh through the tunnel: cloudflared's own network only"`] : []),
  ];
  return `#!/usr/sbin/nft -f
${generatedMarker("#")}
# The host's own firewall: default deny inbound. Only the table ${FIREWALL_TABLE} is replaced on
# reload (no "flush ruleset"), so Docker's tables survive. Published container ports are DNATed
# before the input hook and never reach it (the Docker-bypasses-the-firewall trap): the forward
# chain below admits DNATed connections only to declared LAN ports and only from the LAN.
# SSH is admitted from the LAN (sshFrom "lan") and from the tunnel connector's bridge, never
# from other containers. ICMP: errors of tracked connections arrive as "related"; besides
# those only ping from the LAN (rate-limited) and IPv6 neighbour discovery on the link.
table inet ${FIREWALL_TABLE}
delete table inet ${FIREWALL_TABLE}

table inet ${FIREWALL_TABLE} {
  chain input {
    type filter hook input priority filter; policy drop;
    ct state established,related accept
    ct state invalid drop
    iif "lo" accept
    ip saddr ${lan} icmp type echo-request limit rate 10/second accept comment "ping from the LAN"
    icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, nd-router-advert } ip6 hoplimit 255 accept comment "IPv6 neighbour discovery"
    udp sport 67 udp dport 68 accept comment "DHCPv4 client"
    ip6 saddr fe80::/10 udp sport 547 udp dport 546 accept comment "DHCPv6 client"
${[...ssh, ...ports.map((p) => `    ip saddr ${lan} tcp dport ${p.port} accept comment "${p.app} LAN port"`), ...cross.input].join("\n")}
  }

  chain forward {
    type filter hook forward priority filter; policy accept;
    ct state established,related accept
${cross.forward.map((l) => `${l}\n`).join("")}${DOCKER_IFACES.map((i) => `    ct status dnat iifname "${i}" accept comment "containers reaching a published port"`).join("\n")}
${ports.map((p) => `    ct status dnat ip saddr ${lan} meta l4proto tcp ct original proto-dst ${p.port} accept comment "${p.app} LAN port"`).join("\n")}
    ct status dnat drop comment "published ports nobody declared, or from outside the LAN"
  }
}
`;
}

function renderSetup(host: Host): string {
  const m = host.machine;
  const bundleDir = bundleDirOnHost(host);
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
# Out of the distribution's defaults, what ssh-audit flags: NIST curves, SHA-1, 64-bit tags, encrypt-and-MAC.
KexAlgorithms -ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521
HostKeyAlgorithms -ecdsa-sha2-*,ecdsa-sha2-*-cert-v01@openssh.com,sk-ecdsa-sha2-*
MACs -umac-64*,hmac-sha1*,umac-128@openssh.com,hmac-sha2-256,hmac-sha2-512

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
  // The last healthy deployment (deploy.sh promotes only a healthy one), every file named.
  const current = `${deployStateDir(host.name)}/current`;
  const flags = composeFlags({
    project: host.name,
    projectDirectory: bundleDir,
    file: `${current}/compose.yaml`,
    envFile: `${current}/.env`,
  });
  const composeUnit = `${generatedMarker("#")}
[Unit]
Description=servarr compose project ${host.name}
Requires=docker.service
After=docker.service network-online.target servarr-firewall.service
Wants=network-online.target
# Never start the apps on the root file system when the data disk is missing.
RequiresMountsFor=${mountsFor}
ConditionPathExists=${current}/compose.yaml

[Service]
Type=oneshot
RemainAfterExit=yes
WorkingDirectory=${bundleDir}
ExecStart=/usr/bin/docker compose ${flags} up --detach --remove-orphans
ExecStop=/usr/bin/docker compose ${flags} stop
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
