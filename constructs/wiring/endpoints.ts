import type { Endpoint } from "../../compose/wire/plan";
import type { AppModel } from "../model/host-model";

/** True when both apps live in the same VPN gateway's namespace, where they reach each other on localhost. */
function sameNamespace(a: AppModel, b: AppModel): boolean {
  return a.vpn && b.vpn;
}

/** `target`'s address as `caller` opens it: localhost inside a shared VPN namespace, else its origin (gluetun:<port> for a VPN app). */
export function endpointFrom(caller: AppModel, target: AppModel): Endpoint {
  const port = target.port as number;
  if (sameNamespace(caller, target)) return { app: target.name, host: "localhost", port };
  const url = new URL(target.originUrl);
  return { app: target.name, host: url.hostname, port };
}
