#!/usr/bin/env bash
# Builds a tiny image (default tag servarr-standin:latest) from Debian's busybox-static, to
# stand in for app images when no registry is reachable: sh, httpd, wget, nc, sleep and the
# other applets, e.g. `httpd -f -p 8989 -h /www` for a web app on its port. Needs a running
# engine (start-dockerd.sh). Quirk: this busybox's `wget -T` segfaults; bound a probe with
# `timeout 3 wget -qO- URL` instead.
# STANDIN_WITH_DOCKER_CLI=1 adds this machine's docker CLI (and its shared libraries, if any), so
# a stand-in can forward the Docker API socket (`nc -ll -p 2375 -e docker system dial-stdio`).
set -euo pipefail
tag=${1:-servarr-standin:latest}
if ! { [[ -x /bin/busybox ]] && /bin/busybox --list | grep -qx httpd; }; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq busybox-static >/dev/null
fi
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/tmp" "$root/www"
chmod 0755 "$root" "$root/www" # mktemp makes 0700: services with `user:` could not even exec /bin/sh
chmod 1777 "$root/tmp"
cp /bin/busybox "$root/bin/busybox"
for applet in $(/bin/busybox --list); do
  [[ $applet == busybox ]] || ln -sf busybox "$root/bin/$applet"
done
echo ok >"$root/www/index.html"
if [[ ${STANDIN_WITH_DOCKER_CLI:-} == 1 ]]; then
  cli=$(command -v docker)
  cp "$cli" "$root/bin/docker"
  for lib in $(ldd "$cli" 2>/dev/null | grep -o '/[^ ]*' || true); do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
fi
tar -C "$root" -c . | docker import --change 'ENV PATH=/bin' - "$tag" >/dev/null
echo "$tag"
