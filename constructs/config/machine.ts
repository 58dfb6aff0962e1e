import { GATE_ROOT } from "./layout";
import type { Problem } from "./problems";
import type { RepositoryFacts } from "./repository";

/**
 * How SSH reaches the host:
 * - lan: from the LAN CIDR only (and through the tunnel, which arrives from a Docker network),
 * - tunnel: only through the Cloudflare Tunnel (cloudflared's Docker networks); nothing from the LAN.
 */
export type SshAccess = "lan" | "tunnel";

/**
 * Linux name of the bridge of the tunnel connector's egress network (its only member is
 * cloudflared, and its default route): the one interface SSH through the tunnel arrives on,
 * so the firewall admits SSH from it and from no other Docker network. At most 15 characters.
 */
export const TUNNEL_BRIDGE = "servarr-tunnel";

export interface DataDiskProps {
  /** File system UUID of the data disk (`blkid -s UUID -o value /dev/sdX1`), RFC 4122 form. */
  readonly uuid: string;
  /** Where it is mounted; the host's dataRoot must be on it. */
  readonly mountPoint: string;
  /** @default "ext4" */
  readonly fsType?: DataDiskFsType;
}

export type DataDiskFsType = "ext4" | "xfs" | "btrfs";

export interface MachineProps {
  /** The LAN the host lives on (CIDR), e.g. 192.168.1.0/24: source of SSH (lan mode) and LAN ports. */
  readonly lanCidr: string;
  /** @default "lan" */
  readonly sshFrom?: SshAccess;
  /** The human administrator's unix account (created if missing). */
  readonly ownerUser: string;
  /** Public keys that may log in as the owner (besides the owner's own ~/.ssh/authorized_keys). */
  readonly ownerKeys: readonly string[];
  /** The unix account CI deploys as: it can run the deploy gate and nothing else. @default "deploy" */
  readonly deployUser?: string;
  /** Public keys of the CI deploy identity (the private half is a GitHub secret). */
  readonly deployKeys: readonly string[];
  readonly dataDisk: DataDiskProps;
  /** Local time ("HH:MM") when unattended upgrades may reboot the host if an update needs it. */
  readonly rebootTime: string;
  /** Enable Ubuntu Pro Livepatch (needs the machine attached with `pro attach` once). @default false */
  readonly livepatch?: boolean;
  /** Where the host keeps its root-owned checkout of the repository. */
  readonly checkoutDir: string;
  /** Library kinds: one directory each under torrents/ and media/ (TRaSH layout). @default ["movies", "tv"] */
  readonly libraries?: readonly string[];
}

/**
 * MachineProps with defaults applied, and the repository the host clones and deploys from
 * (constructs/config/repository.ts: the GitHub config's, never typed twice).
 */
export type Machine = Required<Omit<MachineProps, "dataDisk">> & {
  readonly dataDisk: Required<DataDiskProps>;
  /** Git URL the host clones (https for a public repository, ssh with a read-only deploy key otherwise). */
  readonly repository: string;
  /** The only branch whose commits the host deploys: the repository's default branch. */
  readonly branch: string;
};

export function resolveMachine(props: MachineProps, repository: RepositoryFacts): Machine {
  return {
    ...props,
    repository: repository.cloneUrl,
    sshFrom: props.sshFrom ?? "lan",
    deployUser: props.deployUser ?? "deploy",
    livepatch: props.livepatch ?? false,
    branch: repository.branch,
    checkoutDir: props.checkoutDir.replace(/\/+$/, ""),
    libraries: props.libraries ?? ["movies", "tv"],
    dataDisk: { ...props.dataDisk, fsType: props.dataDisk.fsType ?? "ext4" },
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const UNIX_USER = /^[a-z_][a-z0-9_-]{0,31}$/;
const PUBLIC_KEY =
  /^(ssh-ed25519|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com|ssh-rsa) [A-Za-z0-9+/]+={0,2}( [\w.@+-]+)?$/;
const ABS_PATH = /^\/[\w./-]*$/;
const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
const LIBRARY = /^[a-z0-9][a-z0-9-]{0,31}$/;

export function cidrProblem(field: string, cidr: string): Problem | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  const ok = m?.slice(1, 5).every((o) => Number(o) <= 255) && Number(m[5]) >= 8 && Number(m[5]) <= 32;
  return ok === true ? undefined : { field, value: cidr, allowed: "an IPv4 network in CIDR form, /8 to /32, such as 192.168.1.0/24" };
}

/** Whether an IPv4 address lies inside a CIDR (both already valid). */
export function inCidr(address: string, cidr: string): boolean {
  const toInt = (a: string) => a.split(".").reduce((n, o) => n * 256 + Number(o), 0);
  const [net, bits] = cidr.split("/");
  const size = 2 ** (32 - Number(bits));
  return Math.floor(toInt(address) / size) === Math.floor(toInt(net ?? "") / size);
}

function isAbsolute(path: string): boolean {
  return ABS_PATH.test(path) && !path.split("/").includes("..");
}

/** Single-field and cross-field rules of the machine; `dataRoot`/`lanAddress` come from the host. */
export function validateMachineProps(m: MachineProps | undefined, host: { dataRoot: string; lanAddress?: string }): Problem[] {
  if (m === undefined) return [{ field: "machine", value: undefined, allowed: "the machine settings (LAN, SSH, data disk, updates)" }];
  const disk = m.dataDisk as DataDiskProps | undefined;
  const keyProblems = (field: string, keys: readonly string[] | undefined, who: string) =>
    keys === undefined || keys.length === 0
      ? [{ field, value: keys ?? undefined, allowed: `at least one SSH public key for the ${who} (keys-only SSH would lock it out)` }]
      : keys.map((k, i) =>
          PUBLIC_KEY.test(k)
            ? undefined
            : { field: `${field}[${i}]`, value: k, allowed: "an OpenSSH public key line: type base64 [comment]" },
        );
  const deployUser = m.deployUser ?? "deploy";
  const problems: Array<Problem | undefined> = [
    cidrProblem("machine.lanCidr", m.lanCidr),
    m.sshFrom === undefined || m.sshFrom === "lan" || m.sshFrom === "tunnel"
      ? undefined
      : { field: "machine.sshFrom", value: m.sshFrom, allowed: '"lan" or "tunnel"' },
    UNIX_USER.test(m.ownerUser) && m.ownerUser !== "root"
      ? undefined
      : {
          field: "machine.ownerUser",
          value: m.ownerUser,
          allowed: "a unix user name other than root: a-z, 0-9, '_', '-', up to 32 characters",
        },
    UNIX_USER.test(deployUser) && deployUser !== "root" && deployUser !== m.ownerUser
      ? undefined
      : { field: "machine.deployUser", value: deployUser, allowed: "a unix user name other than root and the owner" },
    ...keyProblems("machine.ownerKeys", m.ownerKeys, "owner"),
    ...keyProblems("machine.deployKeys", m.deployKeys, "deploy user"),
    disk?.uuid !== undefined && UUID.test(disk.uuid)
      ? undefined
      : {
          field: "machine.dataDisk.uuid",
          value: disk?.uuid,
          allowed: "the data disk's file system UUID in lower-case RFC 4122 form (blkid -s UUID -o value /dev/sdX1)",
        },
    disk?.mountPoint !== undefined && isAbsolute(disk.mountPoint) && disk.mountPoint !== "/"
      ? undefined
      : { field: "machine.dataDisk.mountPoint", value: disk?.mountPoint, allowed: "an absolute path other than / without '..' or spaces" },
    disk?.fsType === undefined || ["ext4", "xfs", "btrfs"].includes(disk.fsType)
      ? undefined
      : { field: "machine.dataDisk.fsType", value: disk.fsType, allowed: '"ext4", "xfs" or "btrfs" (hardlinks and POSIX owners)' },
    disk?.mountPoint === undefined ||
    host.dataRoot === disk.mountPoint ||
    host.dataRoot.startsWith(`${disk.mountPoint.replace(/\/+$/, "")}/`)
      ? undefined
      : { field: "dataRoot", value: host.dataRoot, allowed: `a directory on the data disk (${disk.mountPoint} or below it)` },
    HHMM.test(m.rebootTime)
      ? undefined
      : { field: "machine.rebootTime", value: m.rebootTime, allowed: 'a local time "HH:MM", such as "04:30"' },
    isAbsolute(m.checkoutDir) && m.checkoutDir !== "/"
      ? undefined
      : { field: "machine.checkoutDir", value: m.checkoutDir, allowed: "an absolute path other than / without '..' or spaces" },
    // The deploy gate lives outside the checkout: a checkout never holds it, nor lies inside its directory.
    `${GATE_ROOT}/`.startsWith(`${m.checkoutDir}/`) || `${m.checkoutDir}/`.startsWith(`${GATE_ROOT}/`)
      ? {
          field: "machine.checkoutDir",
          value: m.checkoutDir,
          allowed: `a directory that neither holds nor lies in ${GATE_ROOT} (the deploy gate's)`,
        }
      : undefined,
    ...(m.libraries ?? []).map((l, i) =>
      LIBRARY.test(l) ? undefined : { field: `machine.libraries[${i}]`, value: l, allowed: "a lower-case directory name: a-z, 0-9, '-'" },
    ),
  ];
  const lanCidrOk = cidrProblem("machine.lanCidr", m.lanCidr) === undefined;
  if (
    lanCidrOk &&
    host.lanAddress !== undefined &&
    /^(\d{1,3})(\.\d{1,3}){3}$/.test(host.lanAddress) &&
    !inCidr(host.lanAddress, m.lanCidr)
  )
    problems.push({ field: "lanAddress", value: host.lanAddress, allowed: `an address inside machine.lanCidr (${m.lanCidr})` });
  return problems.filter((p): p is Problem => p !== undefined);
}
