#!/usr/bin/env bash
# Validates renovate.json with Renovate's own validator (strict: warnings fail too). Not part of
# .ci/run: the renovate package is ~340 MB in ~430 packages (1.5 min to install) and wants Node 22;
# the unit tests check that its regex manager matches every image in constructs/model/images.ts.
# Last run: renovate 44.121.2 on Node 20 -> "Config validated successfully" (see docs/operations.md, Updates).
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=${RENOVATE_TOOL_DIR:-${TMPDIR:-/tmp}/servarr-renovate}
if [[ ! -x $dir/node_modules/.bin/renovate-config-validator ]]; then
  mkdir -p "$dir"
  npm install --prefix "$dir" --no-audit --no-fund --no-save renovate@44.121.2 >/dev/null
fi
"$dir/node_modules/.bin/renovate-config-validator" --strict
