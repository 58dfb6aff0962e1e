import { cidrProblem, inCidr, type MachineProps } from "../config/machine";
import type { Problem } from "../config/problems";

/**
 * The LAN facts that are well-formed but wrong: a LAN that is not a private network (sshFrom
 * "lan" and the firewall's LAN rules would then admit a slice of the internet), and a host
 * address that is the network's own or its broadcast address (no machine can have either).
 */
const PRIVATE = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"];

export function lanProblems(machine: MachineProps | undefined, lanAddress: string | undefined): Problem[] {
  if (machine === undefined || cidrProblem("machine.lanCidr", machine.lanCidr) !== undefined) return [];
  const [net = "", bits = "32"] = machine.lanCidr.split("/");
  const problems: Problem[] = [];
  if (!PRIVATE.some((p) => inCidr(net, p) && Number(bits) >= Number(p.split("/")[1])))
    problems.push({
      field: "machine.lanCidr",
      value: machine.lanCidr,
      allowed: `a private network inside ${PRIVATE.join(", ")} (RFC 1918, or a carrier-grade NAT's RFC 6598 range): SSH and the firewall admit it`,
    });
  if (
    lanAddress !== undefined &&
    /^(\d{1,3})(\.\d{1,3}){3}$/.test(lanAddress) &&
    Number(bits) <= 30 &&
    inCidr(lanAddress, machine.lanCidr)
  ) {
    const last = lanAddress.split(".").reduce((n, o) => n * 256 + Number(o), 0) % 2 ** (32 - Number(bits));
    if (last === 0 || last === 2 ** (32 - Number(bits)) - 1)
      problems.push({
        field: "lanAddress",
        value: lanAddress,
        allowed: `a host address of ${machine.lanCidr}, not its network or broadcast address`,
      });
  }
  return problems;
}
