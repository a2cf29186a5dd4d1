#!/usr/bin/env bash
# `npm run build` only when a TypeScript source (or the tsconfig/package.json) is newer than dist/: `npm ci` has just
# built, so `npm test` right after it (CI) does not compile everything a second time. `npm run build` always builds.
source "$(dirname "$0")/local/_lib.sh"
set -eu
lm_build_if_stale
