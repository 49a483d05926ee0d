# Sourced after env.sh by scripts that start the server: how its JVM runs, and the archive it loads classes from.
#
# Start-up counts (test harnesses give a launched server about half a second to listen), so the JVM takes its
# classes from the class-data-sharing archive natsj-server/target/natsj-server.jsa, which the JVM itself creates at
# the end of the first run and refreshes when the jar changes. A missing, stale or unusable archive never stops
# the server: the JVM then loads its classes from the jars.

NATSJ_SERVER_JAR="$NATSJ_ROOT/natsj-server/target/natsj-server.jar"
NATSJ_SERVER_MAIN="io.natsj.server.cli.Main"

# Sets the array NATSJ_SERVER_JVM: the server's JVM options, archives aside. NATSJ_JAVA_OPTS replaces the first two.
natsj_server_jvm_options() {
  # shellcheck disable=SC2206 # word splitting of NATSJ_JAVA_OPTS is intended
  NATSJ_SERVER_JVM=(${NATSJ_JAVA_OPTS:--XX:+UseParallelGC -Xss512k})
  if [ "$NATSJ_JDK_MAJOR" -ge 25 ] 2>/dev/null; then
    # At exit the JVM waits up to 300 ms for threads in native code, and the JDK's socket poller always is once
    # virtual threads used sockets: clients would see the server gone a third of a second before the process is
    # (nats.java's reconnect tests count attempts from the process's end). Nothing of natsj needs that wait.
    NATSJ_SERVER_JVM+=(-XX:UserThreadWaitAttemptsAtExit=0)
  fi
}

# Sets the array NATSJ_SERVER_ARCHIVE: the options that load classes from the class-data-sharing archive.
natsj_server_archive_options() {
  NATSJ_SERVER_ARCHIVE=(-XX:+AutoCreateSharedArchive
    -XX:SharedArchiveFile="$NATSJ_ROOT/natsj-server/target/natsj-server.jsa" -Xlog:cds=off -Xlog:cds+dynamic=off)
}
