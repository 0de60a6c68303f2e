#!/usr/bin/env bash
# Release dry run: proves the release profile works without publishing anything. In a clean copy of this working
# tree it sets the release version (the snapshot version without -SNAPSHOT), generates a throwaway GPG key, runs
# `mvn -P release deploy -DskipUpload=true` (signs, bundles for Maven Central, uploads nothing, needs no
# credentials) and checks the bundle: every published module with its POM, jar, sources, javadoc and SBOM, each
# signed (verified with gpg) and summed, its metadata complete, and no module that is not published.
#
# Usage: scripts/release-dry-run.sh [work-dir]   (default: a new temporary directory, removed afterwards)
# Needs git, gpg, unzip, Java 17 and Maven; when the Maven on the PATH is older than 3.9.2 (the release profile's
# minimum) it fetches Maven $RELEASE_MAVEN_VERSION through Maven. Writes nothing into the local repository
# ($SSM_LOCAL_REPOSITORY, default ~/.m2/repository), which it only reads.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

use_work_dir "${1:-}"
cleanup_hook() { GNUPGHOME="$WORK/gnupg" gpgconf --kill gpg-agent 2>/dev/null; }
SRC="$WORK/src"
LOCAL_REPOSITORY="${SSM_LOCAL_REPOSITORY:-$HOME/.m2/repository}"

copy_tree "$SRC"
SNAPSHOT="$(project_version "$SRC")"
RELEASE="${SNAPSHOT%-SNAPSHOT}"
[ "$RELEASE" != "$SNAPSHOT" ] || die "the project version $SNAPSHOT is not a snapshot"
# What a release commit does: every module's own and parent version becomes the release version.
find "$SRC" -name pom.xml -not -path '*/target/*' -print0 \
  | xargs -0 sed -i "s:<version>$SNAPSHOT</version>:<version>$RELEASE</version>:g"
if grep -rl --include=pom.xml -e "$SNAPSHOT" "$SRC" >&2; then
  die "$SNAPSHOT is still named in the POMs above"
fi

# A throwaway signing key, made here and deleted with the work directory; never a real key.
export GNUPGHOME="$WORK/gnupg"
mkdir -m 700 -p "$GNUPGHOME"
gpg --batch --quiet --passphrase '' --quick-generate-key \
  "SSM On-Prem SDK release dry run <release-dry-run@invalid>" ed25519 sign 1d 2>/dev/null
KEY="$(gpg --batch --list-secret-keys --with-colons 2>/dev/null | awk -F: '/^fpr:/ {print $10; exit}')"
[ -n "$KEY" ] || die "no throwaway GPG key was generated"

MVN="$(release_maven "$WORK")"
log "release dry run: version $RELEASE, Maven $(maven_version "$MVN"), throwaway key $KEY"
# The release version's artifacts must not reach the shared local repository (not even as "not found" markers
# of lookups for them): the build writes to a repository of its own and reads the shared one as a read-only tail.
run_logged "$WORK/release.log" "$MVN" -B -ntp -f "$SRC/pom.xml" -P release deploy \
  -DskipTests -DskipUpload=true -Dmaven.install.skip=true -Dgpg.keyname="$KEY" \
  -Dmaven.repo.local="$WORK/repository" -Dmaven.repo.local.tail="$LOCAL_REPOSITORY" \
  || die "the release build failed"

# The publishing plugin works in the first module of the build's target directory (build-parent/target).
BUNDLE_ZIP="$(find "$SRC" -path '*/target/central-publishing/central-bundle.zip' | head -1)"
[ -n "$BUNDLE_ZIP" ] || die "the release build made no central-bundle.zip"
unzip -q "$BUNDLE_ZIP" -d "$WORK/bundle"

log "release dry run: checking $(basename "$BUNDLE_ZIP")"
java "$ROOT/scripts/CheckReleaseBundle.java" "$SRC" "$WORK/bundle" || die "the bundle is incomplete"

signatures=0
while IFS= read -r -d '' asc; do
  gpg --batch --quiet --verify "$asc" "${asc%.asc}" 2>/dev/null || die "bad signature: ${asc#"$WORK/bundle/"}"
  signatures=$((signatures + 1))
done < <(find "$WORK/bundle" -name '*.asc' -print0)
[ "$signatures" -gt 0 ] || die "no signature in the bundle"
log "release dry run: bundle complete, $signatures signatures verified"
