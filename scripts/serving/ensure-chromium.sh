#!/usr/bin/env bash
# Makes sure a headless browser is there for the embedded-dashboard test: Debian's chromium, installed with apt when
# missing (CI runs as root on Debian). Prints the browser's path on stdout; exits 3 with the reason on stderr when it
# cannot be had (not root, no apt-get), so the test can say loudly why it is skipped.
set -euo pipefail
for b in /usr/bin/chromium /usr/bin/chromium-browser; do
  if [[ -x "$b" ]]; then echo "$b"; exit 0; fi
done
if [[ "$(id -u)" != 0 ]]; then echo "chromium is not installed and this user is not root: apt-get install -y chromium" >&2; exit 3; fi
if ! command -v apt-get >/dev/null; then echo "chromium is not installed and there is no apt-get on this machine" >&2; exit 3; fi
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -q --no-install-recommends chromium >/tmp/lakemesh-chromium-install.log 2>&1; then
  apt-get update -q >>/tmp/lakemesh-chromium-install.log 2>&1 || true
  apt-get install -y -q --no-install-recommends chromium >>/tmp/lakemesh-chromium-install.log 2>&1 || { echo "apt-get install chromium failed; see /tmp/lakemesh-chromium-install.log" >&2; exit 3; }
fi
[[ -x /usr/bin/chromium ]] || { echo "chromium installed but /usr/bin/chromium is missing" >&2; exit 3; }
echo /usr/bin/chromium
