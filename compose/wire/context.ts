/** What a relation's converger gets from the run (./run.ts): the apps, their keys, the state, the report. */
import type { WiredApp } from "./plan.ts";
import type { State } from "./state.ts";

export type Sign = "+" | "~" | "=" | "…";

export interface Context {
  readonly dryRun: boolean;
  readonly state: State;
  app(name: string): WiredApp;
  /** The key of an app, read from its secret file. */
  key(name: string): string;
  /** A host secret the plan names (the notification URL), read from its secret file. */
  secret(name: string): string;
  report(sign: Sign, line: string): void;
  /** The changed fields servarr still manages: those the user took over (leaveAlone) dropped. */
  managed(app: string, kind: string, changed: readonly string[]): string[];
}
