#!/usr/bin/env bash
# Rewrites the API dumps of the published modules (<module>/api/<module>.api) from their classes: builds them
# and runs the api-check module's PublicApiTest with -Dmpr.api.update=true. Review the diff and commit it with
# the change to the API. Usage: bash scripts/update-api.sh [extra maven arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -ntp -q -pl api-check -am test -Dtest=PublicApiTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dmpr.api.update=true "$@"
git status --short -- '*/api/*.api'
