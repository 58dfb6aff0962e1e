import { describe, expect, it } from "vitest";
import * as catalog from "../../../constructs/catalog";
import type { Host } from "../../../constructs/host/host";
import { ServarrApp } from "../../../constructs/host/servarr-app";
import type { ServarrAppProps } from "../../../constructs/model/app-props";
import { appUrl } from "../../../constructs/model/app-url";
import { Exposure } from "../../../constructs/model/exposure";
import { exampleConfig, plus, synth, withHost } from "../../support";

const base: ServarrAppProps = { image: "jellyfin/jellyfin:10.11.3", port: 8096, uid: 13100 };
const withApp = (name: string, props: Partial<ServarrAppProps>) => plus((host) => new ServarrApp(host, name, { ...base, ...props }));

/** Each rule: the bad config, then the message parts (path, field, value, what is allowed). */
const appRules: Array<[string, ReturnType<typeof plus>, RegExp]> = [
  [
    "invalid DNS label as name",
    withApp("Jelly_Fin", {}),
    /\[servarr\/servarr\/Jelly_Fin\] name: "Jelly_Fin" is not allowed; allowed: a lower-case DNS label/,
  ],
  [
    "port out of range",
    withApp("jellyfin", { port: 70000 }),
    /\[servarr\/servarr\/jellyfin\] port: 70000 is not allowed; allowed: an integer from 1 to 65535/,
  ],
  ["non-integer port", withApp("jellyfin", { port: 80.5 }), /port: 80.5 is not allowed/],
  [
    "image without a tag",
    withApp("jellyfin", { image: "jellyfin/jellyfin" }),
    /image: "jellyfin\/jellyfin" is not allowed; allowed: a pinned image/,
  ],
  [
    "floating :latest tag",
    withApp("jellyfin", { image: "jellyfin/jellyfin:latest" }),
    /image: "jellyfin\/jellyfin:latest" is not allowed; allowed: a version tag .* not the floating tag "latest"/,
  ],
  ["malformed image", withApp("jellyfin", { image: "Not An Image" }), /image: "Not An Image" is not allowed; allowed: an image reference/],
  [
    "VPN app with a LAN port",
    withApp("jellyfin", { vpn: true, exposure: Exposure.private({ lanPort: 8096 }) }),
    /\[servarr\/servarr\/jellyfin\] exposure.lanPort: 8096 is not allowed; allowed: no LAN port on a VPN-routed app/,
  ],
  [
    "health path without its leading slash",
    withApp("jellyfin", { healthPath: "health" }),
    /\[servarr\/servarr\/jellyfin\] healthPath: "health" is not allowed; allowed: a path on the app's port starting with "\/"/,
  ],
  [
    "render group id that cannot be one",
    withApp("jellyfin", { hardwareTranscoding: { renderGroupId: 0 } }),
    /\[servarr\/servarr\/jellyfin\] hardwareTranscoding\.renderGroupId: 0 is not allowed; allowed: the host's render group id/,
  ],
  [
    "LAN port out of range",
    withApp("jellyfin", { exposure: Exposure.internal({ lanPort: 0 }) }),
    /exposure.lanPort: 0 is not allowed; allowed: an integer from 1 to 65535/,
  ],
  [
    "invalid subdomain",
    withApp("jellyfin", { exposure: Exposure.public({ subdomain: "-bad" }) }),
    /exposure.subdomain: "-bad" is not allowed; allowed: a lower-case DNS label/,
  ],
  [
    "invalid path regex",
    withApp("jellyfin", { exposure: Exposure.public({ path: "(" }) }),
    /exposure.path: "\(" is not allowed; allowed: a valid regular expression/,
  ],
  [
    "invalid extra email",
    withApp("jellyfin", { exposure: Exposure.private({ allowEmails: ["nobody"] }) }),
    /exposure.allowEmails\[0\]: "nobody" is not allowed; allowed: an email address/,
  ],
  [
    "exposed app without a port",
    withApp("jellyfin", { port: undefined, exposure: Exposure.public() }),
    /port: \(unset\) is not allowed; allowed: the app's container port/,
  ],
  ["missing uid", withApp("jellyfin", { uid: undefined }), /uid: \(unset\) is not allowed; allowed: a uid for the "linuxserver" identity/],
  ["system uid", withApp("jellyfin", { uid: 0 }), /uid: 0 is not allowed; allowed: an integer from 1000 to 60000/],
  ["relative config path", withApp("jellyfin", { configPath: "config" }), /configPath: "config" is not allowed; allowed: an absolute path/],
  [
    "lower-case env name",
    withApp("jellyfin", { environment: { tz: "x" } }),
    /environment.tz: "tz" is not allowed; allowed: an upper-case variable name/,
  ],
  ["bad secret env name", withApp("jellyfin", { secretEnv: { "api-key": "x" } }), /secretEnv.api-key: "api-key" is not allowed/],
  ["talks to itself", withApp("jellyfin", { talksTo: ["jellyfin"] }), /talksTo: "jellyfin" is not allowed; allowed: other apps/],
  [
    "extra route without subdomain",
    withApp("jellyfin", { alsoExpose: [Exposure.public()] }),
    /alsoExpose\[0\].subdomain: \(unset\) is not allowed/,
  ],
  [
    "internal extra route",
    withApp("jellyfin", { alsoExpose: [Exposure.internal()] }),
    /alsoExpose\[0\]: "internal" is not allowed; allowed: Exposure.public\(\) or Exposure.private\(\)/,
  ],
  [
    "duplicate app name",
    plus((host) => catalog.sonarr(host)),
    /\[servarr\/servarr\/sonarr\] name: "sonarr" is not allowed; allowed: a name not used by another app/,
  ],
  [
    "digest required by policy",
    { ...plus((host: Host) => new ServarrApp(host, "jellyfin", base)), host: { ...exampleConfig.host, imagePolicy: "digest" as const } },
    /\[servarr\/servarr\/tautulli\] image: "lscr.io\/linuxserver\/tautulli:v2.17.2-ls240" is not allowed; allowed: a digest-pinned image/,
  ],
];

/** Whole-host rules: reported at synth, each prefixed with the host's path. */
const hostRules: Array<[string, ReturnType<typeof plus>, RegExp]> = [
  [
    "duplicate hostname",
    withApp("jellyfin", { exposure: Exposure.public({ subdomain: "plex" }) }),
    // Reported on the app declared second (the one just added), naming the earlier one.
    /\[servarr\/servarr\] jellyfin.hostname: "plex.example.com" is not allowed; allowed: a hostname no other app routes \(plex, declared earlier, already has it\)/,
  ],
  [
    "duplicate uid",
    withApp("jellyfin", { uid: 13001 }),
    /\[servarr\/servarr\] jellyfin\.uid: 13001 is not allowed; allowed: a uid no other app uses \(plex, declared earlier, already has it\)/,
  ],
  [
    "an app named like the deploy user",
    withApp("deploy", {}),
    /deploy\.name: "deploy" is not allowed; allowed: a name not taken by the deploy user \(machine\.deployUser\)/,
  ],
  [
    "LAN port the host itself uses",
    withApp("jellyfin", { exposure: Exposure.internal({ lanPort: 22 }) }),
    /jellyfin\.exposure\.lanPort: 22 is not allowed; allowed: a port the host itself does not use \(the host's SSH server listens on 22\)/,
  ],
  [
    "environment naming a VPN-routed app by its own hostname",
    withApp("notifier", { environment: { SONARR_URL: "http://sonarr:8989/api" } }),
    /notifier\.environment\.SONARR_URL: "http:\/\/sonarr:8989\/api" is not allowed; allowed: an address that resolves: sonarr is VPN-routed and reached at http:\/\/gluetun:8989; write appUrl\("sonarr"\)/,
  ],
  [
    "appUrl() of an app that is not declared",
    withApp("notifier", { environment: { RADARR_URL: appUrl("radar") } }),
    /notifier\.environment\.RADARR_URL: "appUrl\(\\"radar\\"\)" is not allowed; allowed: appUrl\(\) of a declared app with a port: bazarr, /,
  ],
  [
    "duplicate LAN port",
    withApp("jellyfin", { exposure: Exposure.internal({ lanPort: 32400 }) }),
    /jellyfin\.exposure\.lanPort: 32400 is not allowed; allowed: a LAN port no other app publishes \(plex, declared earlier, already has it\)/,
  ],
  [
    "unknown dependency",
    withApp("jellyfin", { talksTo: ["jellyseerr"] }),
    /jellyfin.talksTo: "jellyseerr" is not allowed; allowed: one of the host's apps: bazarr, /,
  ],
  [
    "port clash in the VPN namespace",
    withApp("jellyfin", { vpn: true, port: 8989 }),
    /\.port: 8989 is not allowed; allowed: a port free in the VPN gateway's namespace/,
  ],
  [
    "second app with a role",
    plus((host) => catalog.gluetun(host, { name: "wireguard", provider: "mullvad" })),
    /\.role: "vpn-gateway" is not allowed; allowed: one app per role/,
  ],
  [
    "VPN app without a gateway",
    { ...exampleConfig, apps: (host: Host) => catalog.sonarr(host, { vpn: true }) },
    /sonarr.vpn: true is not allowed; allowed: false, or add an app with role "vpn-gateway"/,
  ],
  [
    "exposed apps without a tunnel connector",
    { ...exampleConfig, apps: (host: Host) => catalog.plex(host, { exposure: Exposure.public() }) },
    /apps: "\(no tunnel connector\)" is not allowed; allowed: an app with role "tunnel-connector"/,
  ],
];

const hostPropRules: Array<[string, Partial<typeof exampleConfig.host>, RegExp]> = [
  ["domain", { domain: "Example..com" }, /\[servarr\/account\] domain: "Example..com" is not allowed; allowed: a lower-case DNS domain/],
  [
    "account id",
    { cloudflare: { ...exampleConfig.host.cloudflare, accountId: "abc" } },
    /cloudflare.accountId: "abc" is not allowed; allowed: 32 lower-case hex characters/,
  ],
  ["zone id", { cloudflare: { ...exampleConfig.host.cloudflare, zoneId: "ZONE" } }, /cloudflare.zoneId: "ZONE" is not allowed/],
  ["no owners", { owners: [] }, /owners: \[\] is not allowed; allowed: at least one email/],
  ["bad owner", { owners: ["owner"] }, /owners\[0\]: "owner" is not allowed; allowed: an email address/],
  ["time zone", { timezone: "not a zone" }, /timezone: "not a zone" is not allowed; allowed: a tz database zone a Debian host has/],
  [
    "time zone that does not exist",
    { timezone: "Europe/Berln" },
    /timezone: "Europe\/Berln" is not allowed; allowed: a tz database zone a Debian host has/,
  ],
  [
    "config dirs inside the data tree",
    { configRoot: "/data/config" },
    /configRoot: "\/data\/config" is not allowed; allowed: a directory outside dataRoot \(\/data\): the trees must not nest/,
  ],
  [
    "checkout inside the config root",
    { machine: { ...exampleConfig.host.machine, checkoutDir: "/opt/servarr/config/repo" } },
    /machine\.checkoutDir: "\/opt\/servarr\/config\/repo" is not allowed; allowed: a directory outside configRoot/,
  ],
  [
    "checkout holding the deploy gate's directory",
    { machine: { ...exampleConfig.host.machine, checkoutDir: "/usr/local" } },
    /machine\.checkoutDir: "\/usr\/local" is not allowed; allowed: a directory that neither holds nor lies in \/usr\/local\/lib\/servarr/,
  ],
  [
    "checkout inside the deploy gate's directory",
    { machine: { ...exampleConfig.host.machine, checkoutDir: "/usr/local/lib/servarr/repo" } },
    /machine\.checkoutDir: "\/usr\/local\/lib\/servarr\/repo" is not allowed; allowed: a directory that neither holds/,
  ],
  ["gid", { gid: 100 }, /gid: 100 is not allowed; allowed: an integer from 1000 to 60000/],
  ["config root", { configRoot: "relative/dir" }, /configRoot: "relative\/dir" is not allowed; allowed: an absolute path/],
  ["data root with ..", { dataRoot: "/data/../etc" }, /dataRoot: "\/data\/..\/etc" is not allowed/],
  ["umask", { umask: "999" }, /umask: "999" is not allowed; allowed: an octal umask/],
  ["LAN address", { lanAddress: "my-box" }, /lanAddress: "my-box" is not allowed; allowed: an IPv4 address/],
];

describe("validation: each bad config stops synth with path, field, value and what is allowed", () => {
  it.each(appRules)("app rule: %s", (_, config, message) => expect(() => synth(config)).toThrow(message));
  it.each(hostRules)("host rule: %s", (_, config, message) => expect(() => synth(config)).toThrow(message));
  it.each(hostPropRules)("host setting: %s", (_, host, message) => expect(() => synth(withHost(host))).toThrow(message));

  it("reports every problem of an app at once", () => {
    expect(() => synth(withApp("jellyfin", { port: 0, uid: 1 }))).toThrow(/port: 0 [^\n]*\n[^\n]*uid: 1 /);
  });

  it("refuses the project name of the scripts' directory (compose/scripts/ holds the host scripts' sources, beside the bundles)", () => {
    expect(() => synth({ ...exampleConfig, name: "scripts" })).toThrow(
      /name: "scripts" is not allowed; allowed: a name other than "scripts", "render", "wire" \(compose\/scripts\/ holds the host scripts' sources\)/,
    );
  });

  it("refuses the project name of the renderer's directory (compose/render/ holds the bundle renderer's sources)", () => {
    expect(() => synth({ ...exampleConfig, name: "render" })).toThrow(
      /name: "render" is not allowed; allowed: a name other than "scripts", "render", "wire" \(compose\/render\/ holds the bundle renderer's sources\)/,
    );
  });

  it("refuses the name constructor (the construct tree keeps children in a plain object, where Object.prototype has it)", () => {
    expect(() => synth({ ...exampleConfig, name: "constructor" })).toThrow(
      /name: "constructor" is not allowed; allowed: .*other than "constructor"/,
    );
    expect(() => synth(withApp("constructor", {}))).toThrow(/name: "constructor" is not allowed; allowed: .*other than "constructor"/);
  });

  it("accepts the example config", () => {
    expect(() => synth()).not.toThrow();
  });
});
