import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { IMAGES, SUPPORT_IMAGES, TAG_ONLY_IMAGES } from "../../constructs/model/images";

const root = path.resolve(__dirname, "../..");

describe("renovate.json", () => {
  const config = JSON.parse(readFileSync(path.join(root, "renovate.json"), "utf8"));
  const manager = config.customManagers[0];

  it("its regex manager finds every pinned image in constructs/model/images.ts, with tag and digest", () => {
    const source = readFileSync(path.join(root, "constructs/model/images.ts"), "utf8");
    const found = [...source.matchAll(new RegExp(manager.matchStrings[0], "g"))].map((m) => {
      const g = m.groups ?? {};
      return `${g.depName}:${g.currentValue}${g.currentDigest ? `@${g.currentDigest}` : ""}`;
    });
    expect(found.sort()).toEqual([...Object.values(IMAGES), ...Object.values(SUPPORT_IMAGES)].sort());
    expect(manager.managerFilePatterns).toEqual(["/^constructs/model/images\\.ts$/", "/^servarr\\.config\\.ts$/"]);
  });

  it("its LinuxServer versioning parses every LinuxServer tag in the catalog", () => {
    const rule = config.packageRules.find((r: { matchPackageNames?: string[] }) => r.matchPackageNames?.includes("lscr.io/linuxserver/**"));
    const versioning = new RegExp((rule.versioning as string).replace(/^regex:/, ""));
    const tags = Object.values(IMAGES)
      .filter((i) => i.startsWith("lscr.io/"))
      .map((i) => i.split("@")[0]?.split(":")[1] as string);
    expect(tags.length).toBeGreaterThan(5);
    for (const tag of tags) expect(tag).toMatch(versioning);
  });

  it("pins every image by digest but the few named, each with why", () => {
    const tagOnly = Object.entries({ ...IMAGES, ...SUPPORT_IMAGES }).filter(([, image]) => !/@sha256:[a-f0-9]{64}$/.test(image));
    expect(tagOnly.map(([name]) => name).sort()).toEqual(Object.keys(TAG_ONLY_IMAGES).sort());
    for (const reason of Object.values(TAG_ONLY_IMAGES)) expect(reason?.length ?? 0).toBeGreaterThan(40);
  });

  it("describes every rule", () => {
    for (const rule of [...config.customManagers, ...config.packageRules]) expect(rule.description?.length ?? 0).toBeGreaterThan(30);
  });
});
