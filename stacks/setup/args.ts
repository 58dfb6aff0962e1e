import { isIP } from "node:net";
import { parseArgs } from "node:util";

/**
 * The setup command's argument grammar, per step: every option it takes and how many
 * positionals; anything else is refused with one line saying what was wrong (exit 2).
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

type OptionKind = "string" | "boolean";
interface StepGrammar {
  readonly options: Readonly<Record<string, OptionKind>>;
  readonly positionals: readonly string[];
  /** What a string option's value is, for the "needs a value" message. */
  readonly values?: Readonly<Record<string, string>>;
}

export const STEPS: Readonly<Record<string, StepGrammar>> = {
  help: { options: {}, positionals: [] },
  init: {
    options: { from: "string", force: "boolean" },
    positionals: [],
    values: { from: "an example file, e.g. examples/two-hosts.config.ts" },
  },
  "deploy-key": { options: { dir: "string" }, positionals: [], values: { dir: "a directory" } },
  "known-hosts": {
    options: { port: "string", host: "string" },
    positionals: ["address"],
    values: { port: "a TCP port", host: "a host of the config" },
  },
  check: { options: {}, positionals: [] },
  ready: { options: {}, positionals: ["bootstrap|first-apply"] },
  env: {
    options: { outputs: "string", out: "string", host: "string" },
    positionals: [],
    values: { outputs: "a file (terraform output -json)", out: "a file to write", host: "a host of the config" },
  },
};

export interface ParsedStep {
  readonly step: string;
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
  readonly positionals: readonly string[];
}

/** The step and its arguments, or a UsageError naming the step, the argument and what it takes. */
export function parseStep(args: readonly string[]): ParsedStep {
  const [step, ...rest] = args;
  if (step === undefined || step === "") throw new UsageError(`no step given; one of ${Object.keys(STEPS).join(", ")}`);
  const grammar = STEPS[step];
  if (!grammar) throw new UsageError(`unknown step "${step}"; one of ${Object.keys(STEPS).join(", ")}`);
  const takes = () => {
    const names = Object.keys(grammar.options).map((o) => `--${o}`);
    return names.length > 0 ? `${step} takes ${names.join(", ")}` : `${step} takes no option`;
  };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...rest],
      options: Object.fromEntries(Object.entries(grammar.options).map(([name, type]) => [name, { type }])),
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    const code = (error as { code?: string }).code;
    const message = error instanceof Error ? error.message : String(error);
    const option = /'(-[^' ]+)/.exec(message)?.[1] ?? "";
    const name = option.replace(/^-+/, "");
    if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") throw new UsageError(`${step}: unknown option ${option}; ${takes()}`);
    if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" && grammar.options[name] === "string")
      throw new UsageError(`${step}: ${option} needs a value (${option} <${grammar.values?.[name] ?? "value"}>)`);
    if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") throw new UsageError(`${step}: ${option} takes no value`);
    throw new UsageError(`${step}: ${message.split("\n")[0]}`);
  }
  const extra = parsed.positionals.slice(grammar.positionals.length);
  if (extra.length > 0)
    throw new UsageError(
      `${step}: unexpected argument "${extra[0]}"; ${grammar.positionals.length > 0 ? `${step} takes <${grammar.positionals.join("> <")}>` : `${step} takes no argument`}, and ${takes()}`,
    );
  for (const [name, value] of Object.entries(parsed.values))
    if (value === "") throw new UsageError(`${step}: --${name} needs a value, not an empty string`);
  return { step, values: parsed.values as ParsedStep["values"], positionals: parsed.positionals };
}

/** A TCP port given on the command line. */
export function portArgument(step: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const port = /^\d{1,5}$/.test(value) ? Number(value) : Number.NaN;
  if (!(port >= 1 && port <= 65535)) throw new UsageError(`${step}: --port ${value}: a TCP port from 1 to 65535`);
  return port;
}

const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** A host's address: an IP address or a host name (never something ssh-keyscan would read as an option). */
export function addressArgument(step: string, value: string | undefined, example: string): string {
  if (value === undefined) throw new UsageError(`${step}: the host's address is missing (npm run setup -- ${step} ${example})`);
  if (isIP(value) === 0 && !HOSTNAME.test(value))
    throw new UsageError(`${step}: "${value}" is not an IP address or host name (npm run setup -- ${step} ${example})`);
  return value;
}

/** The steps that first check that the steps before them happened (./order.ts), and `ready`, which only does that. */
export const ORDERED_STEPS: ReadonlySet<string> = new Set(["known-hosts", "check", "env", "ready"]);
