#!/usr/bin/env bash
# `npm run build` only when dist/ no longer matches the sources (a source edited, deleted or new, or package.json or a
# tsconfig changed; the build stamp decides): `npm ci` has just built, so `npm test` right after it (CI) does not
# compile everything a second time. `npm run build` always builds.
source "$(dirname "$0")/local/_lib.sh"
set -eu
lm_build_if_stale
