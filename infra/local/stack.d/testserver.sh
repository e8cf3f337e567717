# shellcheck shell=bash
# The Temporal time-skipping test server: only a wrapper script, which @temporalio/testing starts per
# test run. Sourced by infra/local/stack.

readonly TESTSERVER_WRAPPER="$CACHE_DIR/testserver/temporal-test-server"

# Writes the wrapper @temporalio/testing starts per test run (it passes the port as the first
# argument), then proves it by starting it once on a free port.
up_testserver() {
  local started classpath java_bin tmp
  if is_external TEMPORAL_TEST_SERVER_PATH "$TESTSERVER_WRAPPER"; then
    [[ -x $TEMPORAL_TEST_SERVER_PATH && -f $TEMPORAL_TEST_SERVER_PATH ]] ||
      die "TEMPORAL_TEST_SERVER_PATH $TEMPORAL_TEST_SERVER_PATH is not an executable file"
    say "testserver: using TEMPORAL_TEST_SERVER_PATH"
    return
  fi
  started=$(now)
  if [[ -x $TESTSERVER_WRAPPER ]] && classpath_current testserver; then
    say "testserver: ready at $TESTSERVER_WRAPPER"
    return
  fi
  require_java
  maven_classpath testserver
  java_bin="$(command -v java)"
  classpath="$(cat "$CACHE_DIR/testserver/classpath.txt")"
  tmp="$TESTSERVER_WRAPPER.tmp"
  cat >"$tmp" <<EOF
#!/bin/sh
# Temporal time-skipping test server, written by infra/local/stack. Usage: $(basename "$TESTSERVER_WRAPPER") <port>
exec "$java_bin" -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \\
  -cp "$classpath" io.temporal.testserver.TestServer "\$@"
EOF
  chmod +x "$tmp"
  probe_testserver "$tmp"
  mv "$tmp" "$TESTSERVER_WRAPPER"
  say "testserver: ready at $TESTSERVER_WRAPPER ($(elapsed "$started"))"
}

probe_testserver() {
  local wrapper=$1 port pid log="$LOG_DIR/testserver-probe.log" deadline=$((SECONDS + START_TIMEOUT))
  port=$((20000 + RANDOM % 20000))
  while port_open 127.0.0.1 "$port"; do port=$((20000 + RANDOM % 20000)); done
  spawn "$RUN_DIR/testserver-probe.pid" "$log" "$wrapper" "$port"
  pid="$(read_pid "$RUN_DIR/testserver-probe.pid")"
  until port_open 127.0.0.1 "$port"; do
    if ! kill -0 "$pid" 2>/dev/null || ((SECONDS >= deadline)); then
      stop_pid "$pid" 5
      rm -f "$RUN_DIR/testserver-probe.pid"
      die "the Temporal test server did not start within ${START_TIMEOUT}s; see $log"
    fi
    sleep 0.3
  done
  stop_pid "$pid" 10
  rm -f "$RUN_DIR/testserver-probe.pid"
}

down_testserver() { :; }

status_testserver() {
  if is_external TEMPORAL_TEST_SERVER_PATH "$TESTSERVER_WRAPPER"; then
    if [[ -x $TEMPORAL_TEST_SERVER_PATH ]]; then
      status_line testserver ready "TEMPORAL_TEST_SERVER_PATH $TEMPORAL_TEST_SERVER_PATH"
    else
      status_line testserver missing "TEMPORAL_TEST_SERVER_PATH $TEMPORAL_TEST_SERVER_PATH is not executable"
    fi
  elif [[ -x $TESTSERVER_WRAPPER ]]; then
    status_line testserver ready "$TESTSERVER_WRAPPER"
  else
    status_line testserver missing ""
  fi
}
