#!/usr/bin/env bash
# Fills a folder with everything an air-gapped network needs to build, test and use the SDK: the SDK's own
# artifacts built from this working tree, their dependencies, the test dependencies and every Maven plugin of
# the build, in Maven repository layout. Run it where Maven Central (or a mirror of it) is reachable; carry the
# folder across; there, either build with `mvn -o -Dmaven.repo.local=<folder> verify`, or import the folder into
# the network's repository manager (README, "Offline and air-gapped use").
#
# Usage: scripts/offline-repository.sh <folder>   (created if missing; never the shared ~/.m2/repository)
# Needs git, Java 17 and Maven 3.8.1+. Builds in a clean copy of the working tree, without running the tests
# (the folder still gets what they need).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[ $# -eq 1 ] || { log "usage: $0 <folder>"; exit 2; }
mkdir -p "$1"
DIR="$(cd "$1" && pwd)"
[ "$DIR" != "$(cd "$HOME/.m2/repository" 2>/dev/null && pwd)" ] || die "use a new folder, not the local repository"

use_work_dir ""
copy_tree "$WORK/src"

log "offline repository: building into $DIR"
# install: the SDK's artifacts go into the folder too. The test filters select every test class but no test
# method: Surefire and Failsafe resolve their JUnit Platform providers (which they fetch only when they find
# test classes) and run nothing.
NO_METHOD='*#noTestMethodHasThisName'
run_logged "$WORK/build.log" mvn -B -ntp -f "$WORK/src/pom.xml" -Dmaven.repo.local="$DIR" install \
  -Dtest="$NO_METHOD" -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test="$NO_METHOD" -Dit.failIfNoSpecifiedTests=false \
  || die "the build that fills $DIR failed"

# Resolver bookkeeping that ties each file to the repository it came from: without it the folder serves any
# repository id (an air-gapped mirror's, or none with -o).
find "$DIR" \( -name '_remote.repositories' -o -name '*.lastUpdated' -o -name 'resolver-status.properties' \) -delete

log "offline repository: $(find "$DIR" -type f | wc -l) files, $(du -sh "$DIR" | cut -f1) in $DIR"
