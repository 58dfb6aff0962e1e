#!/usr/bin/env bash
# Makes `docker compose` (v2) available for the tests. Debian 12 ships only Compose v1, so the
# v2 plugin binary is unpacked from Debian 13's docker-compose package (the .deb has no
# dependencies; an apt pin keeps every other trixie package from ever being installed).
# Installs Debian's docker.io for the docker CLI when it is missing. Idempotent.
set -euo pipefail
if docker compose version >/dev/null 2>&1; then
  docker compose version
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
if ! command -v docker >/dev/null 2>&1; then
  apt-get update -qq
  apt-get install -y -qq docker.io >/dev/null
fi
sources=/etc/apt/sources.list.d/servarr-trixie.sources
if [[ ! -f $sources ]]; then
  # trixie from the archive this machine's apt already uses for its own release's main component
  # (whatever mirror or proxy it is set to): no host is written here.
  apt-get update -qq
  # shellcheck source=/dev/null
  codename=$(. /etc/os-release && echo "$VERSION_CODENAME")
  archive=$(apt-cache policy | awk -v suite="$codename/main" '$3 == suite { print $2; exit }')
  [[ -n $archive ]] || { echo "install-compose-v2.sh: apt has no source for $codename/main to take trixie from" >&2; exit 1; }
  printf 'Types: deb\nURIs: %s\nSuites: trixie\nComponents: main\n' "$archive" >"$sources"
  printf 'Package: *\nPin: release n=trixie\nPin-Priority: 1\n' >/etc/apt/preferences.d/servarr-trixie
fi
apt-get update -qq
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download -qq docker-compose/trixie >/dev/null 2>&1)
dpkg -x "$work"/docker-compose_*.deb "$work/pkg"
plugins="${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins"
mkdir -p "$plugins"
install -m 0755 "$work/pkg/usr/libexec/docker/cli-plugins/docker-compose" "$plugins/docker-compose"
docker compose version
