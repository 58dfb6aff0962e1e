import type { ImagePolicy } from "../config/options";
import { labelProblem, type Problem, portProblem } from "../config/problems";
import type { ServarrAppProps } from "../model/app-props";
import type { Exposure } from "../model/exposure";
import { portForwardingProblem, vpnProviderProblem } from "./gluetun-providers";

/**
 * Single-prop rules, one line each (aws-cdk's validate-queue-props style). Cross-prop rules
 * follow; whole-host rules (duplicates, unknown peers) live on the Host.
 */
const IMAGE =
  /^(?<repo>(?:[a-z0-9.-]+(?::\d+)?\/)?[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*)(?::(?<tag>\w[\w.-]{0,127}))?(?:@(?<digest>sha256:[a-f0-9]{64}))?$/;
const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;
const FLOATING_TAGS = new Set(["latest", "stable", "main", "master", "develop", "nightly", "edge", "release"]);

export function imageProblem(image: string, policy: ImagePolicy): Problem | undefined {
  const m = IMAGE.exec(image);
  const pinned = policy === "digest" ? "repository:tag@sha256:<64 hex>" : "repository:tag (optionally @sha256:<digest>)";
  if (!m?.groups) return { field: "image", value: image, allowed: `an image reference ${pinned}` };
  const { tag, digest } = m.groups;
  if (!tag && !digest) return { field: "image", value: image, allowed: `a pinned image ${pinned}, not an implicit :latest` };
  if (tag && FLOATING_TAGS.has(tag) && !digest)
    return { field: "image", value: image, allowed: `a version tag (${pinned}), not the floating tag "${tag}"` };
  if (policy === "digest" && !digest)
    return { field: "image", value: image, allowed: `a digest-pinned image ${pinned} (the host's imagePolicy is "digest")` };
  return undefined;
}

function exposureProblems(field: string, exposure: Exposure): Problem[] {
  return [
    labelProblem(`${field}.subdomain`, exposure.subdomain),
    portProblem(`${field}.lanPort`, exposure.lanPort),
    exposure.path !== undefined && !isRegex(exposure.path)
      ? { field: `${field}.path`, value: exposure.path, allowed: "a valid regular expression on the request path" }
      : undefined,
    ...exposure.allowEmails.map((email, i) =>
      /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)
        ? undefined
        : { field: `${field}.allowEmails[${i}]`, value: email, allowed: "an email address" },
    ),
  ].filter((p): p is Problem => p !== undefined);
}

export function validateAppProps(name: string, props: ServarrAppProps, policy: ImagePolicy): Problem[] {
  const exposure = props.exposure;
  const problems: Array<Problem | undefined> = [
    labelProblem("name", name),
    imageProblem(props.image, policy),
    portProblem("port", props.port),
    ...(exposure ? exposureProblems("exposure", exposure) : []),
    ...(props.alsoExpose ?? []).flatMap((e, i) => exposureProblems(`alsoExpose[${i}]`, e)),
    // An app of this host by name, or "<host>/<app>" on another host of the config (constructs/model/cross-host.ts).
    ...(props.talksTo ?? []).flatMap((peer, i) =>
      peer.split("/").length <= 2
        ? peer.split("/").map((label) => labelProblem(`talksTo[${i}]`, label))
        : [{ field: `talksTo[${i}]`, value: peer, allowed: "an app name, or <host>/<app> for an app on another host" }],
    ),
    ...Object.keys(props.environment ?? {}).map((k) =>
      ENV_NAME.test(k) ? undefined : { field: `environment.${k}`, value: k, allowed: "an upper-case variable name" },
    ),
    ...Object.keys(props.secretEnv ?? {}).map((k) =>
      ENV_NAME.test(k) ? undefined : { field: `secretEnv.${k}`, value: k, allowed: "an upper-case variable name" },
    ),
    props.uid !== undefined && !(Number.isInteger(props.uid) && props.uid >= 1000 && props.uid <= 60000)
      ? { field: "uid", value: props.uid, allowed: "an integer from 1000 to 60000 (a regular, non-system user)" }
      : undefined,
    props.healthPath !== undefined && !/^\/\S*$/.test(props.healthPath)
      ? { field: "healthPath", value: props.healthPath, allowed: 'a path on the app\'s port starting with "/", such as "/ping"' }
      : undefined,
    props.configPath !== undefined && props.configPath !== null && !props.configPath.startsWith("/")
      ? { field: "configPath", value: props.configPath, allowed: "an absolute path inside the container, or null" }
      : undefined,
  ];

  // Cross-prop rules.
  const identity = props.identity ?? "linuxserver";
  const edge = [exposure, ...(props.alsoExpose ?? [])].filter((e): e is Exposure => e?.atEdge === true);
  if (identity !== "image" && props.uid === undefined)
    problems.push({ field: "uid", value: undefined, allowed: `a uid for the "${identity}" identity (only "image" apps run without one)` });
  if (props.port === undefined && (edge.length > 0 || exposure?.lanPort !== undefined))
    problems.push({ field: "port", value: undefined, allowed: "the app's container port: it is exposed, so its port is needed" });
  if (props.vpn && exposure?.lanPort !== undefined)
    problems.push({
      field: "exposure.lanPort",
      value: exposure.lanPort,
      allowed: "no LAN port on a VPN-routed app (it lives in the VPN gateway's network namespace); unset it or set vpn: false",
    });
  if (props.vpn && props.role?.kind === "vpn-gateway")
    problems.push({ field: "vpn", value: true, allowed: "false on the VPN gateway itself" });
  (props.alsoExpose ?? []).forEach((e, i) => {
    if (!e.atEdge) problems.push({ field: `alsoExpose[${i}]`, value: e.kind, allowed: "Exposure.public() or Exposure.private()" });
    if (e.subdomain === undefined)
      problems.push({
        field: `alsoExpose[${i}].subdomain`,
        value: undefined,
        allowed: "a subdomain: the app name is taken by its main exposure",
      });
    if (e.lanPort !== undefined)
      problems.push({ field: `alsoExpose[${i}].lanPort`, value: e.lanPort, allowed: "unset: a LAN port belongs to the main exposure" });
  });
  if (props.vpnPortEnv !== undefined && !(props.vpn && ENV_NAME.test(props.vpnPortEnv)))
    problems.push({
      field: "vpnPortEnv",
      value: props.vpnPortEnv,
      allowed: "an upper-case variable name, on a VPN-routed app (vpn: true)",
    });
  const render = props.hardwareTranscoding?.renderGroupId;
  if (render !== undefined && !(Number.isInteger(render) && render >= 1 && render <= 65535))
    problems.push({
      field: "hardwareTranscoding.renderGroupId",
      value: render,
      allowed: "the host's render group id: an integer from 1 (`getent group render` on the host)",
    });
  if (props.hardwareTranscoding !== undefined && !props.kinds?.includes("media-server"))
    problems.push({
      field: "hardwareTranscoding",
      value: props.hardwareTranscoding,
      allowed: 'unset: only a media server (kinds: ["media-server"], e.g. plex or jellyfin) transcodes; it hands the app /dev/dri',
    });
  problems.push(vpnProviderProblem(props), portForwardingProblem(props));
  if (props.apiKeyEnv !== undefined && !ENV_NAME.test(props.apiKeyEnv))
    problems.push({ field: "apiKeyEnv", value: props.apiKeyEnv, allowed: "an upper-case variable name" });
  if (props.healthCommand !== undefined && props.healthCommand.length === 0)
    problems.push({ field: "healthCommand", value: [], allowed: "a non-empty exec-form command, or unset" });
  for (const kind of props.singlePeerKinds ?? [])
    if (!props.talksToKinds?.includes(kind))
      problems.push({
        field: "singlePeerKinds",
        value: kind,
        allowed: `a kind of talksToKinds (${(props.talksToKinds ?? []).join(", ") || "none"})`,
      });
  if (props.talksTo?.includes(name)) problems.push({ field: "talksTo", value: name, allowed: "other apps: an app always reaches itself" });
  return problems.filter((p): p is Problem => p !== undefined);
}

function isRegex(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return pattern.length > 0;
  } catch {
    return false;
  }
}

/** Service tokens an exposure admits must be declared on the host. */
export function serviceTokenProblems(props: ServarrAppProps, declared: readonly string[]): Problem[] {
  const exposures: Array<[string, Exposure | undefined]> = [
    ["exposure", props.exposure],
    ...(props.alsoExpose ?? []).map((e, i): [string, Exposure] => [`alsoExpose[${i}]`, e]),
  ];
  return exposures.flatMap(([field, exposure]) =>
    (exposure?.serviceTokens ?? []).flatMap((token, i) =>
      declared.includes(token)
        ? []
        : [
            {
              field: `${field}.serviceTokens[${i}]`,
              value: token,
              allowed: `a service token declared in the host's serviceTokens: ${declared.join(", ")}`,
            },
          ],
    ),
  );
}
