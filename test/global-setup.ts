import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/**
 * cdktf's Testing helpers make a temp directory per synth and never remove it; point every
 * test worker's TMPDIR at one directory and remove it when the run ends.
 */
export default function setup(): () => void {
  const dir = mkdtempSync(path.join(tmpdir(), "servarr-test-"));
  process.env.TMPDIR = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
