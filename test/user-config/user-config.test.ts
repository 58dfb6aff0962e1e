import { readFileSync } from "node:fs";
import path from "node:path";
import { config } from "../../servarr.config";
import { describeUserConfig } from "./checks";

const root = path.resolve(__dirname, "../..");

// The only test file that reads servarr.config.ts: whatever it holds, these checks must pass
// once `npm run synth` ran and the result was committed.
describeUserConfig("servarr.config.ts", () => ({
  config,
  root,
  configSource: readFileSync(path.join(root, "servarr.config.ts"), "utf8"),
}));
