# shellcheck shell=bash
# The Temporal dev server (`temporal server start-dev`), from a pinned CLI built with `go install`.
# Sourced by infra/local/stack.

readonly TEMPORAL_PORT="${CAREFLOW_TEMPORAL_PORT:-7233}"
readonly TEMPORAL_UI_PORT="${CAREFLOW_TEMPORAL_UI_PORT:-8233}"
# v1.5.1 is the newest CLI tag whose go.mod has no `replace` directive, so `go install` can build it.
readonly TEMPORAL_CLI_VERSION="v1.5.1"
readonly TEMPORAL_NAMESPACE_NAME="${TEMPORAL_NAMESPACE:-default}"
# Search attributes the care-episode workflow sets; registered at every dev-server start.
readonly TEMPORAL_SEARCH_ATTRIBUTES=(
  CareflowStatus=Keyword
  CareflowDepartment=Keyword
  CareflowTherapist=Keyword
  CareflowNextDue=Datetime
)

readonly TEMPORAL_DIR="$STATE_DIR/temporal"

# What `env` prints for the local stack.
readonly LOCAL_TEMPORAL_ADDRESS="127.0.0.1:$TEMPORAL_PORT"

TEMPORAL_BIN=""

# A binary named by TEMPORAL_CLI_PATH, else `temporal` on PATH, else our own pinned build.
find_temporal_cli() {
  local cached="$CACHE_DIR/bin/temporal" stamp="$CACHE_DIR/bin/temporal.version"
  if [[ -n ${TEMPORAL_CLI_PATH:-} ]]; then
    [[ -x $TEMPORAL_CLI_PATH && -f $TEMPORAL_CLI_PATH ]] || die "TEMPORAL_CLI_PATH $TEMPORAL_CLI_PATH is not an executable file"
    TEMPORAL_BIN="$TEMPORAL_CLI_PATH"
  elif command -v temporal >/dev/null; then
    TEMPORAL_BIN="$(command -v temporal)"
  else
    TEMPORAL_BIN="$cached"
    [[ -x $cached && "$(cat "$stamp" 2>/dev/null)" == "$TEMPORAL_CLI_VERSION" ]] && return
    # A binary without our stamp (built by hand) is kept when Go confirms it is the pinned version.
    if [[ -x $cached ]] && command -v go >/dev/null &&
      go version -m "$cached" 2>/dev/null | grep -qE "^\s+mod\s+github.com/temporalio/cli\s+$TEMPORAL_CLI_VERSION\s"; then
      echo "$TEMPORAL_CLI_VERSION" >"$stamp"
      return
    fi
    build_temporal_cli
  fi
}

build_temporal_cli() {
  local log="$LOG_DIR/temporal-build.log" gobin="$CACHE_DIR/bin/.build-$$"
  command -v go >/dev/null ||
    die "go not found (Go builds the Temporal CLI; or set TEMPORAL_CLI_PATH to a temporal binary)"
  say "temporal: building the Temporal CLI $TEMPORAL_CLI_VERSION with go install (first time only, several minutes)"
  mkdir -p "$gobin"
  # shellcheck disable=SC2064 # the path is fixed now, on purpose
  trap "rm -rf '$gobin'" EXIT
  if ! GOBIN="$gobin" timeout "$BUILD_TIMEOUT" \
    go install -trimpath -ldflags='-s -w' "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_VERSION" >"$log" 2>&1; then
    die "building the Temporal CLI failed (go install github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_VERSION); see $log"
  fi
  mv -f "$gobin/temporal" "$CACHE_DIR/bin/temporal"
  rm -rf "$gobin"
  trap - EXIT
  echo "$TEMPORAL_CLI_VERSION" >"$CACHE_DIR/bin/temporal.version"
}

temporal_pid() {
  local pid
  pid="$(read_pid "$RUN_DIR/temporal.pid")"
  if pid_matches "$pid" start-dev "$TEMPORAL_DIR/temporal.db"; then echo "$pid"; fi
}

temporal_healthy() {
  timeout 5 "$TEMPORAL_BIN" operator cluster health --address "127.0.0.1:$TEMPORAL_PORT" >/dev/null 2>&1
}

up_temporal() {
  local started pid log="$LOG_DIR/temporal.log" attribute
  if is_external TEMPORAL_ADDRESS "$LOCAL_TEMPORAL_ADDRESS"; then
    check_external TEMPORAL_ADDRESS
    say "temporal: using TEMPORAL_ADDRESS $TEMPORAL_ADDRESS (reachable)"
    return
  fi
  started=$(now)
  pid="$(temporal_pid)"
  if [[ -n $pid ]] && port_open 127.0.0.1 "$TEMPORAL_PORT"; then
    say "temporal: already up on 127.0.0.1:$TEMPORAL_PORT (UI http://127.0.0.1:$TEMPORAL_UI_PORT)"
    return
  fi
  find_temporal_cli
  if [[ -z $pid ]]; then
    require_free_port "$TEMPORAL_PORT" temporal
    require_free_port "$TEMPORAL_UI_PORT" "temporal ui"
    mkdir -p "$TEMPORAL_DIR"
    # SQLite's default rollback journal creates, syncs and deletes a file per transaction, and the dev
    # server writes through one connection: WAL halves its CPU per Update and doubles its rate (measured
    # in docs/chaos.md#benchmark-b10). synchronous=normal can lose the last commits on power loss, never
    # corrupt the file: right for a development server.
    local args=(server start-dev --ip 127.0.0.1 --port "$TEMPORAL_PORT" --ui-port "$TEMPORAL_UI_PORT"
      --db-filename "$TEMPORAL_DIR/temporal.db" --namespace "$TEMPORAL_NAMESPACE_NAME" --log-level warn
      --sqlite-pragma journal_mode=wal --sqlite-pragma synchronous=normal)
    for attribute in "${TEMPORAL_SEARCH_ATTRIBUTES[@]}"; do args+=(--search-attribute "$attribute"); done
    spawn "$RUN_DIR/temporal.pid" "$log" "$TEMPORAL_BIN" "${args[@]}"
    pid="$(read_pid "$RUN_DIR/temporal.pid")"
  fi
  await_healthy temporal "$pid" "$log" temporal_healthy "$RUN_DIR/temporal.pid"
  say "temporal: up on 127.0.0.1:$TEMPORAL_PORT, UI http://127.0.0.1:$TEMPORAL_UI_PORT ($(elapsed "$started"))"
}

down_temporal() {
  local pid
  pid="$(temporal_pid)"
  [[ -n $pid ]] || return 0
  stop_pid "$pid" 20
  rm -f "$RUN_DIR/temporal.pid"
  say "temporal: stopped"
}

status_temporal() {
  local pid
  if is_external TEMPORAL_ADDRESS "$LOCAL_TEMPORAL_ADDRESS"; then
    status_external temporal TEMPORAL_ADDRESS
    return
  fi
  pid="$(temporal_pid)"
  if [[ -z $pid ]]; then
    status_line temporal down ""
    return
  fi
  # The running server's own binary answers the health check; status never builds anything.
  TEMPORAL_BIN="$(readlink "/proc/$pid/exe")"
  if temporal_healthy; then
    status_line temporal up "127.0.0.1:$TEMPORAL_PORT UI http://127.0.0.1:$TEMPORAL_UI_PORT pid $pid"
  else
    status_line temporal unhealthy "pid $pid"
  fi
}
