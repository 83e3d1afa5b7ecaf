#!/usr/bin/env bash
# The release build without signing or uploading, in a copy of the project with the release version
# (1.2.3-SNAPSHOT -> 1.2.3): `mvn -Prelease -Dgpg.skip -DskipTests verify`, which runs javadoc with doclint
# and builds the Central bundle; javadoc warnings other than the gaps listed in scripts/javadoc-gaps.txt
# fail it (MPR_UPDATE_JAVADOC_GAPS=1 rewrites the list after filling gaps). Then it checks that the bundle
# holds, for each published module, the pom, the jar, the sources and the javadoc, each with its checksums,
# and that the published jars and poms keep the rules of docs/releasing.md.
# Usage: bash scripts/release-dry-run.sh [extra maven arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
export LC_ALL=C   # one sort order for scripts/javadoc-gaps.txt everywhere
started=$SECONDS

work=$(mktemp -d "${TMPDIR:-/tmp}/mpr-release-dry-run.XXXXXX")
trap 'rm -rf "$work"' EXIT
copy="$work/project"
mkdir -p "$copy"
# what a clean clone holds: tracked files and new ones that are not ignored, as they are in the work tree
git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do
  [ -e "$f" ] && printf '%s\0' "$f"
done | tar --null -T - -cf - | tar -xf - -C "$copy"

snapshot=$(sed -n 's:^  <version>\(.*-SNAPSHOT\)</version>$:\1:p' pom.xml | head -n 1)
if [ -z "$snapshot" ]; then
  echo "release-dry-run: the root pom's version is not a -SNAPSHOT" >&2
  exit 1
fi
version=${snapshot%-SNAPSHOT}
find "$copy" -name pom.xml -exec sed -i "s:<version>$snapshot</version>:<version>$version</version>:" {} +

echo "release-dry-run: mvn -Prelease -Dgpg.skip -DskipTests verify on $version in a copy of the project"
# every doclint check; a warning of another kind than a gap listed in scripts/javadoc-gaps.txt fails below
log="$work/build.log"
if ! (cd "$copy" && mvn -B -ntp -Prelease -Dgpg.skip -DskipTests -Dmpr.javadoc.doclint=all \
    -Dmpr.javadoc.failOnWarnings=false verify "$@" > "$log" 2>&1); then
  grep -E '^\[ERROR\]' "$log" | head -n 40 >&2
  echo "release-dry-run: the release build failed" >&2
  exit 1
fi

# javadoc's warnings as "count file: message", without line numbers
gaps=$(grep -E '^\[WARNING\] .*\.java:[0-9]+: warning: ' "$log" | sed -E "s#^\[WARNING\] $copy/##; s#:[0-9]+: warning: #: #" \
  | sort | uniq -c | sed -E 's/^ *([0-9]+) /\1 /' || true)
listed=$(grep -v '^#' scripts/javadoc-gaps.txt || true)
if [ "${MPR_UPDATE_JAVADOC_GAPS:-0}" = 1 ]; then
  { grep '^#' scripts/javadoc-gaps.txt; [ -z "$gaps" ] || echo "$gaps"; } > "$work/gaps" && cp "$work/gaps" scripts/javadoc-gaps.txt
  listed=$gaps
  echo "release-dry-run: scripts/javadoc-gaps.txt rewritten ($(grep -vc '^#' scripts/javadoc-gaps.txt || true) lines)"
fi

bundle="$copy/target/central-publishing/central-bundle.zip"
if [ ! -f "$bundle" ]; then
  echo "release-dry-run: no bundle at target/central-publishing/central-bundle.zip" >&2
  exit 1
fi
unpacked="$work/bundle"
mkdir -p "$unpacked"
(cd "$unpacked" && jar xf "$bundle")

# the <dependency> blocks of a pom, one a line, those of <dependencyManagement> left out
dependencies() {
  tr -d '\n' < "$1" | sed 's:<dependencyManagement>.*</dependencyManagement>::' \
    | sed 's:<dependency>:\n<dependency>:g; s:</dependency>:</dependency>\n:g' | grep '^<dependency>' || true
}

failures=0
fail() {
  echo "release-dry-run: $*" >&2
  failures=$((failures + 1))
}

base="$unpacked/io/github/mpr4j"
# every module is published unless it sets maven.deploy.skip; the BOM must pin each published jar module
modules=$(sed -n 's:^    <module>\(.*\)</module>$:\1:p' pom.xml)
for m in $modules; do
  grep -q '<maven.deploy.skip>true</maven.deploy.skip>' "$m/pom.xml" && continue
  a=$(sed -n '0,/<\/parent>/d; s:^  <artifactId>\(.*\)</artifactId>$:\1:p' "$m/pom.xml" | head -n 1)
  packaging=$(sed -n 's:^  <packaging>\(.*\)</packaging>$:\1:p' "$m/pom.xml")
  if [ "${packaging:-jar}" = jar ]; then
    grep -q "<artifactId>$a</artifactId>" mpr-bom/pom.xml || fail "mpr-bom does not pin $a"
    files="$a-$version.pom $a-$version.jar $a-$version-sources.jar $a-$version-javadoc.jar"
  else
    files="$a-$version.pom"
  fi
  for f in $files; do
    [ -f "$base/$a/$version/$f" ] || { fail "$a: $f is not in the bundle"; continue; }
    for sum in md5 sha1 sha256 sha512; do
      [ -f "$base/$a/$version/$f.$sum" ] || fail "$a: $f.$sum is not in the bundle"
    done
  done
done
for unpublished in $(grep -l '<maven.deploy.skip>true</maven.deploy.skip>' */pom.xml); do
  a=$(sed -n '0,/<\/parent>/d; s:^  <artifactId>\(.*\)</artifactId>$:\1:p' "$unpublished" | head -n 1)
  [ ! -e "$base/$a" ] || fail "$a sets maven.deploy.skip but is in the bundle"
done
[ -f "$base/mpr-parent/$version/mpr-parent-$version.pom" ] || fail "the parent pom is not in the bundle"

# the BOM as published: no parent, and only mpr4j modules
bom="$base/mpr-bom/$version/mpr-bom-$version.pom"
if [ -f "$bom" ]; then
  grep -q '<parent>' "$bom" && fail "the published mpr-bom has a parent (importing it would bring the build's versions)"
  grep -v 'io.github.mpr4j' <<<"$(grep '<groupId>' "$bom")" | grep -q . \
    && fail "the published mpr-bom pins something else than mpr4j modules"
fi

# library jars: no logging configuration; library poms: logback-classic only for tests or optional
for jar in "$base"/*/"$version"/*-"$version".jar; do
  grep -qx 'logback.xml' <<<"$(jar tf "$jar")" && fail "$(basename "$jar") ships logback.xml"
done
for pom in "$base"/*/"$version"/*.pom; do
  if grep 'logback-classic' <<<"$(dependencies "$pom")" | grep -v '<scope>test</scope>' \
      | grep -qv '<optional>true</optional>'; then
    fail "$(basename "$pom") makes logback-classic a compile or runtime dependency of its users"
  fi
done
# every published jar names its module in its manifest (Automatic-Module-Name): a valid module name, each
# name once, and no package in two jars (the module path refuses split packages)
manifests="$work/manifests"
declare -A module_jar=() package_jar=()
for jar in "$base"/*/"$version"/*-"$version".jar; do
  j=$(basename "$jar")
  rm -rf "$manifests" && mkdir -p "$manifests"
  (cd "$manifests" && jar xf "$jar" META-INF/MANIFEST.MF)
  name=$(sed -n 's/^Automatic-Module-Name: *//p' "$manifests/META-INF/MANIFEST.MF" 2>/dev/null | tr -d '\r')
  if [ -z "$name" ]; then
    fail "$j has no Automatic-Module-Name in its manifest"
    continue
  fi
  grep -qE '^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$' <<<"$name" || fail "$j: '$name' is not a module name"
  [ -z "${module_jar[$name]:-}" ] || fail "$j and ${module_jar[$name]} are both module $name"
  module_jar[$name]=$j
  for p in $(jar tf "$jar" | sed -n 's:^\(.*\)/[^/]*\.class$:\1:p' | sort -u); do
    [ -z "${package_jar[$p]:-}" ] || fail "package ${p//\//.} is in $j and in ${package_jar[$p]}"
    package_jar[$p]=$j
  done
done
push_pom="$base/mpr-push/$version/mpr-push-$version.pom"
for provider in pushy firebase-admin; do
  grep "<artifactId>$provider</artifactId>" <<<"$(dependencies "$push_pom")" | grep -q '<optional>true</optional>' \
    || fail "mpr-push's $provider is not optional"
done

# the runnable jar: logging set-up, merged licence and notice, its native transport
all="$base/mpr-server/$version/mpr-server-$version-all.jar"
if [ -f "$all" ]; then
  listing=$(jar tf "$all")
  for entry in logback.xml META-INF/LICENSE META-INF/NOTICE META-INF/native/libnetty_transport_native_epoll_x86_64.so; do
    grep -qx "$entry" <<<"$listing" || fail "mpr-server-$version-all.jar has no $entry"
  done
else
  fail "mpr-server-$version-all.jar is not in the bundle"
fi

if [ "$gaps" != "$listed" ]; then
  new_gaps=$(comm -23 <(sort <<<"$gaps") <(sort <<<"$listed") | grep . || true)
  gone=$(comm -13 <(sort <<<"$gaps") <(sort <<<"$listed") | grep . || true)
  [ -z "$new_gaps" ] || fail "javadoc warnings not in scripts/javadoc-gaps.txt (document the new API):"$'\n'"$new_gaps"
  [ -z "$gone" ] || fail "gaps listed in scripts/javadoc-gaps.txt that are gone (remove the lines):"$'\n'"$gone"
fi

if [ "$failures" -gt 0 ]; then
  echo "release-dry-run: $failures problem(s) in the bundle" >&2
  exit 1
fi
echo "release-dry-run: the bundle holds every published module with sources, javadoc and checksums" \
  "($(grep -c '\.jar$' <<<"$(jar tf "$bundle")") jars) in $((SECONDS - started)) s"
