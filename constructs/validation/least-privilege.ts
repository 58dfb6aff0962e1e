import type { Problem } from "../config/problems";
import type { ServarrAppProps } from "../model/app-props";
import { secretFilesOf } from "../model/app-props";
import type { Risk } from "../model/app-traits";
import type { Exposure } from "../model/exposure";
import { IMAGES, imageRepository } from "../model/images";
import type { RoleKind } from "../model/roles";

/**
 * Least privilege for every app container (CIS Docker benchmark 5.x): no new privileges, every
 * capability dropped but the image's documented minimum, memory and process limits, and a
 * refusal of anything dangerous unless the app names its reason (`reasons`), which the synth
 * summary lists. The rules below are the whole list of what "dangerous" means here.
 */

export const RISKS: Readonly<Record<Risk, string>> = {
  privileged: "privileged: true (every capability and device of the host)",
  "docker-socket": "a mount of the Docker socket (root on the host)",
  "host-path": "a mount of a system path of the host (/etc, /proc, /sys, /boot, /usr, /var/run, /)",
  "host-network": "the host's network namespace (no segmentation, every host port)",
  "host-pid": "the host's PID namespace (sees and signals every process)",
  capability: `a dangerous capability (one of ${[..."ALL SYS_ADMIN SYS_MODULE SYS_RAWIO SYS_PTRACE SYS_BOOT SYS_TIME SYS_RESOURCE DAC_READ_SEARCH MAC_ADMIN MAC_OVERRIDE BPF PERFMON SYSLOG NET_ADMIN LINUX_IMMUTABLE".split(" ")].join(", ")})`,
  device: "a raw host device other than /dev/net/tun and /dev/dri (GPU)",
  "every-interface": "a LAN port on every interface of the host (no lanAddress)",
  "environment-override": "environment overriding what the model guarantees (PUID, PGID, UMASK, the VPN gateway's FIREWALL* kill switch)",
  "access-bypass": "a tunnel connector command that serves apps around Cloudflare Access (--url, --hello-world, a local config...)",
  "host-role": "a host-wide role (monitor, backup, VPN gateway, tunnel connector) on an image other than the catalog's",
  "public-admin": "a public hostname, without a path restriction, for an app that administers the host's stack",
  "secret-environment": 'a secret in the container\'s environment (the image reads none from a file: secretFiles "none")',
};

export const DANGEROUS_CAPABILITIES = new Set(
  "ALL SYS_ADMIN SYS_MODULE SYS_RAWIO SYS_PTRACE SYS_BOOT SYS_TIME SYS_RESOURCE DAC_READ_SEARCH MAC_ADMIN MAC_OVERRIDE BPF PERFMON SYSLOG NET_ADMIN LINUX_IMMUTABLE".split(
    " ",
  ),
);
const CAPABILITY = /^[A-Z][A-Z_]*$/;
const SAFE_DEVICE = /^\/dev\/(net\/tun|dri(\/(card|renderD)\d+)?)(:|$)/;
const DOCKER_SOCKETS = ["/var/run/docker.sock", "/run/docker.sock", "/run/containerd/containerd.sock"];
/** Host paths no app mounts without a reason; also refused as configRoot/dataRoot. */
export const SYSTEM_PATHS = [
  "/etc",
  "/proc",
  "/sys",
  "/boot",
  "/usr",
  "/var/run",
  "/run",
  "/dev",
  "/bin",
  "/sbin",
  "/lib",
  "/lib64",
  "/root",
  "/var/lib/docker",
];
/** Variables by which an image's user, group and umask are set: the model sets them (identity). */
const IDENTITY_VARIABLES = new Set([
  "PUID",
  "PGID",
  "UMASK",
  "UMASK_SET",
  "UID",
  "GID",
  "USER",
  "USER_ID",
  "GROUP_ID",
  "S6_READ_ONLY_ROOT",
]);
/** cloudflared arguments that serve or forward apps outside the tunnel's Access-guarded ingress. */
const ACCESS_BYPASS_ARGS = [
  "--url",
  "--hello-world",
  "--unix-socket",
  "--bastion",
  "--socks5",
  "--config",
  "--origincert",
  "access",
  "--protocol-insecure",
];
const ROLE_PRESET: Readonly<Record<RoleKind, keyof typeof IMAGES>> = {
  "vpn-gateway": "gluetun",
  "tunnel-connector": "cloudflared",
  monitor: "uptime-kuma",
  backup: "kopia",
};

const hostPathOf = (mount: string) => mount.split(":")[0] ?? "";
const inside = (dir: string, parent: string) => dir === parent || dir.startsWith(`${parent}/`);

/** Whether a host path is a system path (or the root itself, which holds them all). */
export function isSystemPath(dir: string): boolean {
  const clean = dir.replace(/\/+$/, "") || "/";
  return clean === "/" || SYSTEM_PATHS.some((p) => inside(clean, p));
}

/** Public exposures that are not restricted to a path (a status page is). */
const openPublic = (exposures: ReadonlyArray<Exposure | undefined>) =>
  exposures.filter((e): e is Exposure => e?.kind === "public" && e.path === undefined);

/** The risks an app's props ask for (host-dependent ones, such as every-interface, are the Host's). */
export function risksOf(props: ServarrAppProps): Map<Risk, string> {
  const found = new Map<Risk, string>();
  const mounts = props.mounts ?? [];
  if (props.privileged) found.set("privileged", "privileged: true");
  const socket = mounts.find((m) => DOCKER_SOCKETS.some((s) => inside(s, hostPathOf(m))));
  if (socket) found.set("docker-socket", socket);
  const system = mounts.find((m) => m !== socket && isSystemPath(hostPathOf(m)));
  if (system) found.set("host-path", system);
  if (props.hostNetwork) found.set("host-network", "hostNetwork: true");
  if (props.hostPid) found.set("host-pid", "hostPid: true");
  const caps = (props.capAdd ?? []).filter((c) => DANGEROUS_CAPABILITIES.has(c.replace(/^CAP_/, "")));
  if (caps.length > 0) found.set("capability", caps.join(","));
  const devices = (props.devices ?? []).filter((d) => !SAFE_DEVICE.test(d));
  if (devices.length > 0) found.set("device", devices.join(","));
  const env = Object.keys(props.environment ?? {}).filter(
    (k) => IDENTITY_VARIABLES.has(k) || (props.role?.kind === "vpn-gateway" && k.startsWith("FIREWALL")),
  );
  if (env.length > 0) found.set("environment-override", env.join(","));
  if (props.role?.kind === "tunnel-connector" || imageRepository(props.image) === imageRepository(IMAGES.cloudflared)) {
    const bypass = (props.command ?? []).filter((a) => ACCESS_BYPASS_ARGS.some((b) => a === b || a.startsWith(`${b}=`)));
    if (bypass.length > 0) found.set("access-bypass", bypass.join(" "));
  }
  if (props.role && imageRepository(props.image) !== imageRepository(IMAGES[ROLE_PRESET[props.role.kind]]))
    found.set("host-role", `role ${props.role.kind} on ${imageRepository(props.image)}`);
  const reads = Object.keys(props.secretEnv ?? {}).length > 0 || props.apiKeyEnv !== undefined || props.environmentFrom !== undefined;
  if (reads && secretFilesOf(props) === "none") found.set("secret-environment", "secretFiles: none");
  if (props.adminUi && openPublic([props.exposure, ...(props.alsoExpose ?? [])]).length > 0) found.set("public-admin", "Exposure.public()");
  return found;
}

/** Each risk asked for needs a reason; each reason must name a risk asked for (the summary lists them). */
export function riskProblems(props: ServarrAppProps, found: ReadonlyMap<Risk, string> = risksOf(props)): Problem[] {
  const reasons = props.reasons ?? {};
  const problems: Problem[] = [];
  for (const [risk, what] of found)
    if (!reasons[risk]?.trim())
      problems.push({
        field: riskField(risk),
        value: what,
        allowed: `nothing of the kind, or a reason: reasons: { "${risk}": "why" } (${RISKS[risk]}; the synth summary lists it)`,
      });
  for (const risk of Object.keys(reasons) as Risk[]) {
    if (!(risk in RISKS)) problems.push({ field: `reasons.${risk}`, value: risk, allowed: `one of ${Object.keys(RISKS).join(", ")}` });
    else if (!found.has(risk) && !(risk === "every-interface" && props.exposure?.lanPort !== undefined))
      problems.push({ field: `reasons.${risk}`, value: reasons[risk], allowed: `unset: the app asks for no ${risk}` });
  }
  for (const cap of props.capAdd ?? [])
    if (!CAPABILITY.test(cap)) problems.push({ field: "capAdd", value: cap, allowed: "a capability name such as NET_ADMIN" });
  for (const [i, m] of (props.mounts ?? []).entries())
    if (!/^\/[\w./-]*:\/[\w./-]*(:ro)?$/.test(m))
      problems.push({ field: `mounts[${i}]`, value: m, allowed: "an absolute host path, a container path and optionally :ro" });
  const limits = props.limits;
  if (limits?.memory !== undefined && !/^\d+[kmg]$/.test(limits.memory))
    problems.push({ field: "limits.memory", value: limits.memory, allowed: 'a size such as "512m" or "2g"' });
  if (limits?.pids !== undefined && !(Number.isInteger(limits.pids) && limits.pids >= 16))
    problems.push({ field: "limits.pids", value: limits.pids, allowed: "an integer from 16" });
  return problems;
}

function riskField(risk: Risk): string {
  const fields: Partial<Record<Risk, string>> = {
    privileged: "privileged",
    "docker-socket": "mounts",
    "host-path": "mounts",
    "host-network": "hostNetwork",
    "host-pid": "hostPid",
    capability: "capAdd",
    device: "devices",
    "environment-override": "environment",
    "access-bypass": "command",
    "host-role": "role",
    "public-admin": "exposure",
    "secret-environment": "secretFiles",
  };
  return fields[risk] ?? risk;
}
