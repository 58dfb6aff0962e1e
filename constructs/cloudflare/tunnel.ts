import { DataCloudflareZeroTrustTunnelCloudflaredToken } from "@cdktf/provider-cloudflare/lib/data-cloudflare-zero-trust-tunnel-cloudflared-token";
import { DnsRecord } from "@cdktf/provider-cloudflare/lib/dns-record";
import { ZeroTrustTunnelCloudflared } from "@cdktf/provider-cloudflare/lib/zero-trust-tunnel-cloudflared";
import { ZeroTrustTunnelCloudflaredConfigA } from "@cdktf/provider-cloudflare/lib/zero-trust-tunnel-cloudflared-config";
import { Bytes } from "@cdktf/provider-random/lib/bytes";
import { Lazy } from "cdktf";
import { Construct } from "constructs";

export interface TunnelProps {
  readonly accountId: string;
  readonly zoneId: string;
  /** Tunnel name shown in the Cloudflare dashboard. */
  readonly name: string;
}

export interface IngressRule {
  readonly hostname: string;
  /** Regular expression on the request path; unset = every path. */
  readonly path?: string;
  /** Origin URL, resolved late so that facts declared after the route (e.g. the VPN gateway) count. */
  readonly service: () => string;
  /** Construct path of whoever declared the route, for error messages. */
  readonly owner: string;
}

/** The rule every cloudflared ingress list must end with. */
export const CATCH_ALL_SERVICE = "http_status:404";

/**
 * A remotely managed Cloudflare Tunnel: outbound-only, its secret from the random provider,
 * ONE config whose ingress list is assembled from every `route()` call and always ends with
 * the 404 catch-all.
 */
export class Tunnel extends Construct {
  readonly resource: ZeroTrustTunnelCloudflared;
  /** The connector token cloudflared runs with (sensitive). */
  readonly token: string;
  private readonly rules: IngressRule[] = [];
  private readonly hostnames = new Set<string>();
  private readonly props: TunnelProps;

  constructor(scope: Construct, id: string, props: TunnelProps) {
    super(scope, id);
    this.props = props;
    // cloudflared requires at least 32 random bytes, base64-encoded.
    const secret = new Bytes(this, "secret", { length: 32 });
    this.resource = new ZeroTrustTunnelCloudflared(this, "tunnel", {
      accountId: props.accountId,
      name: props.name,
      configSrc: "cloudflare",
      tunnelSecret: secret.base64,
    });
    this.token = new DataCloudflareZeroTrustTunnelCloudflaredToken(this, "token", {
      accountId: props.accountId,
      tunnelId: this.resource.id,
    }).token;
    new ZeroTrustTunnelCloudflaredConfigA(this, "config", {
      accountId: props.accountId,
      tunnelId: this.resource.id,
      // Keys are written in Terraform's snake_case: a Lazy value bypasses the provider's mappers.
      config: { ingress: Lazy.anyValue({ produce: () => this.ingress() }) },
    });
  }

  /** The Cloudflare account the tunnel lives in (its connector token names it; the deploy gate checks that). */
  get accountId(): string {
    return this.props.accountId;
  }

  /** The CNAME target of every hostname routed through this tunnel. */
  get cnameTarget(): string {
    return `${this.resource.id}.cfargotunnel.com`;
  }

  get ingressRules(): readonly IngressRule[] {
    return this.rules;
  }

  /**
   * Routes a hostname to an origin: one ingress rule plus, for the first rule on that hostname,
   * one proxied CNAME to the tunnel, created in `scope` (its Terraform address follows the
   * owner, not a position in a list).
   */
  route(scope: Construct, rule: IngressRule): DnsRecord | undefined {
    this.rules.push(rule);
    if (this.hostnames.has(rule.hostname)) return undefined;
    this.hostnames.add(rule.hostname);
    return new DnsRecord(scope, `dns-${rule.hostname.split(".")[0]}`, {
      zoneId: this.props.zoneId,
      name: rule.hostname,
      type: "CNAME",
      content: this.cnameTarget,
      proxied: true,
      ttl: 1,
      comment: `servarr: ${scope.node.path}`,
    });
  }

  /** Stable order: by hostname, path-restricted rules before the catch-all of their hostname. */
  private ingress(): Array<Record<string, string>> {
    const sorted = [...this.rules].sort(
      (a, b) => a.hostname.localeCompare(b.hostname) || Number(b.path !== undefined) - Number(a.path !== undefined),
    );
    return [
      ...sorted.map((r) => ({ hostname: r.hostname, ...(r.path ? { path: r.path } : {}), service: r.service() })),
      { service: CATCH_ALL_SERVICE },
    ];
  }
}
