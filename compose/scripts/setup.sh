#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Brings this machine to the state the model declares; idempotent, run by the deploy gate on
# every deploy and by first-boot.sh once. Prints "changed", "ok" or "skip" per step.
# Steps that need a booted systemd (reload, enable --now, mount, loading the firewall) are
# skipped with a note when systemd is not PID 1 (e.g. in a chroot). SERVARR_SETUP_NO_INSTALL=1
# skips apt installs (packages must then be present).
# What to set up comes from the model: bundle.env (users, dirs, disk, keys) and the files under
# etc/ next to this script (sshd drop-in, sudoers rule, units, apt settings), installed as they are.
set -euo pipefail
umask 022
export LC_ALL=C
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bundle.env
. "$here/bundle.env"
n_changed=0 n_ok=0 n_skip=0
report() { printf "%-8s %s\n" "$1" "$2"; case $1 in changed) n_changed=$((n_changed + 1)) ;; ok) n_ok=$((n_ok + 1)) ;; *) n_skip=$((n_skip + 1)) ;; esac; }
die() { echo "setup.sh: $*" >&2; exit 1; }
booted() { [ -d /run/systemd/system ]; }
# shellcheck source=setup-lib.sh
. "$here/setup-lib.sh"

# A file of the bundle's etc/ tree to the same path under /etc, owned by root.
install_etc() { install_file "/$1" "$2" root root <"$here/$1"; }

[ "$(id -u)" -eq 0 ] || die "run as root (sudo)"

# Packages the host needs besides Docker (first-boot.sh installs Docker).
ensure_packages openssh-server sudo nftables unattended-upgrades jq

# The shared group and one user per app, with the UIDs compose.yaml uses.
ensure_group "$group" "$gid"
for ((i = 0; i < ${#app_users[@]}; i += 2)); do ensure_app_user "${app_users[i]}" "${app_users[i + 1]}" "$group"; done
for ((i = 0; i < ${#render_groups[@]}; i += 2)); do check_render_group "${render_groups[i]}" "${render_groups[i + 1]}"; done
ensure_login_user "$owner_user" "$group"
ensure_login_user "$deploy_user" ''

# The data disk, by UUID; nofail so a missing disk never blocks boot.
ensure_fstab "$fstab_line" "$disk_uuid" "$disk_mount_point"
ensure_mounted "$disk_mount_point"

# The /data tree (hardlinks and atomic moves need one file system and one group) and config dirs.
for ((i = 0; i < ${#dirs[@]}; i += 4)); do ensure_dir "${dirs[i]}" "${dirs[i + 1]}" "${dirs[i + 2]}" "${dirs[i + 3]}"; done

# The checkout and its bundle: root-owned, so the deploy user cannot change what sudo runs.
ensure_root_owned_tree "$checkout"
[ ! -e "$bundle/.env" ] || ensure_mode "$bundle/.env" root root 600

# SSH: keys only, no root, only the owner and the deploy user.
ensure_dir /etc/ssh/servarr-keys root root 755
# One key per line (a here-string: no /dev/fd needed, as in a chroot).
install_file "/etc/ssh/servarr-keys/$owner_user" 644 root root <<<"$(printf '%s\n' "${owner_keys[@]}")"
install_file "/etc/ssh/servarr-keys/$deploy_user" 644 root root <<<"$(printf 'restrict %s\n' "${deploy_keys[@]}")"
# The deploy gate and its data, outside the checkout, before the rules that run it: checking out
# a commit never changes the gate; this commit's gate replaces the installed one only here, and the
# installed gate runs setup.sh only for a commit after the last healthy one (never an older one).
ensure_dir "$(dirname "$gate_dir")" root root 755
ensure_dir "$gate_dir" root root 755
install_file "$gate_dir/bundle.env" 644 root root <"$here/bundle.env"
install_file "$gate_dir/deploy-gate.sh" 755 root root <"$here/deploy-gate.sh"
install_etc etc/ssh/sshd_config.d/10-servarr.conf 644
check_sshd
install_etc "etc/sudoers.d/servarr-$deploy_user" 440
check_sudoers "/etc/sudoers.d/servarr-$deploy_user"

# Firewall: default deny inbound, allows from the model (see firewall.nft).
ensure_dir /etc/servarr root root 755
install_file /etc/servarr/firewall.nft 644 root root <"$here/firewall.nft"
check_firewall /etc/servarr/firewall.nft
install_etc etc/systemd/system/servarr-firewall.service 644

# Unattended security updates with the reboot window.
install_etc etc/apt/apt.conf.d/20auto-upgrades 644
install_etc etc/apt/apt.conf.d/52servarr-unattended-upgrades 644
if [ "$livepatch" = 1 ]; then ensure_livepatch; fi

# Docker and the project at boot.
install_etc etc/systemd/system/servarr-compose.service 644
apply_units servarr-firewall.service servarr-compose.service

echo "setup: $n_changed changed, $n_ok ok, $n_skip skipped"
