# shellcheck shell=bash
# The generated files under test, the engine, the deploy user and the repository: sourced by test/delivery/deploy-e2e.sh (shares its variables and helpers).

# --- the generated files under test --------------------------------------------------------
npm run --silent synth >/dev/null
node - "$work" <<'EOF'
// Writes every `run:` script of the generated workflows, and the deploy step's script plus the
// names of the host secrets it sends, for the shell checks below.
const fs = require("node:fs");
const { parse } = require("yaml");
const out = process.argv[2];
let n = 0;
for (const file of ["pull-request", "deploy"]) {
  const workflow = parse(fs.readFileSync(`.github/workflows/${file}.yml`, "utf8"));
  for (const [jobName, job] of Object.entries(workflow.jobs))
    job.steps.forEach((step, i) => {
      if (!step.run) return;
      fs.writeFileSync(`${out}/run-${file}-${jobName}-${i}.sh`, `#!/usr/bin/env bash\n${step.run}`);
      n++;
      if (step.env && "DEPLOY_SSH_PRIVATE_KEY" in step.env) {
        fs.writeFileSync(`${out}/deploy-step.sh`, `#!/usr/bin/env bash\n${step.run}`);
        const names = Object.keys(step.env).filter((k) => !/^(DEPLOY_|TUNNEL_SERVICE_TOKEN_)/.test(k));
        fs.writeFileSync(`${out}/host-secrets`, `${names.join("\n")}\n`);
      }
    });
}
fs.writeFileSync(`${out}/run-count`, String(n));
EOF
[[ -f $work/deploy-step.sh ]] || fail "no deploy step with DEPLOY_SSH_PRIVATE_KEY in .github/workflows/deploy.yml"
start=$SECONDS
shellcheck -x "$bundle/deploy.sh" "$bundle/deploy-gate.sh" "$work"/run-*.sh
pass "shellcheck deploy.sh, deploy-gate.sh + $(cat "$work/run-count") workflow run scripts" "$((SECONDS - start))s"
user=$(sed -n 's/^  User //p' "$work/deploy-step.sh")
[[ -n $user ]] || fail "no User in the deploy step's ssh config"
sshhost=$(sed -n 's/^Host //p' "$work/deploy-step.sh")
[[ -n $sshhost ]] || fail "no Host in the deploy step's ssh config"
# What the bundle's scripts read from bundle.env, as bash reads it.
from_bundle_env() { bash -c '. "$1"; printf "%s" "${!2}"' _ "$bundle/bundle.env" "$1"; }
branch=$(from_bundle_env branch)
[[ -n $branch ]] || fail "no branch in bundle.env"

# --- engine, stand-in image, deploy user ---------------------------------------------------
start=$SECONDS
eval "$(test/tools/start-dockerd.sh "$state")"
test/tools/make-standin-image.sh servarr-standin:e2e >/dev/null
userdel "$user" 2>/dev/null || true
# Password '*': no password login, but not "locked" (sshd without PAM refuses locked accounts).
useradd --home-dir "$work/home" --create-home --shell /bin/bash --password '*' "$user"
pass "engine, stand-in image, deploy user" "$((SECONDS - start))s"

# --- the repository: origin, one commit per scenario, the host's checkout ------------------
git init -q --bare "$work/origin.git"
git init -q "$work/seed"
git -C "$work/seed" remote add origin "$work/origin.git"
mkdir -p "$work/seed/$bundle"
repo=$work/repo
# The gate runs from outside the checkout, where setup.sh installs it: sudoers and sshd name it there.
checkout=$(from_bundle_env checkout)
gate_dir=$(from_bundle_env gate_dir)
[[ -n $gate_dir && $gate_dir != "$checkout"/* ]] || fail "bundle.env's gate_dir ($gate_dir) is not outside the checkout ($checkout)"
grep -qx "$user ALL=(root) NOPASSWD: $gate_dir/deploy-gate.sh" "$bundle/etc/sudoers.d/servarr-$user" || fail "the sudoers rule does not name the installed gate"
grep -qF "ForceCommand /usr/bin/sudo -n $gate_dir/deploy-gate.sh " "$bundle/etc/ssh/sshd_config.d/10-servarr.conf" || fail "sshd's ForceCommand does not run the installed gate"
gate=$work/lib/deploy-gate.sh
cp "$bundle/deploy.sh" "$bundle/notify.sh" "$work/seed/$bundle/"
# The scripts' data as generated, with this test's checkout and gate directory instead of the configured ones.
sed -e "s|'$checkout|'$repo|" -e "s|^gate_dir=.*|gate_dir='$work/lib'|" "$bundle/bundle.env" >"$work/seed/$bundle/bundle.env"
grep -q "^checkout='$repo'$" "$work/seed/$bundle/bundle.env" || fail "bundle.env does not set checkout=$repo"
# The stand-in setup.sh does what setup.sh does for the gate (a new file moved over the installed
# one) and records which commit's setup.sh ran.
cat >"$work/seed/$bundle/setup.sh" <<STANDIN
#!/usr/bin/env bash
set -euo pipefail
here=\$(cd "\$(dirname "\$0")" && pwd)
. "\$here/bundle.env"
for f in bundle.env deploy-gate.sh; do cp "\$here/\$f" "\$gate_dir/\$f.new" && mv -f "\$gate_dir/\$f.new" "\$gate_dir/\$f"; done
git -C "\$here" rev-parse HEAD >>"$work/setup-ran"
echo "setup.sh (stand-in): ok"
STANDIN
# The first commit carries an older gate, one without the only-forward check (as before it existed).
sed '/merge-base --is-ancestor "\$healthy" "\$commit"/,+1d' "$bundle/deploy-gate.sh" >"$work/seed/$bundle/deploy-gate.sh"
! cmp -s "$bundle/deploy-gate.sh" "$work/seed/$bundle/deploy-gate.sh" || fail "could not make the older gate of the first commit"
chmod 755 "$work/seed/$bundle/"*.sh
# compose_file CONTENT EXTRA_SERVICE PROBE_PORT [WIRE]: web1 serves CONTENT and gets the secrets; the
# healthcheck probes PROBE_PORT (8080 is healthy, anything else never becomes healthy); WIRE ok|fail
# adds the wire job (its profile, as synth renders it) that prints a line and exits 0 or 1.
compose_file() {
  cat <<YAML
name: $project
services:
  web1:
    image: servarr-standin:e2e
    command: ["sh", "-c", "echo \$\$CONTENT >/www/index.html && exec httpd -f -p 8080 -h /www"]
    environment:
      CONTENT: $1
      TUNNEL_TOKEN: \${TUNNEL_TOKEN:?TUNNEL_TOKEN is required}
      KOPIA_S3_SECRET_ACCESS_KEY: \${KOPIA_S3_SECRET_ACCESS_KEY:?KOPIA_S3_SECRET_ACCESS_KEY is required}
    restart: unless-stopped
    stop_grace_period: 1s # httpd as PID 1 ignores SIGTERM: without this every recreate waits Docker's 10 s
    healthcheck:
      test: ["CMD-SHELL", "timeout 3 wget -qO- http://127.0.0.1:$3/ >/dev/null"]
      interval: 1s
      timeout: 4s
      retries: 3
YAML
  if [[ -n $2 ]]; then
    cat <<YAML
  $2:
    image: servarr-standin:e2e
    command: ["httpd", "-f", "-p", "8080", "-h", "/www"]
    restart: unless-stopped
    stop_grace_period: 1s
    healthcheck:
      test: ["CMD-SHELL", "timeout 3 wget -qO- http://127.0.0.1:8080/ >/dev/null"]
      interval: 1s
      timeout: 4s
      retries: 3
YAML
  fi
  if [[ -n ${4:-} ]]; then
    cat <<YAML
  wire:
    image: servarr-standin:e2e
    profiles: [wire]
    command: ["sh", "-c", "echo '= web1: download client (stand-in)'; [ $4 = ok ]"]
YAML
  fi
}
declare -A sha
commit() {
  local name=$1
  shift
  "$@" >"$work/seed/$bundle/compose.yaml"
  git -C "$work/seed" add -A
  git -C "$work/seed" -c user.name=e2e -c user.email=e2e@example.com commit -qm "$name"
  sha[$name]=$(git -C "$work/seed" rev-parse HEAD)
}
commit v1 compose_file v1 "" 8080
cp "$bundle/deploy-gate.sh" "$work/seed/$bundle/deploy-gate.sh"
commit v2 compose_file v2 web2 8080 ok
commit unhealthy compose_file v3 web2 9999
commit invalid printf 'name: %s\nservices:\n  web1:\n    image: servarr-standin:e2e\n    restart_policy: always\n' "$project"
commit v4 compose_file v4 web2 8080
commit v5 compose_file v5 web2 8080
commit v6 compose_file v6 web2 8080
commit v7 compose_file v7 web2 8080
commit wirefail compose_file v7 web2 8080 fail
git -C "$work/seed" push -q origin "HEAD:$branch"
git -C "$work/origin.git" symbolic-ref HEAD "refs/heads/$branch"
# The host as first-boot.sh leaves it when v1 was the branch's tip: the checkout at v1, v1's
# setup.sh ran (its gate installed outside the checkout).
git clone -q "$work/origin.git" "$repo"
git -C "$repo" checkout -q --detach "${sha[v1]}"
install -d -m 755 "$work/lib"
"$repo/$bundle/setup.sh" >/dev/null
deploy_state=$work/state
