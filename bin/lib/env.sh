# Sourced by the scripts in bin/: finds a JDK >= 21 and the repository root.
# JAVA_HOME is used when it holds a JDK >= 21; otherwise the newest JDK >= 21 under /usr/lib/jvm.

NATSJ_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

natsj_java_major() {
  # prints the major version of the java binary given as $1, or nothing; reads the JDK's release file when there
  # is one (no JVM start), else asks the binary
  local release v
  release="$(dirname "$(dirname "$1")")/release"
  if [ -f "$release" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release" | head -n 1)
    if [ -n "$v" ]; then echo "$v"; return 0; fi
  fi
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n 1
}

natsj_find_jdk() {
  local candidate major best="" best_major=0
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    major=$(natsj_java_major "$JAVA_HOME/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 21 ] 2>/dev/null; then
      echo "$JAVA_HOME"; return 0
    fi
  fi
  for candidate in /usr/lib/jvm/*; do
    [ -x "$candidate/bin/javac" ] || continue
    major=$(natsj_java_major "$candidate/bin/java")
    [ -n "$major" ] || continue
    if [ "$major" -ge 21 ] 2>/dev/null && [ "$major" -gt "$best_major" ]; then
      best="$candidate"; best_major="$major"
    fi
  done
  if [ -n "$best" ]; then echo "$best"; return 0; fi
  return 1
}

if ! NATSJ_JAVA_HOME="$(natsj_find_jdk)"; then
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
  fi
}

# Maven's own libraries use sun.misc.Unsafe, which JDK 24+ warns about on every run.
if [ "$(natsj_java_major "$JAVA_HOME/bin/java")" -ge 24 ] 2>/dev/null; then
  export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
fi
