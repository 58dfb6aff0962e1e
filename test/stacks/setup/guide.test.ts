import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { GUIDE, GUIDE_STEPS, step } from "../../../stacks/setup/guide";

describe("the setup command's step numbers are docs/setup.md's", () => {
  const page = readFileSync(path.resolve(__dirname, "../../..", GUIDE), "utf8");
  const headings = [...page.matchAll(/^## (\d+)\. (.+)$/gm)].map((m) => ({ n: Number(m[1]), title: m[2] }));

  it("every numbered heading of the page, in order, is the table's (number and title)", () => {
    expect(headings).toEqual(Object.values(GUIDE_STEPS).map(({ n, title }) => ({ n, title })));
  });

  it("the page's own cross-references name steps that exist", () => {
    const refs = [...page.matchAll(/\bstep (\d+)(?:\.\d+)?\b/g)].map((m) => Number(m[1]));
    expect(refs.length).toBeGreaterThan(0);
    for (const n of refs) expect(headings.map((h) => h.n)).toContain(n);
  });

  it("messages say the number the page gives", () => {
    expect(step("bootstrap")).toBe(`step ${headings.find((h) => h.title === "Bootstrap, locally")?.n}`);
  });
});
