#!/usr/bin/env bash
# Reproducible builds: builds the SDK twice, each from a clean copy of this working tree in a different
# directory, and compares every jar and SBOM of the two builds byte for byte. Fails on any difference, naming
# the files (and, for a jar, the entries) that differ. Also runs maven-artifact-plugin's check-buildplan, which
# fails on a plugin known to write non-reproducible output.
#
# Usage: scripts/reproducibility-check.sh [work-dir]   (default: a new temporary directory, removed afterwards)
# Needs git, Java 17 and Maven 3.8.1+; reads the local Maven repository and installs nothing into it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

use_work_dir "${1:-}"

build() { # $1: directory to build in
  copy_tree "$1"
  run_logged "$1.log" mvn -B -ntp -f "$1/pom.xml" package -DskipTests || die "the build in $1 failed"
}

# Two different paths, so a build that records where it ran shows up as a difference.
A="$WORK/first/ssm-onprem-java-sdk"
B="$WORK/second-build/sdk"

log "reproducibility: artifact:check-buildplan"
copy_tree "$A"
run_logged "$WORK/check-buildplan.log" mvn -B -ntp -f "$A/pom.xml" artifact:check-buildplan \
  || die "artifact:check-buildplan found a plugin that does not build reproducibly"

log "reproducibility: first build in $A"
build "$A"
log "reproducibility: second build in $B"
build "$B"

# What a build hands out: every jar (library jars, sources, javadoc, test-jars, the ssm and benchmark jars,
# the Spring Boot sample) and every SBOM.
outputs() {
  (cd "$1" && find . -path '*/target/*' -prune -o -type d -name target -print \
    | while read -r t; do find "$t" -maxdepth 1 -type f \( -name '*.jar' -o -name 'bom.json' \); done \
    | sed 's:^\./::' | sort)
}

outputs "$A" >"$WORK/first.list"
outputs "$B" >"$WORK/second.list"
[ -s "$WORK/first.list" ] || die "the first build produced no jar"
if ! diff -u "$WORK/first.list" "$WORK/second.list" >&2; then
  die "the two builds produced different sets of files"
fi

differ=0
while read -r f; do
  if ! cmp -s "$A/$f" "$B/$f"; then
    differ=$((differ + 1))
    log "DIFFERS: $f"
    if [[ "$f" == *.jar ]]; then
      diff <(unzip -Z -T "$A/$f" 2>/dev/null | tail -n +2; unzip -v "$A/$f" | awk 'NR>3 {print $7, $8}') \
           <(unzip -Z -T "$B/$f" 2>/dev/null | tail -n +2; unzip -v "$B/$f" | awk 'NR>3 {print $7, $8}') | head -20 >&2 || true
    else
      diff "$A/$f" "$B/$f" | head -20 >&2 || true
    fi
  fi
done <"$WORK/first.list"

count="$(wc -l <"$WORK/first.list")"
[ "$differ" -eq 0 ] || die "$differ of $count files differ between two builds of the same sources"
log "reproducibility: $count files (jars and SBOMs) identical in two clean builds"
