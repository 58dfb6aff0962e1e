import type { Problem } from "../config/problems";
import type { ServarrAppProps } from "../model/app-props";
import { DYNAMIC_PORT } from "../model/roles";

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

/**
 * The providers gluetun forwards a port for (VPN_PORT_FORWARDING=on): qdm12/gluetun
 * internal/configuration/settings/portforward.go, `(PortForwarding).Validate`, validProviders (read
 * at v3.41.1, the release the pinned v3.41.3 is cut from). Each assigns the port and may move it:
 * protonvpn's NAT-PMP mapping is refreshed every 45 s and restarted on a new port when it changed
 * (internal/provider/protonvpn/portforward.go, KeepPortForward); every reconnect asks anew.
 */
export const GLUETUN_PORT_FORWARDING_PROVIDERS = ["perfect privacy", "private internet access", "privatevpn", "protonvpn"] as const;

const isGluetunGateway = (props: ServarrAppProps) => props.role?.kind === "vpn-gateway" && /(^|\/)gluetun:/.test(props.image);

/**
 * `forwardedPort: "dynamic"` needs gluetun (its hook sets the listening port) and a provider it
 * forwards ports for with the preset's VPN type: over WireGuard that is protonvpn alone (Private
 * Internet Access, Perfect Privacy and PrivateVPN are OpenVPN-only in gluetun).
 */
export function portForwardingProblem(props: ServarrAppProps): Problem | undefined {
  if (props.role?.kind !== "vpn-gateway" || props.role.forwardedPort !== DYNAMIC_PORT) return undefined;
  const field = "role.forwardedPort";
  if (!isGluetunGateway(props))
    return {
      field,
      value: DYNAMIC_PORT,
      allowed: "a fixed port: a port that moves is followed by gluetun's port-forwarding hook (catalog.gluetun)",
    };
  const env = props.environment ?? {};
  const provider = (env.VPN_PORT_FORWARDING_PROVIDER || env.VPN_SERVICE_PROVIDER || "").toLowerCase();
  const wireguard = (env.VPN_TYPE ?? "openvpn").toLowerCase() === "wireguard";
  const allowed = GLUETUN_PORT_FORWARDING_PROVIDERS.filter(
    (p) => !wireguard || (GLUETUN_WIREGUARD_PROVIDERS as readonly string[]).includes(p),
  );
  if ((allowed as readonly string[]).includes(provider)) return undefined;
  return {
    field,
    value: DYNAMIC_PORT,
    allowed: `a fixed port with provider "${provider}" (gluetun forwards no port for it${wireguard ? " over WireGuard" : ""}); "${DYNAMIC_PORT}" with a provider gluetun forwards ports for${
      wireguard ? " over WireGuard" : ""
    }: ${allowed.join(", ")}`,
  };
}

/** The gluetun image's provider, checked against what that image accepts for its VPN type. */
export function vpnProviderProblem(props: ServarrAppProps): Problem | undefined {
  if (!isGluetunGateway(props)) return undefined;
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
