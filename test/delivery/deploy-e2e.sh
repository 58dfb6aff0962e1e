#!/usr/bin/env bash
# End-to-end test of the deploy path, for real: the generated workflow's SSH deploy step runs
# against a real sshd on 127.0.0.1 (Debian openssh-server, key auth, host key pinned through
# known_hosts with StrictHostKeyChecking=yes) whose forced command for the deploy user is the
# generated deploy-gate.sh through sudo, as setup.sh configures it; the gate checks out the
# commit, writes .env and runs the generated deploy.sh on a real Docker engine with a small
# compose project (busybox httpd services with healthchecks).
# Checks: shellcheck of deploy.sh and every workflow `run:` script; a first deploy and an
# update; a wrong host key is refused; failing health rolls back with the previous services
# running, the checkout and .env back on the last healthy deploy, and a simulated reboot (the
# boot unit's command from setup.sh, after every container is gone) starts the last healthy
# deployment; a smuggled .env line and another account's tunnel token are refused by the gate;
# the gate runs from outside the checkout and refuses a commit older than the last healthy one
# (v1, carrying an older gate) before running anything of it;
# an invalid compose file is rejected with nothing changed; deploys serialize; a deploy that
# changes one service leaves the other's container as it was (same id, not restarted) and prunes a
# superseded image of the project's repositories, keeping the deployed one. With a notification
# channel in the config, a local receiver stands for it: a successful deploy, the rolled-back
# one and the rejected one each deliver exactly one notification with their outcome, and the
# channel's URL (a secret) appears in no output. The wire job runs after a healthy deploy; when
# it fails, the deploy fails (exit 3) and notifies, and the healthy services stay.
#
# Needs root (creates a deploy user and a sudoers entry, starts sshd and dockerd). Installs its
# Debian packages when missing. Stand-ins: `cloudflared`, a script on PATH that checks the
# Access service token arrives in its environment and pipes to the local sshd (the real one
# pipes through the tunnel), and the bundle's setup.sh, which would reconfigure this machine
# (test/host runs the real one in a chroot).
#   test/delivery/deploy-e2e.sh        (DOCKERD_STATE=/tmp/dockerd-deploy-e2e-<pid> by default: one engine per run)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
state=${DOCKERD_STATE:-/tmp/dockerd-deploy-e2e-$$}
t0=$SECONDS

if [[ ! -x /usr/sbin/sshd || ! -x /usr/bin/sudo ]] || ! command -v shellcheck >/dev/null || ! command -v busybox >/dev/null || ! command -v curl >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssh-server sudo shellcheck docker.io busybox-static curl >/dev/null
fi
test/tools/install-compose-v2.sh >/dev/null

# The bundle of the config as built by `npm run synth` (compose/<name>/, whatever the name).
project=$(node -p 'require("./dist/servarr.config.js").config.name')
bundle=compose/$project
work=$(mktemp -d /tmp/deploy-e2e.XXXXXX)
chmod 755 "$work"
sshd_pid=""
receiver_pid=""
cleanup() {
  if [[ -n $sshd_pid ]]; then kill "$sshd_pid" 2>/dev/null || true; fi
  if [[ -n $receiver_pid ]]; then kill "$receiver_pid" 2>/dev/null || true; fi
  if [[ -n ${DOCKER_HOST:-} ]]; then
    docker ps -aq --filter "label=com.docker.compose.project=$project" | xargs -r docker rm -f >/dev/null 2>&1 || true
    docker network ls -q --filter "label=com.docker.compose.project=$project" | xargs -r docker network rm >/dev/null 2>&1 || true
  fi
  test/tools/stop-dockerd.sh "$state" || true
  if [[ -z ${DOCKERD_STATE:-} ]]; then rm -rf "$state"; fi
  rm -f /etc/sudoers.d/servarr-e2e
  if [[ -n ${user:-} ]]; then userdel "$user" 2>/dev/null || true; fi
  if [[ -n ${E2E_KEEP:-} ]]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

fail() {
  echo "FAIL $*" >&2
  exit 1
}
pass() { printf 'ok   %-58s %s\n' "$1" "$2"; }

# shellcheck source=test/delivery/deploy-e2e/fixtures.sh
. "$root/test/delivery/deploy-e2e/fixtures.sh"
# shellcheck source=test/delivery/deploy-e2e/ssh.sh
. "$root/test/delivery/deploy-e2e/ssh.sh"

# --- 1. first deploy, then an update ---------------------------------------------------------
start=$SECONDS
deploy "${sha[v1]}" || { cat "$work/out.${sha[v1]}"; fail "first deploy"; }
v1_time=$((SECONDS - start))
start=$SECONDS
seen=$(notices)
deploy "${sha[v2]}" || { cat "$work/out.${sha[v2]}"; fail "update to v2"; }
one_notice "$seen" "$project: deployed" "${sha[v2]} is deployed and healthy"
[[ $(deployed) == "${sha[v2]}" ]] || fail "deployed-commit is not v2"
[[ $(health web1) == running/healthy && $(health web2) == running/healthy ]] || fail "v2 services not healthy"
[[ $(content web1) == v2 ]] || fail "web1 does not serve v2"
got=$(docker exec "$project-web1-1" sh -c 'printf %s "$TUNNEL_TOKEN"') || true; [[ $got == "${secret[TUNNEL_TOKEN]}" ]] || fail "TUNNEL_TOKEN did not reach the container intact (${#got} characters, expected ${#secret[TUNNEL_TOKEN]})"
[[ $(stat -c %a "$repo/$bundle/.env") == 600 && $(stat -c %a "$deploy_state/current/.env") == 600 ]] || fail ".env is not mode 0600"
[[ $(git -C "$repo" rev-parse HEAD) == "${sha[v2]}" ]] || fail "the checkout is not at v2"
no_secret_in "$work/out.${sha[v1]}"
no_secret_in "$work/out.${sha[v2]}"
# v2 has the wire job: deploy.sh runs it once the services are healthy (v1 has none: nothing to wire).
for line in "wiring the apps (wire)" "= web1: download client (stand-in)" "deploy\[$project\]: wired in [0-9]*s"; do
  grep -q "$line" "$work/out.${sha[v2]}" || { cat "$work/out.${sha[v2]}"; fail "the wire job did not run after v2 was healthy: no '$line'"; }
done
! grep -q "wiring the apps" "$work/out.${sha[v1]}" || fail "a compose file without the wire job was wired"
pass "deploy v1 (${v1_time}s), update to v2: healthy, .env 0600, no secret printed, wired after healthy${topic:+, one 'deployed' notice}" "$((SECONDS - start))s"

# --- 2. a host key other than the pinned one is refused -------------------------------------
start=$SECONDS
if deploy "${sha[v4]}" "$sshhost $(cut -d' ' -f1,2 "$work/sshd/other_host_key.pub")"; then fail "deploy with a wrong pinned host key succeeded"; fi
grep -q "Host key verification failed" "$work/out.${sha[v4]}" || { cat "$work/out.${sha[v4]}"; fail "no host key verification failure"; }
[[ $(deployed) == "${sha[v2]}" ]] || fail "a refused connection changed the deployment"
pass "wrong host key refused (StrictHostKeyChecking=yes), nothing changed" "$((SECONDS - start))s"

# --- 3. failing health rolls back, and a reboot starts the last healthy deployment ------------
start=$SECONDS
status=0
good_kopia=${secret[KOPIA_PASSWORD]}
secret[KOPIA_PASSWORD]="rejected-with-the-unhealthy-commit"
seen=$(notices)
deploy "${sha[unhealthy]}" || status=$?
secret[KOPIA_PASSWORD]=$good_kopia
[[ $status == 1 ]] || { cat "$work/out.${sha[unhealthy]}"; fail "unhealthy deploy exited $status, expected 1"; }
grep -q "error: deploy of ${sha[unhealthy]} failed: web1 (running, unhealthy); rolled back to ${sha[v2]}" "$work/out.${sha[unhealthy]}" ||
  { cat "$work/out.${sha[unhealthy]}"; fail "the failure report does not name web1 and the rollback"; }
one_notice "$seen" "$project: deploy failed" "deploy of ${sha[unhealthy]} failed: web1 (running, unhealthy); rolled back to ${sha[v2]}"
[[ $(deployed) == "${sha[v2]}" ]] || fail "deployed-commit changed after a rollback"
[[ $(health web1) == running/healthy && $(health web2) == running/healthy ]] || fail "previous services not healthy after the rollback"
[[ $(content web1) == v2 ]] || fail "web1 does not serve v2 after the rollback"
[[ $(git -C "$repo" rev-parse HEAD) == "${sha[v2]}" ]] || fail "the checkout stayed on the rejected commit"
for env_file in "$repo/$bundle/.env" "$deploy_state/current/.env"; do
  grep -qF "KOPIA_PASSWORD='$good_kopia'" "$env_file" || fail "$env_file lost the last healthy deploy's values"
done
no_secret_in "$work/out.${sha[unhealthy]}"
# The reboot: every container gone, then the boot unit's own command (the unit setup.sh installs)
# with this test's checkout and state directory.
boot=$(sed -n 's|^ExecStart=/usr/bin/docker compose |docker compose |p' "$bundle/etc/systemd/system/servarr-compose.service" | grep -- '--project-name')
boot=${boot//\/opt\/servarr\/repo/$repo}
boot=${boot//\/var\/lib\/servarr\/deploy\/servarr/$deploy_state}
[[ $boot == *"--file $deploy_state/current/compose.yaml --env-file $deploy_state/current/.env"* ]] || fail "the boot unit does not start current/ with its .env: $boot"
docker ps -aq --filter label=com.docker.compose.project=servarr | xargs -r docker rm -f >/dev/null
(cd / && $boot) >"$work/out.boot" 2>&1 || { cat "$work/out.boot"; fail "the boot unit's command failed"; }
for _ in $(seq 30); do [[ $(health web1) == running/healthy ]] && break; sleep 1; done
[[ $(content web1) == v2 && $(health web2) == running/healthy ]] || fail "after a reboot the host does not run the last healthy deployment (v2)"
pass "unhealthy web1 -> exit 1, rolled back; checkout, .env and a reboot stay on v2${topic:+; one 'rolled back' notice}" "$((SECONDS - start))s"

# --- 3b. the gate refuses a smuggled .env line and another account's tunnel token -------------
start=$SECONDS
as_deploy_user() { sudo -u "$user" env -i DOCKER_HOST="$DOCKER_HOST" SERVARR_DEPLOY_SKIP_PULL=1 SERVARR_DEPLOY_STATE_DIR="$deploy_state" sudo -n "$gate" "$@"; }
env_now() { for name in "${!secret[@]}"; do printf "%s='%s'\n" "$name" "${secret[$name]}"; done; }
before=$(ids)
status=0
{ env_now | grep -v '^KOPIA_PASSWORD='; printf "KOPIA_PASSWORD='x' COMPOSE_FILE='%s'\n" "$work/evil.yml"; } |
  as_deploy_user "${sha[v4]}" >"$work/out.smuggle" 2>&1 || status=$?
if [[ $status != 1 ]] || ! grep -q "refusing .env: line [0-9]*: the value of KOPIA_PASSWORD" "$work/out.smuggle"; then cat "$work/out.smuggle"; fail "a smuggled COMPOSE_FILE was not refused"; fi
status=0
{ env_now | grep -v '^TUNNEL_TOKEN='; printf "TUNNEL_TOKEN='%s'\n" "$(tunnel_token fedcba9876543210fedcba9876543210 6ff42ae2-765d-4adf-8112-31c55c1551ef)"; } |
  as_deploy_user "${sha[v4]}" >"$work/out.tunnel" 2>&1 || status=$?
if [[ $status != 1 ]] || ! grep -q "TUNNEL_TOKEN refused: it belongs to Cloudflare account fedcba" "$work/out.tunnel"; then cat "$work/out.tunnel"; fail "another account's tunnel token was not refused"; fi
[[ $(ids) == "$before" && $(deployed) == "${sha[v2]}" && $(git -C "$repo" rev-parse HEAD) == "${sha[v2]}" ]] || fail "a refused .env changed the deployment"
pass "gate refuses a smuggled COMPOSE_FILE and another account's tunnel token" "$((SECONDS - start))s"

# --- 4. an invalid compose file is rejected with nothing changed ------------------------------
start=$SECONDS
before=$(ids)
status=0
seen=$(notices)
deploy "${sha[invalid]}" || status=$?
[[ $status == 65 ]] || { cat "$work/out.${sha[invalid]}"; fail "invalid compose exited $status, expected 65"; }
grep -q "nothing was changed" "$work/out.${sha[invalid]}" || fail "no 'nothing was changed' in the report"
one_notice "$seen" "$project: deploy failed" "invalid; nothing was changed"
no_secret_in "$work/out.${sha[invalid]}"
[[ $(ids) == "$before" ]] || fail "containers changed after an invalid compose file"
[[ $(deployed) == "${sha[v2]}" && $(content web1) == v2 ]] || fail "deployment changed after an invalid compose file"
cmp -s "$deploy_state/current/compose.yaml" <(git -C "$work/seed" show "${sha[v2]}:$bundle/compose.yaml") || fail "current compose file is not v2's"
pass "invalid compose file -> exit 65, same containers, v2 still current" "$((SECONDS - start))s"

# --- 5. deploys serialize on the lock ---------------------------------------------------------
start=$SECONDS
# While someone holds the lock, a deploy waits and changes nothing.
flock "$deploy_state/lock" sleep 3 &
holder=$!
sleep 0.5
deploy "${sha[v4]}" &
waiting=$!
sleep 1.5
kill -0 "$waiting" 2>/dev/null || fail "a deploy finished while another held the lock"
[[ $(deployed) == "${sha[v2]}" && ! -e $deploy_state/incoming ]] || fail "a deploy touched the state while another held the lock"
wait "$holder"
wait "$waiting" || { cat "$work/out.${sha[v4]}"; fail "the waiting deploy failed after the lock was released"; }
[[ $(deployed) == "${sha[v4]}" ]] || fail "the waiting deploy did not deploy v4"
# Two deploys at once, v5 and its child v6, both changing the services: they run one after the
# other (never two starts in a row in the history). If v5 gets the lock first both deploy (start,
# end, start, end); if v6 does, v5 is no longer after the last healthy deploy and is refused
# before it runs anything (only forward). Either way v6 ends deployed.
deploy "${sha[v5]}" &
first=$!
deploy "${sha[v6]}" &
second=$!
v5_status=0
wait "$first" || v5_status=$?
wait "$second" || { cat "$work/out.${sha[v6]}"; fail "concurrent deploy of v6 failed"; }
mapfile -t runs < <(grep -E " (${sha[v5]}|${sha[v6]}) " "$deploy_state/history" | cut -d' ' -f2-)
if [[ $v5_status == 0 ]]; then
  [[ ${runs[*]} == "${sha[v5]} started ${sha[v5]} deployed ${sha[v6]} started ${sha[v6]} deployed" ]] ||
    fail "concurrent deploys interleaved: ${runs[*]}"
  order="v5 then v6"
else
  grep -q "is not a descendant of ${sha[v6]}, the last healthy deploy" "$work/out.${sha[v5]}" || { cat "$work/out.${sha[v5]}"; fail "v5 after v6 failed for another reason"; }
  [[ ${runs[*]} == "${sha[v6]} started ${sha[v6]} deployed" ]] || fail "v5 ran after v6 had deployed: ${runs[*]}"
  order="v6, then v5 refused as older"
fi
[[ $(deployed) == "${sha[v6]}" && $(content web1) == v6 ]] || fail "state after concurrent deploys is inconsistent"
waits=$(grep -ho 'lock acquired after [0-9]*s' "$work/out.${sha[v5]}" "$work/out.${sha[v6]}" | tr '\n' ',') || fail "no lock report in the deploy output"
pass "held lock blocks a deploy; 2 concurrent deploys run in turn ($order; ${waits%,})" "$((SECONDS - start))s"

# --- 6. a deploy touches only what changed -----------------------------------------------------
start=$SECONDS
# v7 differs from the deployed commit (v6) in web1 only: web2 keeps its container (same id, not restarted).
cid() { docker inspect --format '{{.Id}} {{.State.StartedAt}}' "$project-$1-1"; }
web1_before=$(cid web1)
web2_before=$(cid web2)
# A superseded version of the project's image (another id, same repository): pruned after the healthy deploy.
tar -C "$work" -cf - run-count | docker import - servarr-standin:superseded >/dev/null
deploy "${sha[v7]}" || { cat "$work/out.${sha[v7]}"; fail "deploy of v7"; }
! docker image inspect servarr-standin:superseded >/dev/null 2>&1 || fail "the superseded image was not pruned after a healthy deploy"
docker image inspect servarr-standin:e2e >/dev/null || fail "the deployed image was pruned"
grep -q "pruned [1-9][0-9]* superseded image" "$work/out.${sha[v7]}" || { cat "$work/out.${sha[v7]}"; fail "no prune report"; }
[[ $(cid web2) == "$web2_before" ]] || fail "web2 did not change but was recreated or restarted: $web2_before -> $(cid web2)"
[[ $(cid web1) != "$web1_before" && $(content web1) == v7 ]] || fail "web1 changed but was not recreated"
pass "a deploy changing web1 only: web2 keeps container ${web2_before:0:12} (not restarted); superseded image pruned" "$((SECONDS - start))s"

# --- 7. only forward: an older commit of the branch is refused, nothing changes ----------------
start=$SECONDS
# v1 is on the branch and carries an older gate (no only-forward check). The installed gate (v7's,
# outside the checkout) refuses it before running anything of it: v1's setup.sh never runs, so its
# gate is never installed, and the checkout, .env, containers and deployment stay.
before=$(ids)
setup_runs=$(wc -l <"$work/setup-ran")
cmp -s "$gate" "$bundle/deploy-gate.sh" || fail "the installed gate is not the current one before the test"
status=0
deploy "${sha[v1]}" || status=$?
[[ $status == 1 ]] || { cat "$work/out.${sha[v1]}"; fail "deploying the older v1 exited $status, expected 1"; }
grep -q "${sha[v1]} is not a descendant of ${sha[v7]}, the last healthy deploy" "$work/out.${sha[v1]}" || { cat "$work/out.${sha[v1]}"; fail "no only-forward refusal"; }
[[ $(wc -l <"$work/setup-ran") == "$setup_runs" ]] || fail "a setup.sh ran for a refused commit: $(tail -n 1 "$work/setup-ran")"
cmp -s "$gate" "$bundle/deploy-gate.sh" || fail "the older commit's gate replaced the installed one"
[[ $(ids) == "$before" && $(deployed) == "${sha[v7]}" && $(git -C "$repo" rev-parse HEAD) == "${sha[v7]}" && $(content web1) == v7 ]] || fail "refusing v1 changed the deployment"
no_secret_in "$work/out.${sha[v1]}"
# Redeploying the healthy commit itself stays possible (new values for .env).
deploy "${sha[v7]}" || { cat "$work/out.${sha[v7]}"; fail "redeploy of the healthy v7"; }
pass "older v1 refused before it runs (its gate not installed), nothing changed; v7 redeploys" "$((SECONDS - start))s"
# --- 8. a failing wire job fails the deploy (exit 3) and notifies; the healthy services stay ------
start=$SECONDS
seen=$(notices)
! deploy "${sha[wirefail]}" || { cat "$work/out.${sha[wirefail]}"; fail "a failing wire job did not fail the deploy"; }
grep -q "${sha[wirefail]} is deployed and healthy, but wiring the apps failed" "$work/out.${sha[wirefail]}" || { cat "$work/out.${sha[wirefail]}"; fail "no wiring failure report"; }
one_notice "$seen" "$project: deploy failed" "but wiring the apps failed"
[[ $(deployed) == "${sha[wirefail]}" && $(content web1) == v7 ]] || fail "the healthy deployment was not kept when wiring failed"
pass "a failing wire job: the deploy fails and notifies, the healthy services stay deployed" "$((SECONDS - start))s"

if [[ -n $topic ]]; then
  # The channel's URL is in no log: sshd's, the deploy history, any deploy's output.
  for file in "$work/sshd/sshd.log" "$deploy_state/history" "$work"/out.*; do no_secret_in "$file"; done
  # One notification per run of deploy.sh (each records "<commit> started" in its history).
  runs=$(grep -c ' started$' "$deploy_state/history")
  [[ $(notices) == "$runs" ]] || fail "$(notices) notifications for $runs runs of deploy.sh"
  pass "notifications: $(notices) for $runs runs of deploy.sh; the URL in no output or log" ""
fi
echo "deploy e2e: all checks passed in $((SECONDS - t0))s"
