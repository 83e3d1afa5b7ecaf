#!/usr/bin/env bash
# The Credo interop suite against a running MPR server.
# Usage: bash interop/credo/run.sh WS_URL [WS_URL2]
#   WS_URL   the server's MPR WebSocket API, e.g. ws://127.0.0.1:3100
#   WS_URL2  a second server instance sharing the first one's store (Redis): adds the two-instance check
# Installs the pinned npm packages on first use (npm ci from package-lock.json, no install scripts: Askar's
# native download is not needed, the agents use a libsodium wallet), then prints PASS/FAIL per check and
# "N passed, M failed" last; exits non-zero when a check failed.
set -euo pipefail
cd "$(dirname "$0")"

if [ "$#" -lt 1 ] || [ "$#" -gt 2 ]; then
  echo "usage: bash interop/credo/run.sh WS_URL [WS_URL2]" >&2
  exit 2
fi
for tool in node npm; do
  command -v "$tool" >/dev/null 2>&1 || { echo "$tool is needed (Node.js 18 or newer)" >&2; exit 2; }
done

# npm ci only when node_modules was not installed from this very lock file
if ! cmp -s package-lock.json node_modules/.installed-from-lock.json 2>/dev/null; then
  echo "Installing the interop suite's npm packages"
  timeout 600 npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
  cp package-lock.json node_modules/.installed-from-lock.json
fi

exec timeout 600 node suite.js "$@"
