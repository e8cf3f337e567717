# shellcheck shell=bash
# The HAPI FHIR R4 validator as an HTTP service on loopback (docs/fhir.md): the jars Maven resolves
# (infra/local/maven/fhir-validator), and infra/local/fhir-validator/FhirValidatorService.java compiled
# once into the cache. Tests POST resources to $FHIR_VALIDATOR_URL/validate. Sourced by infra/local/stack.

readonly FHIR_VALIDATOR_PORT="${CAREFLOW_FHIR_VALIDATOR_PORT:-8287}"
readonly FHIR_VALIDATOR_SOURCE="$STACK_DIR/fhir-validator/FhirValidatorService.java"
readonly FHIR_VALIDATOR_CLASSES="$CACHE_DIR/fhir-validator/classes"

# What `env` prints for the local stack.
readonly LOCAL_FHIR_VALIDATOR_URL="http://127.0.0.1:$FHIR_VALIDATOR_PORT"

# GET /health must answer 200; the service binds its port only after loading the R4 definitions.
fhir_validator_answers() {
  # shellcheck disable=SC2016 # expanded by the inner shell
  timeout 3 bash -c '
    exec 3<>"/dev/tcp/$0/$1" || exit 1
    printf "GET /health HTTP/1.0\r\nHost: %s\r\n\r\n" "$0" >&3
    read -r _ status _ <&3
    [[ $status == 200 ]]
  ' "$1" "$2" 2>/dev/null
}

# Host and port of an http://host:port URL (default port 80).
http_url_host_port() {
  local rest=${1#http://}
  rest=${rest%%/*}
  if [[ $rest == *:* ]]; then echo "${rest%:*} ${rest##*:}"; else echo "$rest 80"; fi
}

fhir_validator_pid() {
  local pid
  pid="$(read_pid "$RUN_DIR/fhir-validator.pid")"
  if pid_matches "$pid" FhirValidatorService "careflow.fhirValidator.port=$FHIR_VALIDATOR_PORT"; then echo "$pid"; fi
}

fhir_validator_healthy() { fhir_validator_answers 127.0.0.1 "$FHIR_VALIDATOR_PORT"; }

# The service is compiled with javac, so it needs a JDK, not only a runtime.
require_jdk() {
  command -v javac >/dev/null || apt_install javac openjdk-17-jdk-headless
  command -v javac >/dev/null || die "javac not found (a JDK 17+ compiles the FHIR validator service)"
}

# Compiled once per source and classpath: both are summed next to the classes.
compile_fhir_validator() {
  local sum log="$LOG_DIR/fhir-validator-build.log"
  sum="$(cat "$FHIR_VALIDATOR_SOURCE" "$CACHE_DIR/fhir-validator/classpath.txt" | sha256sum | cut -d' ' -f1)"
  [[ -f $FHIR_VALIDATOR_CLASSES/FhirValidatorService.class && "$(cat "$FHIR_VALIDATOR_CLASSES.sha256" 2>/dev/null)" == "$sum" ]] && return
  require_jdk
  rm -rf "$FHIR_VALIDATOR_CLASSES.tmp"
  timeout "$BUILD_TIMEOUT" javac -encoding UTF-8 -cp "$(cat "$CACHE_DIR/fhir-validator/classpath.txt")" \
    -d "$FHIR_VALIDATOR_CLASSES.tmp" "$FHIR_VALIDATOR_SOURCE" >"$log" 2>&1 ||
    die "compiling the FHIR validator service failed; see $log"
  rm -rf "$FHIR_VALIDATOR_CLASSES"
  mv "$FHIR_VALIDATOR_CLASSES.tmp" "$FHIR_VALIDATOR_CLASSES"
  echo "$sum" >"$FHIR_VALIDATOR_CLASSES.sha256"
}

FHIR_VALIDATOR_JAVA=()

# A modest heap: the R4 definitions take about 150 MB of it; the C1 compiler alone starts faster and
# uses less memory than tiered compilation, and validation is not the hot path of anything.
fhir_validator_java_command() {
  # The parser's warnings are about the R4 definitions it loads at start (a request's problems are
  # in the validator's answer), hence errors only from it.
  FHIR_VALIDATOR_JAVA=(java -Xms32m -Xmx320m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true
    -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dorg.slf4j.simpleLogger.showDateTime=true
    -Dorg.slf4j.simpleLogger.log.ca.uhn.fhir.parser.LenientErrorHandler=error
    "-Dcareflow.fhirValidator.port=$FHIR_VALIDATOR_PORT"
    -cp "$FHIR_VALIDATOR_CLASSES:$(cat "$CACHE_DIR/fhir-validator/classpath.txt")" FhirValidatorService)
}

up_fhir_validator() {
  local started pid log="$LOG_DIR/fhir-validator.log"
  if is_external FHIR_VALIDATOR_URL "$LOCAL_FHIR_VALIDATOR_URL"; then
    check_external FHIR_VALIDATOR_URL
    say "fhir-validator: using FHIR_VALIDATOR_URL $FHIR_VALIDATOR_URL (reachable)"
    return
  fi
  started=$(now)
  pid="$(fhir_validator_pid)"
  if [[ -n $pid ]] && fhir_validator_healthy; then
    say "fhir-validator: already up on 127.0.0.1:$FHIR_VALIDATOR_PORT"
    return
  fi
  if [[ -z $pid ]]; then
    require_free_port "$FHIR_VALIDATOR_PORT" fhir-validator
    require_java
    maven_classpath fhir-validator
    compile_fhir_validator
    fhir_validator_java_command
    spawn "$RUN_DIR/fhir-validator.pid" "$log" "${FHIR_VALIDATOR_JAVA[@]}"
    pid="$(read_pid "$RUN_DIR/fhir-validator.pid")"
  fi
  await_healthy fhir-validator "$pid" "$log" fhir_validator_healthy "$RUN_DIR/fhir-validator.pid"
  say "fhir-validator: up on 127.0.0.1:$FHIR_VALIDATOR_PORT ($(elapsed "$started"))"
}

down_fhir_validator() {
  local pid
  pid="$(fhir_validator_pid)"
  [[ -n $pid ]] || return 0
  stop_pid "$pid" 10
  rm -f "$RUN_DIR/fhir-validator.pid"
  say "fhir-validator: stopped"
}

status_fhir_validator() {
  local pid
  if is_external FHIR_VALIDATOR_URL "$LOCAL_FHIR_VALIDATOR_URL"; then
    status_external fhir-validator FHIR_VALIDATOR_URL
    return
  fi
  pid="$(fhir_validator_pid)"
  if [[ -z $pid ]]; then
    status_line fhir-validator down ""
  elif fhir_validator_healthy; then
    status_line fhir-validator up "$LOCAL_FHIR_VALIDATOR_URL pid $pid"
  else
    status_line fhir-validator unhealthy "pid $pid"
  fi
}
