#!/usr/bin/env bash
# Brings a fresh Debian 12+/Ubuntu 22.04+ box to the deployable state, once, as root:
#   sudo bash first-boot.sh
# Installs Docker Engine and the Compose plugin from Docker's apt repository, clones
# $repository ($branch) into $checkout, then runs the bundle's setup.sh (users, dirs, disk, SSH,
# firewall, updates, units). Safe to re-run. For a private repository over ssh it creates a key
# for root and prints it: add it as a read-only deploy key and run this again.
# repository, branch, checkout, bundle and gate_dir are written into this file above this header: it runs
# alone on a fresh box, before there is a checkout with the bundle's bundle.env to read.
set -euo pipefail
[ "$(id -u)" -eq 0 ] || { echo "first-boot.sh: run as root (sudo bash first-boot.sh)" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive

# shellcheck source=/dev/null
. /etc/os-release
case ${ID:-} in debian | ubuntu) ;; *) echo "first-boot.sh: Debian or Ubuntu only (found ${ID:-unknown})" >&2; exit 1 ;; esac

apt-get update -q
apt-get install -y -q --no-install-recommends ca-certificates curl git gnupg openssh-client

if ! docker compose version >/dev/null 2>&1; then
  install -d -m 0755 /etc/apt/keyrings
  curl -fsSL "https://download.docker.com/linux/$ID/gpg" -o /etc/apt/keyrings/docker.asc
  chmod a+r /etc/apt/keyrings/docker.asc
  echo "deb [arch=$(dpkg --print-architecture) signed-by=/etc/apt/keyrings/docker.asc] https://download.docker.com/linux/$ID $VERSION_CODENAME stable" >/etc/apt/sources.list.d/docker.list
  apt-get update -q
  apt-get install -y -q docker-ce docker-ce-cli containerd.io docker-buildx-plugin docker-compose-plugin
fi
systemctl enable --now docker.service

case $repository in
  https://*) ;;
  *)
    key=/root/.ssh/servarr-repo
    if [ ! -f "$key" ]; then
      install -d -m 0700 /root/.ssh
      ssh-keygen -q -t ed25519 -N '' -C "servarr host $(hostname)" -f "$key"
    fi
    export GIT_SSH_COMMAND="ssh -i $key -o IdentitiesOnly=yes -o StrictHostKeyChecking=accept-new"
    git config --global core.sshCommand "$GIT_SSH_COMMAND"
    ;;
esac

if [ ! -d "$checkout/.git" ]; then
  install -d -m 0755 "$(dirname "$checkout")"
  if ! git clone --quiet --branch "$branch" "$repository" "$checkout"; then
    [ -z "${key:-}" ] || { echo "Add this read-only deploy key to the repository, then run first-boot.sh again:"; cat "$key.pub"; }
    exit 1
  fi
else
  git -C "$checkout" fetch --quiet origin "$branch"
  git -C "$checkout" checkout --quiet --detach FETCH_HEAD
fi

"$bundle/setup.sh"
echo "first-boot: done. Next: a deploy writes .env and starts the project (or: sudo $gate_dir/deploy-gate.sh <commit> < .env)."
