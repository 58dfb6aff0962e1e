# shellcheck shell=bash
# sshd on loopback, the generated deploy step, the notification receiver and the deploy helpers: sourced by test/delivery/deploy-e2e.sh (shares its variables and helpers).

# --- sshd on loopback ------------------------------------------------------------------------
mkdir -p "$work/sshd" "$work/client" /run/sshd
ssh-keygen -q -t ed25519 -N '' -f "$work/sshd/host_key"
ssh-keygen -q -t ed25519 -N '' -f "$work/sshd/other_host_key"
ssh-keygen -q -t ed25519 -N '' -f "$work/client/id"
install -d -m 755 "$work/sshd/keys"
install -m 644 "$work/client/id.pub" "$work/sshd/keys/$user"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$work/sshd/sshd_config" <<EOF
ListenAddress 127.0.0.1
Port $port
HostKey $work/sshd/host_key
PidFile $work/sshd/sshd.pid
AuthorizedKeysFile $work/sshd/keys/%u
AuthenticationMethods publickey
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
AllowUsers $user
SetEnv DOCKER_HOST=$DOCKER_HOST SERVARR_DEPLOY_SKIP_PULL=1 SERVARR_DEPLOY_TIMEOUT=20 SERVARR_DEPLOY_STATE_DIR=$deploy_state
# As setup.sh configures the host: the deploy user runs the gate and nothing else.
Match User $user
    DisableForwarding yes
    PermitTTY no
    ForceCommand /usr/bin/sudo -n $gate "\$SSH_ORIGINAL_COMMAND"
EOF
cat >"$work/sudoers" <<EOF
$user ALL=(root) NOPASSWD: $gate
# Test only: the engine's socket and the test's deploy settings reach deploy.sh.
Defaults:$user env_keep += "DOCKER_HOST SERVARR_DEPLOY_SKIP_PULL SERVARR_DEPLOY_TIMEOUT SERVARR_DEPLOY_STATE_DIR"
EOF
visudo -cqf "$work/sudoers" || fail "test sudoers file is invalid"
install -d -m 750 /etc/sudoers.d
install -m 440 "$work/sudoers" /etc/sudoers.d/servarr-e2e
/usr/sbin/sshd -t -f "$work/sshd/sshd_config"
/usr/sbin/sshd -D -f "$work/sshd/sshd_config" -E "$work/sshd/sshd.log" &
sshd_pid=$!

# The stand-in for `cloudflared access ssh --hostname %h`: same arguments, token from env.
mkdir -p "$work/bin"
cat >"$work/bin/cloudflared" <<EOF
#!/bin/sh
[ "\$*" = "access ssh --hostname $sshhost" ] || { echo "cloudflared stand-in: unexpected arguments: \$*" >&2; exit 2; }
[ -n "\$TUNNEL_SERVICE_TOKEN_ID" ] && [ -n "\$TUNNEL_SERVICE_TOKEN_SECRET" ] || { echo "cloudflared stand-in: no service token in env" >&2; exit 2; }
exec busybox nc 127.0.0.1 $port
EOF
chmod 755 "$work/bin/cloudflared"
# shellcheck disable=SC2016 # the literal text of the generated step
grep -qF '"$DEPLOY_COMMIT" < <(env_lines)' "$work/deploy-step.sh" || fail "the deploy step does not send only the commit as the command"

# Secret values with characters .env quoting must keep: $, #, spaces. The tunnel token is a
# connector token of the model's account (the gate checks that).
declare -A secret
while read -r name; do
  secret[$name]="val\$ue #$name $(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
done <"$work/host-secrets"
[[ -n ${secret[TUNNEL_TOKEN]:-} ]] || fail "TUNNEL_TOKEN is not among the host secrets the deploy step sends"
account=$(from_bundle_env tunnel_account)
[[ -n $account ]] || fail "no tunnel_account in bundle.env"
tunnel_token() { printf '{"a":"%s","t":"%s","s":"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0"}' "$1" "$2" | base64 -w0; }
secret[TUNNEL_TOKEN]=$(tunnel_token "$account" 6ff42ae2-765d-4adf-8112-31c55c1551ef)
# The notification channel (when the config names one): a local receiver on loopback records
# each POST as a JSON line (path, title, message; ntfy's Title header or Apprise's JSON). The
# URL is a secret like any other: its random path must appear in no output.
notifications=$work/notifications.jsonl
topic=""
if [[ -v secret[NOTIFY_URL] ]]; then
  cat >"$work/receiver.py" <<'PY'
import http.server, json, sys
class Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        title = self.headers.get("Title")
        if self.headers.get("Content-Type") == "application/json":
            sent = json.loads(body)
            title, body = sent.get("title"), sent.get("body")
        with open(sys.argv[2], "a") as f:
            f.write(json.dumps({"path": self.path, "title": title, "body": body}) + "\n")
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok")
    def log_message(self, *args):
        pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Receiver).serve_forever()
PY
  nport=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  python3 "$work/receiver.py" "$nport" "$notifications" &
  receiver_pid=$!
  topic="servarr-deploy-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
  secret[NOTIFY_URL]="http://127.0.0.1:$nport/$topic"
fi
# notices: how many notifications arrived so far.
notices() { if [[ -f $notifications ]]; then wc -l <"$notifications"; else echo 0; fi; }
# one_notice SINCE TITLE TEXT: exactly one notification after the first SINCE, to the channel's
# path, titled TITLE, its message containing TEXT. Nothing to check without a channel.
one_notice() {
  [[ -n $topic ]] || return 0
  # shellcheck disable=SC2016 # JavaScript, not shell
  tail -n +"$(($1 + 1))" "$notifications" 2>/dev/null | node -e '
    const [path, title, text] = process.argv.slice(1);
    const got = require("node:fs").readFileSync(0, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
    const ok = got.length === 1 && got[0].path === path && got[0].title === title && String(got[0].body).includes(text);
    if (!ok) { console.error(`expected one notification "${title}" (with "${text}") to ${path}; got ${JSON.stringify(got)}`); process.exit(1); }
  ' "/$topic" "$2" "$3" || fail "notification of the outcome"
}
known_hosts="$sshhost $(cut -d' ' -f1,2 "$work/sshd/host_key.pub")"
access_id="e2e-id.access"
access_secret="e2e-access-secret-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"

# deploy COMMIT [KNOWN_HOSTS]: runs the workflow step; its output goes to $work/out.
deploy() {
  local -a envs=(
    "PATH=$work/bin:$PATH" "RUNNER_TEMP=$work" "DEPLOY_COMMIT=$1"
    "DEPLOY_SSH_PRIVATE_KEY=$(cat "$work/client/id")" "DEPLOY_SSH_KNOWN_HOSTS=${2:-$known_hosts}"
    "TUNNEL_SERVICE_TOKEN_ID=$access_id" "TUNNEL_SERVICE_TOKEN_SECRET=$access_secret"
  )
  local name
  for name in "${!secret[@]}"; do envs+=("$name=${secret[$name]}"); done
  env -i "${envs[@]}" bash "$work/deploy-step.sh" </dev/null >"$work/out.$1" 2>&1
}
no_secret_in() {
  local name
  for name in "${!secret[@]}"; do
    ! grep -qF "${secret[$name]}" "$1" || fail "the value of $name appears in the deploy output"
  done
  ! grep -qF "$access_secret" "$1" || fail "the Access service token secret appears in the deploy output"
  [[ -z $topic ]] || ! grep -qF "$topic" "$1" || fail "the notification channel's URL appears in $1"
}
deployed() { cat "$deploy_state/deployed-commit"; }
content() { docker exec "$project-$1-1" timeout 3 wget -qO- http://127.0.0.1:8080/; }
health() { docker inspect --format '{{.State.Status}}/{{.State.Health.Status}}' "$project-$1-1"; }
ids() { docker ps -q --filter "label=com.docker.compose.project=$project" | sort | tr '\n' ' '; }
