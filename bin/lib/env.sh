# Sourced by the scripts in bin/: finds a JDK >= 21 and the repository root.
# JAVA_HOME is used when it holds a JDK >= 21; otherwise the newest JDK >= 21 under /usr/lib/jvm.
# Written to start no other program on the way (bin/natsj-server's start-up time counts: test harnesses give a
# launched server about half a second to listen), so functions set variables instead of printing.

_natsj_lib="${BASH_SOURCE[0]%/*}"
[[ "$_natsj_lib" == /* ]] || _natsj_lib="$PWD/$_natsj_lib"
NATSJ_ROOT="${_natsj_lib%/bin/lib}"
if [ ! -f "$NATSJ_ROOT/pom.xml" ]; then
  NATSJ_ROOT="$(cd "$_natsj_lib/../.." && pwd)"
fi

# Sets NATSJ_JDK_MAJOR and NATSJ_JDK_VERSION (e.g. 25 and 25.0.3) for the JDK at $1, from its release file when it
# has one, else by asking its java; both empty when neither tells.
natsj_jdk_version() {
  NATSJ_JDK_MAJOR=""
  NATSJ_JDK_VERSION=""
  local line
  if [ -f "$1/release" ]; then
    while IFS= read -r line || [ -n "$line" ]; do
      if [[ "$line" =~ ^JAVA_VERSION=\"(([0-9]+)[^\"]*)\" ]]; then
        NATSJ_JDK_VERSION="${BASH_REMATCH[1]}"
        NATSJ_JDK_MAJOR="${BASH_REMATCH[2]}"
        return 0
      fi
    done < "$1/release"
  fi
  NATSJ_JDK_VERSION="$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.version = //p' | head -n 1)"
  NATSJ_JDK_MAJOR="${NATSJ_JDK_VERSION%%[!0-9]*}"
}

# Sets NATSJ_JAVA_HOME to the JDK to use (with NATSJ_JDK_MAJOR/VERSION for it); returns 1 when there is none.
natsj_find_jdk() {
  local candidate best="" best_major=0 best_version=""
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    natsj_jdk_version "$JAVA_HOME"
    if [ -n "$NATSJ_JDK_MAJOR" ] && [ "$NATSJ_JDK_MAJOR" -ge 21 ] 2>/dev/null; then
      NATSJ_JAVA_HOME="$JAVA_HOME"; return 0
    fi
  fi
  for candidate in /usr/lib/jvm/*; do
    [ -x "$candidate/bin/javac" ] || continue
    natsj_jdk_version "$candidate"
    [ -n "$NATSJ_JDK_MAJOR" ] || continue
    if [ "$NATSJ_JDK_MAJOR" -ge 21 ] 2>/dev/null && [ "$NATSJ_JDK_MAJOR" -gt "$best_major" ]; then
      best="$candidate"; best_major="$NATSJ_JDK_MAJOR"; best_version="$NATSJ_JDK_VERSION"
    fi
  done
  if [ -n "$best" ]; then
    NATSJ_JAVA_HOME="$best"; NATSJ_JDK_MAJOR="$best_major"; NATSJ_JDK_VERSION="$best_version"; return 0
  fi
  return 1
}

if ! natsj_find_jdk; then
  echo "natsj: no JDK 21 or newer found (looked at JAVA_HOME and /usr/lib/jvm/*)." >&2
  echo "natsj: install one, e.g. 'apt-get install -y openjdk-21-jdk' or a Temurin JDK." >&2
  exit 1
fi
export JAVA_HOME="$NATSJ_JAVA_HOME"
export PATH="$JAVA_HOME/bin:$PATH"

natsj_require_maven() {
  if ! command -v mvn >/dev/null 2>&1; then
    echo "natsj: Maven not found; installing it with apt-get" >&2
    apt-get update -qq && apt-get install -y -qq maven >&2 || { echo "natsj: please install Maven 3.8+" >&2; exit 1; }
  fi
}

# Builds the server jar (and its runtime libraries) when it is missing or older than a source file.
natsj_build_if_needed() {
  local jar="$NATSJ_ROOT/natsj-server/target/natsj-server.jar"
  if [ ! -f "$jar" ] || [ -n "$(find "$NATSJ_ROOT/pom.xml" "$NATSJ_ROOT/natsj-server/pom.xml" "$NATSJ_ROOT/natsj-server/src/main" -newer "$jar" -print -quit 2>/dev/null)" ]; then
    natsj_require_maven
    echo "natsj: building the server (first run or sources changed)..." >&2
    (cd "$NATSJ_ROOT" && mvn -B -q -ntp -Dstyle.color=never -DskipTests -pl natsj-server -am package) >&2 || { echo "natsj: build failed" >&2; exit 1; }
    NATSJ_BUILT=1
  fi
}

# Maven's own libraries use sun.misc.Unsafe, which JDK 24+ warns about on every run.
if [ "$NATSJ_JDK_MAJOR" -ge 24 ] 2>/dev/null; then
  export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
fi
