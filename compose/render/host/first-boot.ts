import { bundleDirOnHost, gateDirOnHost } from "../../../constructs/config/layout";
import type { HostModel } from "../../../constructs/model/host-model";
import { bundledScript, renderAssignment } from "../shell";

/**
 * first-boot.sh (compose/scripts/first-boot.sh): fresh box → deployable. It is the one script run alone
 * (copied over before any checkout exists), so its values are written into it, below the
 * marker, instead of being read from bundle.env.
 */
export function renderFirstBoot(host: HostModel): string {
  const m = host.machine;
  const data = [
    { name: "repository", value: m.repository },
    { name: "branch", value: m.branch },
    { name: "checkout", value: m.checkoutDir },
    { name: "bundle", value: bundleDirOnHost(host) },
    { name: "gate_dir", value: gateDirOnHost(host) },
  ].map(renderAssignment);
  data.unshift("# The model's values (servarr.config.ts): this script runs alone, before a checkout with bundle.env exists.");
  return bundledScript("first-boot.sh", data);
}
