import { BotManagement } from "@cdktf/provider-cloudflare/lib/bot-management";
import { Ruleset } from "@cdktf/provider-cloudflare/lib/ruleset";
import { ZoneDnssec } from "@cdktf/provider-cloudflare/lib/zone-dnssec";
import { ZoneSetting } from "@cdktf/provider-cloudflare/lib/zone-setting";
import { Lazy, TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { adopt } from "../terraform/adopt";

export interface ZoneHardeningProps {
  readonly zoneId: string;
  /**
   * Turn on Bot Fight Mode. It cannot be skipped for anything (no WAF skip rule, no service
   * token), so uptime monitors, CI and media-player apps may be challenged.
   * @default false
   */
  readonly botFightMode?: boolean;
  /**
   * The id of the zone's `http_request_cache_settings` entry-point ruleset when it exists
   * already (cache rules made in the dashboard): a zone has one per phase, so creating ours
   * would collide; it is adopted instead, and its rules become servarr's (`npm run setup --
   * ready bootstrap` finds it and prints the id).
   * @default none: the entry point does not exist yet and is created
   */
  readonly existingCacheRuleset?: string;
}

/** The output holding the DS record the owner publishes at the registrar. */
export const DNSSEC_DS_OUTPUT = "dnssec_ds_record";

/** What zone_dnssec's Read rewrites from the API and Terraform must not compare after creation. */
export const DNSSEC_READ_OVERWRITES = ["status", "dnssec_multi_signer", "dnssec_presigned", "dnssec_use_nsec3"] as const;

/** Zone settings servarr enforces, one `ZoneSetting` each (id → value). */
export const ZONE_SETTINGS: Readonly<Record<string, string>> = {
  always_use_https: "on",
  min_tls_version: "1.2",
  tls_1_3: "on",
  // The tunnel terminates at Cloudflare with a valid certificate: strict costs nothing.
  ssl: "strict",
};

/**
 * Zone-wide hardening: DNSSEC, HTTPS only with TLS 1.2+, strict origin TLS, optional Bot
 * Fight Mode, and a cache bypass for hostnames that stream media (video must not be cached
 * by the CDN). The bypass ruleset exists only once a hostname asks for it.
 */
export class ZoneHardening extends Construct {
  private readonly props: ZoneHardeningProps;
  private readonly bypassed: string[] = [];
  readonly dnssec: ZoneDnssec;

  constructor(scope: Construct, id: string, props: ZoneHardeningProps) {
    super(scope, id);
    this.props = props;
    // The API reports "pending" until the DS record is published at the registrar (and
    // "active" after); the provider stores what it reads, so comparing `status` would plan
    // "pending → active" on every run until then. Terraform turns DNSSEC on at creation and
    // then leaves the status to the registrar step (the DS record is an output and the synth
    // summary says where to put it).
    // The three optional flags are plain Optional (not computed) yet Read unmarshals the whole
    // API object over them (cloudflare/terraform-provider-cloudflare@v5.14.0:
    // internal/services/zone_dnssec/resource.go ~177, model.go ~18-20): left unset, the second
    // plan shows "false -> null" (the provider's own test of a status-only config expects a
    // non-empty plan, resource_test.go ~69, ~106). Set to what an ordinary zone has, and not
    // compared after creation, like the status.
    this.dnssec = new ZoneDnssec(this, "dnssec", {
      zoneId: props.zoneId,
      status: "active",
      dnssecMultiSigner: false,
      dnssecPresigned: false,
      dnssecUseNsec3: false,
      lifecycle: { ignoreChanges: [...DNSSEC_READ_OVERWRITES] },
    });
    new TerraformOutput(this, "dnssec-ds", {
      value: this.dnssec.ds,
      description: "DS record to add at the domain's registrar (unless Cloudflare is the registrar): DNSSEC stays pending until then",
    }).overrideLogicalId(DNSSEC_DS_OUTPUT);
    for (const [settingId, value] of Object.entries(ZONE_SETTINGS)) {
      // The provider types `value` as an object, but the API takes each setting's own type.
      new ZoneSetting(this, settingId, { zoneId: props.zoneId, settingId, value: value as unknown as Record<string, string> });
    }
    if (props.botFightMode) new BotManagement(this, "bots", { zoneId: props.zoneId, fightMode: true });
  }

  /** Hostnames whose responses the CDN never caches, sorted. */
  get cacheBypassHostnames(): readonly string[] {
    return [...this.bypassed].sort();
  }

  /** Never cache responses on `hostname` (e.g. Plex: streaming video through the CDN's cache). */
  bypassCache(hostname: string): void {
    if (this.bypassed.length === 0) {
      const ruleset = new Ruleset(this, "cache-bypass", {
        zoneId: this.props.zoneId,
        name: "servarr cache bypass",
        description: "Media streams are never cached by the CDN",
        kind: "zone",
        phase: "http_request_cache_settings",
        rules: Lazy.anyValue({
          produce: () => [
            {
              action: "set_cache_settings",
              action_parameters: { cache: false },
              expression: `(http.host in {${this.cacheBypassHostnames.map((h) => JSON.stringify(h)).join(" ")}})`,
              description: "Bypass the cache for media streaming hostnames",
              enabled: true,
            },
          ],
        }),
      });
      // Import id <{accounts|zones}/{id}>/<ruleset_id> (cloudflare/terraform-provider-cloudflare@v5.14.0:
      // internal/services/ruleset/resource.go, ImportState).
      const existing = this.props.existingCacheRuleset;
      if (existing !== undefined) adopt(ruleset, `zones/${this.props.zoneId}/${existing}`);
    }
    if (!this.bypassed.includes(hostname)) this.bypassed.push(hostname);
  }
}
