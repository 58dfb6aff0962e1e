import { ENV_VALUE_OK_BASH, ENV_VALUE_RULE } from "../compose/render/host/deploy-gate";
import { DEPLOY_ENVIRONMENT, type RepositoryFacts, TF_API_TOKEN_SECRET } from "../constructs/config/repository";
import type { Delivery } from "../constructs/github/delivery";
import { CI_ACCESS_SECRETS } from "../constructs/github/deploy-secrets";
import { ACTIONS, RUNNER, uses } from "./actions";
import { checkout, downloadStacks, driftCheck, installDependencies, synth, uploadStacks } from "./common-steps";
import type { CloudStack } from "./stacks";
import { expr, type Job, type Step, script, type Workflow } from "./workflow-spec";

/**
 * Merge to main: apply every cloud stack in Terraform Cloud, then deploy each host over SSH
 * through its tunnel. One run at a time and never cancelled halfway (a cancelled deploy could
 * stop between `up` and the rollback).
 */
export function deployWorkflow(stacks: readonly CloudStack[], deliveries: readonly Delivery[], repository: RepositoryFacts): Workflow {
  const jobs: Record<string, Job> = { synth: synthJob(), apply: applyJob(stacks) };
  for (const d of deliveries) jobs[deployJobId(d.host.name)] = deployJob(d);
  return {
    name: "deploy",
    on: { push: { branches: [repository.branch] } },
    permissions: {},
    concurrency: { group: `deploy-${DEPLOY_ENVIRONMENT}`, "cancel-in-progress": false },
    jobs,
  };
}

/** The deploy job of a host in deploy.yml (the change-path diagram draws it to that host's gate). */
export function deployJobId(hostName: string): string {
  return `deploy_${hostName.replace(/-/g, "_")}`;
}

/** The branch's code runs here, without secrets; the apply job takes its output. */
function synthJob(): Job {
  return {
    name: "synthesize",
    "runs-on": RUNNER,
    permissions: { contents: "read" },
    "timeout-minutes": 20,
    steps: [checkout(), ...installDependencies(), synth(), driftCheck(), uploadStacks()],
  };
}

function applyJob(stacks: readonly CloudStack[]): Job {
  const steps: Step[] = [downloadStacks()];
  for (const s of stacks) {
    const auth = { organization: s.organization, token: expr(`secrets.${TF_API_TOKEN_SECRET}`) };
    steps.push(
      {
        name: `Upload ${s.name} configuration`,
        id: `upload_${s.key}`,
        uses: uses(ACTIONS.tfcUploadConfiguration),
        with: { ...auth, workspace: s.workspace, directory: s.directory },
      },
      {
        name: `Plan ${s.name}`,
        id: `run_${s.key}`,
        uses: uses(ACTIONS.tfcCreateRun),
        with: {
          ...auth,
          workspace: s.workspace,
          configuration_version: expr(`steps.upload_${s.key}.outputs.configuration_version_id`),
          message: `Apply ${expr("github.sha")} from GitHub Actions`,
        },
      },
      {
        // A plan without changes is not confirmable: nothing to apply.
        name: `Apply ${s.name}`,
        id: `apply_${s.key}`,
        if: `fromJSON(steps.run_${s.key}.outputs.payload).data.attributes.actions.IsConfirmable`,
        uses: uses(ACTIONS.tfcApplyRun),
        with: { ...auth, run: expr(`steps.run_${s.key}.outputs.run_id`), comment: `Apply ${expr("github.sha")} from GitHub Actions` },
      },
    );
  }
  steps.push({
    name: "Fail unless every stack is applied or unchanged",
    env: Object.fromEntries(
      stacks.flatMap((s) => [
        [`PLAN_STATUS_${s.key.toUpperCase()}`, expr(`steps.run_${s.key}.outputs.run_status`)],
        [`APPLY_STATUS_${s.key.toUpperCase()}`, expr(`steps.apply_${s.key}.outputs.run_status`)],
      ]),
    ),
    run: script(
      "failed=0",
      ...stacks.map(
        (s) =>
          `if [[ \${APPLY_STATUS_${s.key.toUpperCase()}:-} != applied && $PLAN_STATUS_${s.key.toUpperCase()} != planned_and_finished ]]; then echo "::error::${s.name}: plan '$PLAN_STATUS_${s.key.toUpperCase()}', apply '\${APPLY_STATUS_${s.key.toUpperCase()}:-skipped}'"; failed=1; fi`,
      ),
      'exit "$failed"',
    ),
  });
  return {
    name: "apply in Terraform Cloud",
    "runs-on": RUNNER,
    needs: ["synth"],
    environment: DEPLOY_ENVIRONMENT,
    // Reads nothing from the repository: the stacks come from the synth job's artifact.
    permissions: {},
    "timeout-minutes": 60,
    steps,
  };
}

/** Cloudflare's signed apt repository: apt checks the packages against its key. */
const INSTALL_CLOUDFLARED = script(
  "sudo install -d -m 0755 /usr/share/keyrings",
  "curl -fsSL https://pkg.cloudflare.com/cloudflare-main.gpg | sudo tee /usr/share/keyrings/cloudflare-main.gpg >/dev/null",
  "echo 'deb [signed-by=/usr/share/keyrings/cloudflare-main.gpg] https://pkg.cloudflare.com/cloudflared any main' | sudo tee /etc/apt/sources.list.d/cloudflared.list >/dev/null",
  "sudo apt-get update -qq",
  "sudo apt-get install -y -qq cloudflared",
  "cloudflared --version",
);

function deployJob(d: Delivery): Job {
  const secrets = d.host.secrets.for("host");
  const hostSecrets = secrets.map((s) => s.name);
  return {
    name: `deploy ${d.host.name} over SSH`,
    "runs-on": RUNNER,
    needs: ["apply"],
    environment: DEPLOY_ENVIRONMENT,
    // The host fetches the commit itself; this job reads nothing from the repository.
    permissions: {},
    "timeout-minutes": 30,
    steps: [
      { name: "Install cloudflared", run: INSTALL_CLOUDFLARED },
      {
        name: `Deploy ${expr("github.sha")} to ${d.sshHostname}`,
        env: {
          DEPLOY_COMMIT: expr("github.sha"),
          DEPLOY_SSH_PRIVATE_KEY: expr(`secrets.${d.sshPrivateKey.githubName}`),
          DEPLOY_SSH_KNOWN_HOSTS: expr(`secrets.${d.sshKnownHosts.githubName}`),
          // cloudflared reads the Access service token from these, never from its command line.
          TUNNEL_SERVICE_TOKEN_ID: expr(`secrets.${CI_ACCESS_SECRETS.clientId}`),
          TUNNEL_SERVICE_TOKEN_SECRET: expr(`secrets.${CI_ACCESS_SECRETS.clientSecret}`),
          // The host's .env names, each read from its GitHub secret (<HOST>_ prefixed but on the first host).
          ...Object.fromEntries(secrets.map((s) => [s.name, expr(`secrets.${s.githubName}`)])),
        },
        run: deployStepScript(d, hostSecrets),
      },
    ],
  };
}

/**
 * The SSH deploy: pinned host key (StrictHostKeyChecking=yes against the known_hosts secret),
 * cloudflared as ProxyCommand, the host's secrets streamed as .env on stdin (never on a
 * command line, never echoed). The only thing sent as the command is the commit: the deploy
 * user's forced command (deploy-gate.sh, through sudo) checks it is on the deployed branch,
 * checks it out, writes .env, runs setup.sh and deploy.sh.
 */
export function deployStepScript(d: Delivery, hostSecrets: readonly string[]): string {
  return script(
    '[[ $DEPLOY_COMMIT =~ ^[0-9a-f]{40}$ ]] || { echo "::error::DEPLOY_COMMIT is not a commit SHA"; exit 1; }',
    "umask 077",
    'ssh_dir=$(mktemp -d "${RUNNER_TEMP:-/tmp}/ssh.XXXXXX")',
    "trap 'rm -rf \"$ssh_dir\"' EXIT",
    'printf \'%s\\n\' "$DEPLOY_SSH_PRIVATE_KEY" >"$ssh_dir/key"',
    'printf \'%s\\n\' "$DEPLOY_SSH_KNOWN_HOSTS" >"$ssh_dir/known_hosts"',
    'cat >"$ssh_dir/config" <<CONFIG',
    `Host ${d.sshHostname}`,
    `  User ${d.sshUser}`,
    "  IdentityFile $ssh_dir/key",
    "  IdentitiesOnly yes",
    "  UserKnownHostsFile $ssh_dir/known_hosts",
    "  GlobalKnownHostsFile /dev/null",
    "  StrictHostKeyChecking yes",
    "  UpdateHostKeys no",
    "  BatchMode yes",
    "  ProxyCommand cloudflared access ssh --hostname %h",
    "CONFIG",
    "# The host's secrets as .env lines, in the one grammar the deploy gate accepts (NAME='value').",
    "export LC_ALL=C",
    ENV_VALUE_OK_BASH,
    "env_lines() {",
    "  local name value",
    `  for name in ${hostSecrets.join(" ")}; do`,
    "    value=${!name:-}",
    '    if ! env_value_ok "$value"; then',
    `      echo "::error::secret $name is not ${ENV_VALUE_RULE}" >&2`,
    "      return 1",
    "    fi",
    `    printf "%s='%s'\\n" "$name" "$value"`,
    "  done",
    "}",
    "env_lines >/dev/null",
    `ssh -F "$ssh_dir/config" ${d.sshHostname} "$DEPLOY_COMMIT" < <(env_lines)`,
  );
}
