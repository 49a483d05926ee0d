# Sourced after env.sh by scripts that start the server: how its JVM runs, and the archives it loads classes from.
#
# Start-up counts (test harnesses give a launched server about half a second to listen), so the JVM takes its
# classes from an archive made for this jar and this JDK:
# - JDK 24 and newer: the ahead-of-time cache (JEP 483), natsj-server/target/natsj-server-<jdk version>.aot, made
#   from a training run (io.natsj.server.cli.StartupTraining: start, one client, shutdown). It is made right after
#   a build by bin/natsj-server, and in the background after a start that found it missing or older than the jar
#   (that start uses the class-data-sharing archive below). A failed training is not retried for the same jar.
# - Otherwise, or until then: the class-data-sharing archive natsj-server/target/natsj-server.jsa, which the JVM
#   itself creates at the end of the first run and refreshes when the jar changes.
# A missing, stale or unusable archive never stops the server: the JVM then loads its classes from the jars.

NATSJ_SERVER_JAR="$NATSJ_ROOT/natsj-server/target/natsj-server.jar"
NATSJ_SERVER_MAIN="io.natsj.server.cli.Main"

# Sets the array NATSJ_SERVER_JVM: the server's JVM options, archives aside. NATSJ_JAVA_OPTS replaces the first two.
natsj_server_jvm_options() {
  # HotSpot suspends its threads with SIGUSR2 (JFR samples that way every few milliseconds), which nats-server uses
  # for lame duck mode: the JVM takes another signal, so SIGUSR2 reaches natsj (cli/ServerSignals checks this).
  export _JAVA_SR_SIGNUM="${_JAVA_SR_SIGNUM:-39}"
  # shellcheck disable=SC2206 # word splitting of NATSJ_JAVA_OPTS is intended
  NATSJ_SERVER_JVM=(${NATSJ_JAVA_OPTS:--XX:+UseParallelGC -Xss512k})
  if [ "$NATSJ_JDK_MAJOR" -ge 25 ] 2>/dev/null; then
    # At exit the JVM waits up to 300 ms for threads in native code, and the JDK's socket poller always is once
    # virtual threads used sockets: clients would see the server gone a third of a second before the process is
    # (nats.java's reconnect tests count attempts from the process's end). Nothing of natsj needs that wait.
    NATSJ_SERVER_JVM+=(-XX:UserThreadWaitAttemptsAtExit=0)
  fi
}

NATSJ_AOT_CACHE="$NATSJ_ROOT/natsj-server/target/natsj-server-${NATSJ_JDK_VERSION}.aot"

# True when the ahead-of-time cache exists for this JDK and is newer than the jar. (The JVM's own check does not
# notice a rebuilt jar in every case, and a cache of old classes must never be used.)
natsj_aot_cache_fresh() {
  [ "$NATSJ_JDK_MAJOR" -ge 24 ] 2>/dev/null && [ -f "$NATSJ_AOT_CACHE" ] && [ "$NATSJ_AOT_CACHE" -nt "$NATSJ_SERVER_JAR" ]
}

# Sets the array NATSJ_SERVER_ARCHIVE: the options that load classes from the fresh ahead-of-time cache, or else
# from the class-data-sharing archive.
natsj_server_archive_options() {
  if natsj_aot_cache_fresh; then
    NATSJ_SERVER_ARCHIVE=(-XX:AOTCache="$NATSJ_AOT_CACHE" -Xlog:aot=off -Xlog:cds=off)
  else
    NATSJ_SERVER_ARCHIVE=(-XX:+AutoCreateSharedArchive
      -XX:SharedArchiveFile="$NATSJ_ROOT/natsj-server/target/natsj-server.jsa" -Xlog:cds=off -Xlog:cds+dynamic=off)
  fi
}

# Makes the ahead-of-time cache from a training run (JDK 24+); quiet, output in natsj-server.aot.log. Several
# launches at once make it once; a failure is remembered until the jar changes.
natsj_aot_train() {
  [ "$NATSJ_JDK_MAJOR" -ge 24 ] 2>/dev/null || return 0
  local cache="$NATSJ_AOT_CACHE" lock="$NATSJ_AOT_CACHE.lock" log="$NATSJ_ROOT/natsj-server/target/natsj-server.aot.log"
  if [ -f "$cache.failed" ] && [ "$cache.failed" -nt "$NATSJ_SERVER_JAR" ]; then
    return 1
  fi
  if ! mkdir "$lock" 2>/dev/null; then
    # another launch is training; a lock left by a training that died is taken over after two minutes
    [ -n "$(find "$lock" -maxdepth 0 -mmin +2 2>/dev/null)" ] || return 0
    touch "$lock"
  fi
  natsj_server_jvm_options
  local tmp="$cache.$$" ok=0
  {
    echo "natsj: training run for $cache ($(date))"
    "$JAVA_HOME/bin/java" "${NATSJ_SERVER_JVM[@]}" -XX:AOTMode=record -XX:AOTConfiguration="$tmp.conf" \
      -Xlog:aot=off -Xlog:cds=off -cp "$NATSJ_SERVER_JAR" io.natsj.server.cli.StartupTraining \
    && "$JAVA_HOME/bin/java" "${NATSJ_SERVER_JVM[@]}" -XX:AOTMode=create -XX:AOTConfiguration="$tmp.conf" \
      -XX:AOTCache="$tmp" -Xlog:aot=off -Xlog:cds=off -cp "$NATSJ_SERVER_JAR" \
    && mv -f "$tmp" "$cache" && ok=1
  } > "$log" 2>&1 < /dev/null || true
  rm -f "$tmp" "$tmp.conf"
  rmdir "$lock" 2>/dev/null || true
  if [ "$ok" = 1 ]; then
    rm -f "$cache.failed"
    return 0
  fi
  touch "$cache.failed"
  return 1
}

# Starts natsj_aot_train in the background when the cache is due: in a session of its own (a harness that stops
# the server by killing its process group does not cut the training short) and detached from this script's
# output; it waits a moment and runs at low priority, so the server starting now comes first.
natsj_aot_train_in_background() {
  [ "$NATSJ_JDK_MAJOR" -ge 24 ] 2>/dev/null || return 0
  natsj_aot_cache_fresh && return 0
  if [ -f "$NATSJ_AOT_CACHE.failed" ] && [ "$NATSJ_AOT_CACHE.failed" -nt "$NATSJ_SERVER_JAR" ]; then
    return 0
  fi
  local train="sleep 2; renice -n 19 \$\$ >/dev/null 2>&1; source '$NATSJ_ROOT/bin/lib/env.sh' \
    && source '$NATSJ_ROOT/bin/lib/server-jvm.sh' && natsj_aot_train"
  if command -v setsid >/dev/null 2>&1; then
    setsid bash -c "$train" > /dev/null 2>&1 < /dev/null &
  else
    bash -c "$train" > /dev/null 2>&1 < /dev/null &
  fi
}
