import type { Problem } from "../config/problems";
import type { ServarrAppProps } from "../model/app-props";

/**
 * The VPN_SERVICE_PROVIDER values gluetun accepts with VPN_TYPE=wireguard, which the gluetun
 * preset sets: qdm12/gluetun internal/configuration/settings/provider.go, `(*Provider).validate`,
 * the Wireguard branch (read at v3.41.1 and on the v3.41 release branch, 7f22fb32, which the pinned
 * v3.41.3 is cut from; the names are internal/constants/providers/providers.go). gluetun lower-cases
 * the value before comparing (readVPNServiceProvider) and refuses any other name at start. "custom"
 * also needs the server's endpoint and public key in the preset's `environment`.
 */
export const GLUETUN_WIREGUARD_PROVIDERS = [
  "airvpn",
  "custom",
  "fastestvpn",
  "ivpn",
  "mullvad",
  "nordvpn",
  "protonvpn",
  "surfshark",
  "windscribe",
] as const;

/** The gluetun image's provider, checked against what that image accepts for its VPN type. */
export function vpnProviderProblem(props: ServarrAppProps): Problem | undefined {
  if (props.role?.kind !== "vpn-gateway" || !/(^|\/)gluetun:/.test(props.image)) return undefined;
  const env = props.environment ?? {};
  const provider = env.VPN_SERVICE_PROVIDER;
  if ((env.VPN_TYPE ?? "openvpn").toLowerCase() !== "wireguard" || provider === undefined) return undefined;
  return (GLUETUN_WIREGUARD_PROVIDERS as readonly string[]).includes(provider.toLowerCase())
    ? undefined
    : {
        field: "environment.VPN_SERVICE_PROVIDER",
        value: provider,
        allowed: `a provider gluetun supports over WireGuard: ${GLUETUN_WIREGUARD_PROVIDERS.join(", ")}`,
      };
}
