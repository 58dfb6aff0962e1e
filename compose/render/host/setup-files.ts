import { bundleDirOnHost, gateDirOnHost } from "../../../constructs/config/layout";
import type { HostModel } from "../../../constructs/model/host-model";
import { generatedMarker } from "../render";
import type { ShellVar } from "../shell";
import { composeFlags, deployStateDir } from "./deploy-script";
import { appUsers, FIREWALL_TABLE, hostDirs } from "./host-scripts";

/**
 * What setup.sh (compose/scripts/setup.sh) reads from bundle.env: the group, one user per app, render
 * groups to check, the login users and their keys, the data disk, every directory it owns.
 */
export function setupData(host: HostModel): ShellVar[] {
  const m = host.machine;
  const disk = m.dataDisk;
  return [
    { name: "group", doc: "setup.sh: the shared group of every app and the /data tree", value: host.groupName },
    { name: "gid", value: host.gid },
    {
      name: "app_users",
      doc: "setup.sh: one user per app that runs as its own uid: name uid",
      value: appUsers(host).map((u) => [u.name, u.uid]),
    },
    {
      name: "render_groups",
      doc: "setup.sh: apps with hardware transcoding and the render group id compose gives them: app gid",
      value: host.apps.flatMap((a) => {
        const gid = a.props.hardwareTranscoding?.renderGroupId;
        return gid === undefined ? [] : [[a.name, gid]];
      }),
    },
    { name: "owner_user", doc: "setup.sh: the person logging in by key (member of the group)", value: m.ownerUser },
    { name: "owner_keys", value: m.ownerKeys.map((k) => [k]) },
    { name: "deploy_keys", doc: "setup.sh: the deploy user's keys, installed with `restrict`", value: m.deployKeys.map((k) => [k]) },
    {
      name: "fstab_line",
      doc: "setup.sh: the data disk by UUID; nofail, so a missing disk never blocks boot",
      value: `UUID=${disk.uuid} ${disk.mountPoint} ${disk.fsType} defaults,nofail,x-systemd.device-timeout=30s 0 2 # servarr data disk`,
    },
    { name: "disk_uuid", value: disk.uuid },
    { name: "disk_mount_point", value: disk.mountPoint },
    {
      name: "dirs",
      doc: "setup.sh: the /data tree (TRaSH layout) and each app's config dir: path owner group mode",
      value: hostDirs(host).map((d) => [d.path, d.owner, d.group, Number(d.mode)]),
    },
    { name: "livepatch", doc: "setup.sh: 1 enables Canonical Livepatch (Ubuntu)", value: m.livepatch ? 1 : 0 },
  ];
}

/**
 * The files setup.sh installs under /etc as they are, at the same path under the bundle's etc/:
 * the sshd drop-in, the deploy user's sudoers rule, the firewall and compose units, the apt
 * settings for unattended upgrades.
 */
export function renderSetupFiles(host: HostModel): ReadonlyMap<string, string> {
  const m = host.machine;
  const bundleDir = bundleDirOnHost(host);
  const gate = `${gateDirOnHost(host)}/deploy-gate.sh`;
  const mountsFor = [...new Set([m.dataDisk.mountPoint, host.configRoot])].join(" ");
  // The last healthy deployment (deploy.sh promotes only a healthy one), every file named.
  const current = `${deployStateDir(host.name)}/current`;
  const flags = composeFlags({
    project: host.name,
    projectDirectory: bundleDir,
    file: `${current}/compose.yaml`,
    envFile: `${current}/.env`,
  });
  return new Map([
    [
      "etc/ssh/sshd_config.d/10-servarr.conf",
      `${generatedMarker("#")}
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
`,
    ],
    [
      `etc/sudoers.d/servarr-${m.deployUser}`,
      `${generatedMarker("#")}
# The deploy user may run exactly this root-owned script, outside the checkout, which only deploys
# commits of origin/${m.branch} after the last healthy one (see the script); no password exists for it anywhere.
${m.deployUser} ALL=(root) NOPASSWD: ${gate}
`,
    ],
    [
      "etc/systemd/system/servarr-firewall.service",
      `${generatedMarker("#")}
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
`,
    ],
    [
      "etc/systemd/system/servarr-compose.service",
      `${generatedMarker("#")}
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
`,
    ],
    [
      "etc/apt/apt.conf.d/20auto-upgrades",
      `${generatedMarker("//")}
APT::Periodic::Update-Package-Lists "1";
APT::Periodic::Unattended-Upgrade "1";
APT::Periodic::AutocleanInterval "7";
`,
    ],
    [
      "etc/apt/apt.conf.d/52servarr-unattended-upgrades",
      `${generatedMarker("//")}
// The distribution's 50unattended-upgrades keeps its security-only origins; this adds the reboot window.
Unattended-Upgrade::Automatic-Reboot "true";
Unattended-Upgrade::Automatic-Reboot-WithUsers "true";
Unattended-Upgrade::Automatic-Reboot-Time "${m.rebootTime}";
Unattended-Upgrade::Remove-Unused-Kernel-Packages "true";
`,
    ],
  ]);
}
