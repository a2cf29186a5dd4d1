#!/usr/bin/env bash
# Lints .github/workflows with actionlint (github.com/rhysd/actionlint), installed from the Go module proxy into
# .local/bin on first use (needs Go 1.24+; about a minute the first time). Exit status is actionlint's.
#   scripts/ci/actionlint.sh [files...]     default: every workflow
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
VERSION=v1.7.12
BIN="$ROOT/.local/bin/actionlint"
if [[ ! -x "$BIN" ]] || ! "$BIN" -version 2>/dev/null | head -1 | grep -qx "$VERSION"; then
  command -v go >/dev/null || { echo "actionlint.sh: Go is needed to install actionlint $VERSION (go install github.com/rhysd/actionlint/cmd/actionlint@$VERSION)" >&2; exit 2; }
  mkdir -p "$ROOT/.local/bin"
  echo "actionlint.sh: installing actionlint $VERSION into .local/bin" >&2
  GOBIN="$ROOT/.local/bin" go install "github.com/rhysd/actionlint/cmd/actionlint@$VERSION" >&2
fi
cd "$ROOT"
# shellcheck and pyflakes integrations are off: they would depend on whatever the machine has installed.
exec "$BIN" -shellcheck= -pyflakes= "$@"
