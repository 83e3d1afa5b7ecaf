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
# the PostgreSQL tests start their own initdb and postgres, which Debian keeps off the PATH
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || command -v initdb >/dev/null 2>&1 || missing+=(postgresql)
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

# Node's ws for TlsIT's wss test (the TypeScript client's transport); without npm that test is skipped
if command -v npm >/dev/null 2>&1 && [ ! -d target/node/node_modules/ws ]; then
  npm install --no-save --no-audit --no-fund --prefix target/node ws@8 >/dev/null 2>&1 \
    || echo "npm install ws failed: TlsIT's Node test will be skipped"
fi

mvn -B -ntp verify "$@"

# the release build without signing or uploading: javadoc's doclint and the Central bundle's contents
# (MPR_RELEASE_DRY_RUN=0 leaves it out)
if [ "${MPR_RELEASE_DRY_RUN:-1}" != 0 ]; then
  bash scripts/release-dry-run.sh
fi
