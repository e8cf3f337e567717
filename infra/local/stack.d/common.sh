# shellcheck shell=bash
# Shared by the components of infra/local/stack: where things live, bounded waits, process handling,
# system packages, Maven classpaths and servers of the user's own. Sourced by infra/local/stack.

# infra/local: the maven poms, Kafka's logging settings and apt-install live there.
STACK_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly STACK_DIR
readonly CACHE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/careflow"
readonly STATE_DIR="${XDG_STATE_HOME:-$HOME/.local/state}/careflow"
readonly LOG_DIR="$STATE_DIR/logs"
readonly RUN_DIR="$STATE_DIR/run"

# Seconds a server may take to become healthy, and a download or build to finish.
readonly START_TIMEOUT="${CAREFLOW_START_TIMEOUT:-90}"
readonly BUILD_TIMEOUT="${CAREFLOW_BUILD_TIMEOUT:-1800}"

# The Kafka, test-server and FHIR validator versions are pinned in infra/local/maven/*/pom.xml.
readonly MAVEN_DEPENDENCY_PLUGIN="org.apache.maven.plugins:maven-dependency-plugin:3.8.1"

die() {
  echo "careflow stack: $*" >&2
  exit 1
}

say() { echo "careflow stack: $*"; }

now() { echo "${EPOCHREALTIME/[,.]/}"; }

# Seconds since a `now` value, with one decimal.
elapsed() {
  local micros=$(($(now) - $1))
  printf '%d.%ds' $((micros / 1000000)) $((micros % 1000000 / 100000))
}

# True when something accepts TCP connections on host:port (2 s at most).
port_open() {
  # shellcheck disable=SC2016 # expanded by the inner shell
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$1" "$2" 2>/dev/null
}

# True when the process exists and its command line contains every given fragment; this tells our
# own server apart from an unrelated process that inherited a stale pid.
pid_matches() {
  local pid=$1 cmdline fragment
  shift
  [[ -n $pid && -r /proc/$pid/cmdline ]] || return 1
  cmdline="$(tr '\0' ' ' </proc/"$pid"/cmdline 2>/dev/null)" || return 1
  for fragment in "$@"; do
    [[ $cmdline == *"$fragment"* ]] || return 1
  done
}

read_pid() {
  if [[ -r $1 ]]; then head -n 1 "$1" 2>/dev/null || true; fi
}

require_free_port() {
  if port_open 127.0.0.1 "$1"; then
    die "port $1 ($2) is already in use by another process"
  fi
}

# Starts a command in its own session (so a Ctrl-C in the caller's terminal does not reach it),
# appending its output to a log file; the command's pid lands in pidfile.
spawn() {
  local pidfile=$1 log=$2 waited=0
  shift 2
  rm -f "$pidfile"
  # shellcheck disable=SC2016 # expanded by the inner shell
  setsid -f sh -c 'echo $$ >"$0"; exec "$@"' "$pidfile" "$@" </dev/null >>"$log" 2>&1 9>&-
  until [[ -s $pidfile ]]; do
    ((waited++ < 50)) || die "could not start $1; see $log"
    sleep 0.1
  done
}

# Polls a health check until it passes, the process dies, or START_TIMEOUT runs out. On failure the
# half-started process is stopped so nothing is left behind.
await_healthy() {
  local name=$1 pid=$2 log=$3 check=$4 pidfile=${5:-} deadline=$((SECONDS + START_TIMEOUT))
  until "$check"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      [[ -n $pidfile ]] && rm -f "$pidfile"
      die "$name exited while starting; see $log"
    fi
    if ((SECONDS >= deadline)); then
      stop_pid "$pid" 10
      [[ -n $pidfile ]] && rm -f "$pidfile"
      die "$name did not become healthy within ${START_TIMEOUT}s; see $log"
    fi
    sleep 0.3
  done
}

# SIGTERM, up to `grace` seconds to exit, then SIGKILL to its whole process group.
stop_pid() {
  local pid=$1 grace=$2 deadline
  kill -TERM "$pid" 2>/dev/null || return 0
  deadline=$((SECONDS + grace))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  fi
}

# A missing system package, installed the one way the local scripts install them.
apt_install() {
  bash "$STACK_DIR/apt-install" "$@" || exit 1
}

require_java() {
  command -v java >/dev/null || apt_install java openjdk-17-jre-headless
  command -v java >/dev/null || die "java not found (Java 17+ runs Kafka and the Temporal test server)"
}

require_maven() {
  command -v mvn >/dev/null || apt_install mvn maven
  command -v mvn >/dev/null || die "mvn not found (Maven resolves the Kafka and Temporal test server jars)"
}

# Resolves the runtime classpath of infra/local/maven/<name>/pom.xml into the cache, once per pom
# content: offline first (fast when ~/.m2 has everything), then from Maven Central.
maven_classpath() {
  local name=$1 out="$CACHE_DIR/$1/classpath.txt" log="$LOG_DIR/maven-$1.log"
  classpath_current "$name" && return
  require_java
  require_maven
  mkdir -p "$CACHE_DIR/$name"
  local args=(-B -q -f "$STACK_DIR/maven/$name/pom.xml" "$MAVEN_DEPENDENCY_PLUGIN:build-classpath" "-Dmdep.outputFile=$out.tmp")
  if ! timeout 120 mvn -o "${args[@]}" >"$log" 2>&1; then
    say "$name: downloading jars from Maven Central (first time only)"
    timeout "$BUILD_TIMEOUT" mvn "${args[@]}" >>"$log" 2>&1 ||
      die "resolving the $name jars with Maven failed; see $log"
  fi
  mv "$out.tmp" "$out"
  pom_sum "$name" >"$CACHE_DIR/$name/pom.sha256"
}

pom_sum() { sha256sum "$STACK_DIR/maven/$1/pom.xml" | cut -d' ' -f1; }

# A cached classpath is good while its pom is unchanged and every jar is still in ~/.m2.
classpath_current() {
  local dir="$CACHE_DIR/$1" jar
  [[ -s $dir/classpath.txt && "$(cat "$dir/pom.sha256" 2>/dev/null)" == "$(pom_sum "$1")" ]] || return 1
  while IFS= read -r -d: jar || [[ -n $jar ]]; do
    [[ -f $jar ]] || return 1
  done <"$dir/classpath.txt"
}

# ---------------------------------------------------------------- external servers

# Host and port of the first host in a postgres:// URL (default port 5432).
url_host_port() {
  local rest=${1#*://}
  rest=${rest#*@}
  rest=${rest%%[/?]*}
  rest=${rest%%,*}
  if [[ $rest == *:* ]]; then echo "${rest%:*} ${rest##*:}"; else echo "$rest 5432"; fi
}

# True when the variable names a server (or wrapper) of the user's own. A value equal to the local
# stack's own is not external, so `eval "$(infra/local/stack env)"` followed by `up` still starts it.
is_external() {
  local value=${!1:-}
  [[ -n $value && $value != "$2" ]]
}

# Fails with one line unless the server the variable names answers.
check_external() {
  local variable=$1 value=${!1} target host port
  case $variable in
    DATABASE_URL)
      read -r host port <<<"$(url_host_port "$value")"
      port_open "$host" "$port" || die "DATABASE_URL $host:$port is not reachable"
      ;;
    TEMPORAL_ADDRESS)
      port_open "${value%:*}" "${value##*:}" || die "TEMPORAL_ADDRESS $value is not reachable"
      ;;
    KAFKA_BROKERS)
      # Kafka clients need only one live bootstrap broker.
      for target in ${value//,/ }; do
        kafka_answers "${target%:*}" "${target##*:}" && return 0
      done
      die "KAFKA_BROKERS $value is not reachable"
      ;;
    FHIR_VALIDATOR_URL)
      # fhir_validator_answers and http_url_host_port are in fhir-validator.sh.
      read -r host port <<<"$(http_url_host_port "$value")"
      fhir_validator_answers "$host" "$port" || die "FHIR_VALIDATOR_URL $value does not answer GET /health"
      ;;
  esac
}

# ---------------------------------------------------------------- status and locking

status_line() {
  printf '%-14s %-12s %s\n' "$1" "$2" "$3"
}

status_external() {
  local name=$1 variable=$2
  if (check_external "$variable") 2>/dev/null; then
    status_line "$name" external "$variable reachable"
  else
    status_line "$name" unreachable "$variable"
  fi
}

# One up or down at a time per state dir, so concurrent test runs do not start servers twice.
# Servers are started with fd 9 closed, or they would hold the lock for their lifetime.
lock_state() {
  mkdir -p "$LOG_DIR" "$RUN_DIR" "$CACHE_DIR/bin"
  exec 9>"$STATE_DIR/stack.lock"
  flock -w "$BUILD_TIMEOUT" 9 || die "another infra/local/stack up or down held $STATE_DIR/stack.lock for ${BUILD_TIMEOUT}s"
}
