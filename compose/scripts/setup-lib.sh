# The helpers setup.sh calls; each reports one line and changes only what differs.
# Sourced by setup.sh, which defines report, die and booted.
# shellcheck shell=bash

ensure_packages() {
  local missing=() p
  for p in "$@"; do
    [[ $(dpkg-query -W -f='${Status}' "$p" 2>/dev/null) == *"ok installed" ]] || missing+=("$p")
  done
  if [ "${#missing[@]}" -eq 0 ]; then report ok "packages: $*"; return; fi
  if [ "${SERVARR_SETUP_NO_INSTALL:-}" = 1 ]; then report skip "packages: missing ${missing[*]} (SERVARR_SETUP_NO_INSTALL=1)"; return; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null
  report changed "packages: installed ${missing[*]}"
}

ensure_group() {
  local name=$1 gid=$2 current
  if current=$(getent group "$name"); then
    [ "$(cut -d: -f3 <<<"$current")" = "$gid" ] || die "group $name exists with gid $(cut -d: -f3 <<<"$current"), the model says $gid: fix it by hand (files would change owner)"
    report ok "group $name ($gid)"
  else
    getent group "$gid" >/dev/null && die "gid $gid is taken by group $(getent group "$gid" | cut -d: -f1)"
    groupadd --gid "$gid" "$name"
    report changed "group $name ($gid)"
  fi
}

# An app's user: fixed uid, the shared group, no home, no shell, no password.
ensure_app_user() {
  local name=$1 uid=$2 group=$3 entry
  if entry=$(getent passwd "$name"); then
    [ "$(cut -d: -f3 <<<"$entry")" = "$uid" ] || die "user $name exists with uid $(cut -d: -f3 <<<"$entry"), the model says $uid: fix it by hand"
    if [ "$(id -gn "$name")" != "$group" ]; then
      usermod --gid "$group" "$name"
      report changed "user $name ($uid): primary group $group"
    else
      report ok "user $name ($uid)"
    fi
  else
    getent passwd "$uid" >/dev/null && die "uid $uid is taken by user $(getent passwd "$uid" | cut -d: -f1)"
    useradd --uid "$uid" --gid "$group" --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$name"
    report changed "user $name ($uid)"
  fi
}

# Hardware transcoding: compose passes /dev/dri and adds the container to the render group by
# id; the id must be the host's, or the device is unreadable. Checked where the device exists.
check_render_group() {
  local app=$1 gid=$2 render
  if [ -e /dev/dri ]; then
    render=$(stat -c %g /dev/dri/renderD128 2>/dev/null || getent group render | cut -d: -f3)
    [ "$render" = "$gid" ] || die "hardware transcoding for $app: the render group of this host is $render, the model says $gid (hardwareTranscoding.renderGroupId)"
    report ok "render group $gid for $app"
  else
    booted && die "hardware transcoding for $app: this host has no /dev/dri (no GPU driver loaded)"
    report skip "no /dev/dri here: hardware transcoding for $app"
  fi
}

# A person or CI logging in by key. Created with the password field "*": no password, yet not
# locked (sshd refuses locked accounts when PAM is off). An existing account's password stays.
ensure_login_user() {
  local name=$1 group=$2 did=""
  if ! getent passwd "$name" >/dev/null; then
    useradd --create-home --shell /bin/bash "$name"
    usermod --password '*' "$name"
    did="created"
  fi
  if [ -n "$group" ] && ! grep -qx "$group" <<<"$(id -nG "$name" | tr ' ' '\n')"; then
    usermod --append --groups "$group" "$name"
    did="${did:+$did, }member of $group"
  fi
  if [ -n "$did" ]; then report changed "login user $name: $did"; else report ok "login user $name"; fi
}

ensure_mode() {
  local path=$1 owner=$2 group=$3 mode=$4 want have
  want="$(id -u "$owner"):$(getent group "$group" | cut -d: -f3):$mode"
  have=$(stat -c '%u:%g:%a' "$path")
  if [ "$have" = "$want" ]; then report ok "$path ($owner:$group $mode)"; return; fi
  chown "$owner:$group" "$path"
  chmod "$mode" "$path"
  report changed "$path ($owner:$group $mode)"
}

ensure_dir() {
  local path=$1 owner=$2 group=$3 mode=$4
  if [ -d "$path" ]; then ensure_mode "$@"; return; fi
  mkdir -p "$path"
  chown "$owner:$group" "$path"
  chmod "$mode" "$path"
  report changed "$path ($owner:$group $mode, created)"
}

# Writes stdin to a file when its content, owner or mode differ.
install_file() {
  local path=$1 mode=$2 owner=$3 group=$4 tmp
  tmp=$(mktemp "$path.XXXXXX" 2>/dev/null || mktemp)
  cat >"$tmp"
  if [ -f "$path" ] && cmp -s "$tmp" "$path"; then
    rm -f "$tmp"
    ensure_mode "$path" "$owner" "$group" "$mode"
    return
  fi
  chown "$owner:$group" "$tmp"
  chmod "$mode" "$tmp"
  mkdir -p "$(dirname "$path")"
  mv -f "$tmp" "$path"
  report changed "$path"
}

ensure_fstab() {
  local line=$1 uuid=$2 mountpoint=$3 tmp
  if grep -qxF -- "$line" /etc/fstab 2>/dev/null; then report ok "fstab: UUID=$uuid on $mountpoint"; return; fi
  tmp=$(mktemp)
  # Replace our previous line (or any line for that mount point), keep everything else.
  awk -v mp="$mountpoint" '!/# servarr data disk$/ && !($1 !~ /^#/ && $2 == mp)' /etc/fstab >"$tmp" 2>/dev/null || true
  printf '%s\n' "$line" >>"$tmp"
  chmod 644 "$tmp"
  mv -f "$tmp" /etc/fstab
  report changed "fstab: UUID=$uuid on $mountpoint"
}

ensure_mounted() {
  local mountpoint=$1
  if ! booted; then report skip "mount $mountpoint: systemd is not running (chroot?)"; return; fi
  if findmnt --mountpoint "$mountpoint" >/dev/null; then report ok "mount $mountpoint"; return; fi
  systemctl daemon-reload
  mount "$mountpoint" || die "the data disk is not mounted at $mountpoint and cannot be mounted: refusing to create the data tree on the root file system"
  report changed "mount $mountpoint"
}

# The checkout must be root's alone: sudo runs a script from it.
ensure_root_owned_tree() {
  local dir=$1 wrong
  if [ ! -d "$dir" ]; then report skip "checkout $dir: not cloned yet (first-boot.sh clones it)"; return; fi
  wrong=$(find "$dir" \( ! -user root -o ! -group root -o -perm /022 \) ! -type l -print -quit)
  if [ -z "$wrong" ]; then report ok "checkout $dir: root-owned, not writable by others"; return; fi
  chown -R root:root "$dir"
  chmod -R go-w "$dir"
  report changed "checkout $dir: root-owned, not writable by others"
}

check_sshd() {
  mkdir -p /run/sshd
  sshd -t || { rm -f /etc/ssh/sshd_config.d/10-servarr.conf; die "sshd rejects the configuration (see above); the servarr drop-in was removed"; }
  if booted; then systemctl reload ssh; report ok "sshd config valid, reloaded"; else report skip "sshd config valid; reload: systemd is not running"; fi
}

check_sudoers() {
  visudo -cq -f "$1" >/dev/null || { rm -f "$1"; die "visudo rejects $1; it was removed"; }
  visudo -cq >/dev/null || die "visudo rejects the sudoers configuration"
  report ok "sudoers valid"
}

check_firewall() {
  nft -c -f "$1" || die "nft rejects $1"
  if booted; then
    nft -f "$1"
    report ok "firewall rules valid, loaded"
  else
    report skip "firewall rules valid (nft -c); loading: systemd is not running"
  fi
}

ensure_livepatch() {
  if ! command -v pro >/dev/null; then report skip "livepatch: not Ubuntu (no pro client)"; return; fi
  if grep -Eq '^livepatch +yes +enabled' <<<"$(pro status 2>/dev/null)"; then report ok "livepatch"; return; fi
  pro enable livepatch >/dev/null || die "pro enable livepatch failed: attach the machine first (sudo pro attach <token>)"
  report changed "livepatch"
}

# Enabling works without a running systemd (it only writes symlinks); starting needs one.
apply_units() {
  local unit
  if ! command -v systemctl >/dev/null; then report skip "units $* and docker.service: no systemctl"; return; fi
  if booted; then systemctl daemon-reload; fi
  for unit in docker.service "$@"; do
    if [ "$unit" = docker.service ] && ! systemctl cat docker.service >/dev/null 2>&1; then report skip "docker.service: Docker not installed (first-boot.sh installs it)"; continue; fi
    if systemctl is-enabled --quiet "$unit" 2>/dev/null; then report ok "$unit enabled at boot"; else systemctl enable --quiet "$unit"; report changed "$unit enabled at boot"; fi
  done
  if booted; then systemctl start docker.service servarr-firewall.service; fi
}
