import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { IMAGES } from "../../constructs/model/images";

const WIRE = path.join(__dirname, "..", "..", "compose", "wire");
const readme = readFileSync(path.join(WIRE, "specs", "README.md"), "utf8");
/** The README's table: file | repository | path | tag (commit) | the image tag it stands for. */
const rows = readme
  .split("\n")
  .filter((l) => /^\| \w+\.(json|yml) \|/.test(l))
  .map((l) => l.split("|").map((c) => c.trim()))
  .map(([, file, repo, source, tag, image]) => ({ file: file as string, repo, source, tag, image: image as string }));

describe("vendored specs (compose/wire/specs/) stay tied to the pinned images", () => {
  it("every spec the wire job types against is listed with its repository, path and tag", () => {
    expect(rows.map((r) => r.file).sort()).toEqual(["lidarr.json", "prowlarr.json", "radarr.json", "seerr.yml", "sonarr.json"]);
    for (const r of rows) expect(r.repo && r.source && r.tag).toBeTruthy();
  });

  it.each(rows)("$file stands for the image tag constructs/images.ts pins (a bump re-vendors the spec)", (r) => {
    const app = r.file.replace(/\.(json|yml)$/, "") as keyof typeof IMAGES;
    const tag = /:([^@]+)/.exec(IMAGES[app])?.[1];
    expect(
      tag,
      `IMAGES.${app} was bumped: vendor ${r.repo} ${r.source} at the new tag, regenerate compose/wire/api/${app}.ts, update compose/wire/specs/README.md`,
    ).toBe(r.image);
  });

  // The one spec whose tag is of another major version than the image (the README says why).
  const MAJOR_GAPS = new Set(["lidarr.json"]);
  const major = (tag: string) => /(\d+)\./.exec(tag)?.[1];
  it.each(rows)("$file is of the image's major version, or the README names the gap", (r) => {
    if (MAJOR_GAPS.has(r.file)) {
      expect(major(r.tag ?? "")).not.toBe(major(r.image));
      expect(readme).toContain(`${r.file} is Lidarr 2's API standing for image ${r.image}`);
    } else expect(major(r.tag ?? "")).toBe(major(r.image));
  });

  it.each(rows)("wire/api/ types of $file were generated from this very file", (r) => {
    const app = r.file.replace(/\.(json|yml)$/, "");
    const sha = createHash("sha256")
      .update(readFileSync(path.join(WIRE, "specs", r.file)))
      .digest("hex")
      .slice(0, 16);
    const header = readFileSync(path.join(WIRE, "api", `${app}.ts`), "utf8").split("\n", 1)[0];
    expect(header).toContain(`from compose/wire/specs/${r.file}`.replace(r.file, `${app}.*`));
    expect(header).toContain(`sha256 ${sha}`);
  });
});
