# Shared by the build's check scripts (sourced, not run).

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# The Maven the release runs with when the one on the PATH is older than the release profile needs
# (central-publishing-maven-plugin needs 3.9.2). Fetched from the build's Maven repository, like a dependency.
RELEASE_MAVEN_VERSION=3.9.16

log() { printf '%s\n' "$*" >&2; }

# Sets WORK to the directory $1 (kept afterwards), or to a new temporary one removed on exit. A script that
# starts something needing an end (gpg-agent) defines cleanup_hook, which runs on exit in both cases.
use_work_dir() {
  WORK="${1:-}"
  REMOVE_WORK=false
  if [ -z "$WORK" ]; then
    WORK="$(mktemp -d)"
    REMOVE_WORK=true
  fi
  mkdir -p "$WORK"
  WORK="$(cd "$WORK" && pwd)"
  trap on_exit EXIT
}

on_exit() {
  if declare -F cleanup_hook >/dev/null; then cleanup_hook || true; fi
  if [ "$REMOVE_WORK" = true ]; then rm -rf "$WORK"; fi
}
die() { log "FAILED: $*"; exit 1; }

# Copies the working tree (tracked and untracked files, not ignored ones, so no target/) to $1: a build there
# starts from clean without touching this checkout.
copy_tree() {
  local dest="$1"
  mkdir -p "$dest"
  (cd "$ROOT" && git ls-files -z --cached --others --exclude-standard \
    | while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done \
    | tar --null -T - -cf -) | tar -C "$dest" -xf -
}

# The project's version, from build-parent/pom.xml (every module carries the same).
project_version() {
  sed -n '/<parent>/,/<\/parent>/d; s:^  <version>\(.*\)</version>.*:\1:p' "$1/build-parent/pom.xml" | head -1
}

# Runs Maven quietly with its output in the file $1; shows the end of that output if it fails.
run_logged() {
  local logfile="$1"; shift
  if ! "$@" >"$logfile" 2>&1; then
    log "--- last lines of $logfile ---"
    tail -n 60 "$logfile" >&2
    return 1
  fi
}

maven_version() {
  "$1" -B -v 2>/dev/null | sed 's/\x1b\[[0-9;]*m//g' | sed -n 's/^Apache Maven \([0-9][0-9.]*\).*/\1/p' | head -1
}

version_at_least() { # $1 >= $2
  [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -1)" = "$2" ]
}

# Prints the path of a Maven >= 3.9.2: the one on the PATH if it is recent enough, else RELEASE_MAVEN_VERSION
# unpacked into $1 (fetched by the Maven on the PATH through maven-dependency-plugin, from the same repositories
# as every other dependency, so a mirror or an air-gapped repository serves it too).
release_maven() {
  local work="$1" current
  current="$(maven_version mvn)"
  if [ -n "$current" ] && version_at_least "$current" 3.9.2; then
    command -v mvn
    return
  fi
  log "Maven ${current:-?} on the PATH is older than 3.9.2: using Maven $RELEASE_MAVEN_VERSION for the release build"
  run_logged "$work/fetch-maven.log" mvn -B -ntp -N -f "$ROOT/pom.xml" dependency:copy \
    -Dartifact="org.apache.maven:apache-maven:$RELEASE_MAVEN_VERSION:tar.gz:bin" -DoutputDirectory="$work" \
    || die "could not fetch Maven $RELEASE_MAVEN_VERSION"
  tar -C "$work" -xzf "$work/apache-maven-$RELEASE_MAVEN_VERSION-bin.tar.gz"
  printf '%s\n' "$work/apache-maven-$RELEASE_MAVEN_VERSION/bin/mvn"
}
