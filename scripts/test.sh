#!/usr/bin/env bash
# Runs the whole test suite (unit and integration tests of every module), installing first what the tests
# need and the machine lacks. Usage: bash scripts/test.sh [extra maven arguments]
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the tests use, as "command:package" pairs; each is installed only when its command is missing.
NEEDED="redis-server:redis-server chromium:chromium chromedriver:chromium-driver node:nodejs npm:npm"   # Redis tests; the callback gateway's browser test; the Credo interop suite (interop/)

missing=()
for pair in $NEEDED; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "Installing test prerequisites: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

java_major=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/.*java.specification.version = //p')
if [ "${java_major%%.*}" -lt 17 ] 2>/dev/null; then
  echo "Java 17 or newer is needed (found $java_major)" >&2
  exit 1
fi

exec mvn -B -ntp verify "$@"
