# shellcheck shell=bash
# PostgreSQL: a cluster of the project's own, from Debian's packages. Sourced by infra/local/stack.

readonly PG_PORT="${CAREFLOW_PG_PORT:-54329}"
readonly PG_MAJOR_TO_INSTALL="15"
readonly PG_DB="careflow"
readonly PG_APP_USER="careflow" PG_APP_PASSWORD="careflow"
readonly PG_ADMIN_USER="careflow_admin" PG_ADMIN_PASSWORD="careflow_admin"
readonly PG_DIR="$STATE_DIR/postgres"
readonly PG_DATA="$PG_DIR/data"
readonly PG_SOCKET_DIR="$PG_DIR/run"

# What `env` prints for the local stack.
readonly LOCAL_DATABASE_URL="postgres://$PG_APP_USER:$PG_APP_PASSWORD@127.0.0.1:$PG_PORT/$PG_DB"

# The schema owner and one role per app (pg_provision_app_roles, pg_app_env).
# shellcheck source=infra/local/postgres/app-roles.sh
source "$STACK_DIR/postgres/app-roles.sh"

PG_BIN=""

# The server binaries: those matching an existing cluster's version, else the newest installed,
# else Debian's package installed now.
find_pg_bin() {
  local major=""
  [[ -r $PG_DATA/PG_VERSION ]] && major="$(cat "$PG_DATA/PG_VERSION")"
  if [[ -n $major ]]; then
    [[ -x /usr/lib/postgresql/$major/bin/postgres ]] ||
      die "the cluster in $PG_DATA needs PostgreSQL $major, which is not installed"
    PG_BIN="/usr/lib/postgresql/$major/bin"
    return
  fi
  if ! compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then
    prevent_default_cluster
    apt_install PostgreSQL "postgresql-$PG_MAJOR_TO_INSTALL"
  fi
  PG_BIN="$(dirname "$(printf '%s\n' /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)")"
  [[ -x $PG_BIN/initdb ]] || die "PostgreSQL server binaries not found under /usr/lib/postgresql"
}

# Debian's package would otherwise create and start a system cluster on 5432 that we do not use.
prevent_default_cluster() {
  if [[ $EUID -eq 0 && ! -e /etc/postgresql-common/createcluster.d/careflow.conf ]]; then
    mkdir -p /etc/postgresql-common/createcluster.d
    echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.d/careflow.conf
  fi
}

# PostgreSQL refuses to run as root. As root we run it in a user namespace where our uid appears as
# the `postgres` account: files stay ours, in our state dir, with no change to system permissions.
# Where user namespaces are not allowed, it runs as the `postgres` account itself, which then owns
# the cluster and must be able to reach the state dir.
PG_RUN_MODE=""

pg_run_mode() {
  [[ -n $PG_RUN_MODE ]] && return
  if [[ $EUID -ne 0 ]]; then
    PG_RUN_MODE=self
  elif ! id -u postgres >/dev/null 2>&1; then
    die "PostgreSQL cannot run as root and there is no postgres account to run it as"
  elif [[ -d $PG_DATA && "$(stat -c %u "$PG_DATA")" != 0 ]]; then
    PG_RUN_MODE=account
  elif pg_userns true 2>/dev/null; then
    PG_RUN_MODE=userns
  else
    PG_RUN_MODE=account
  fi
  if [[ $PG_RUN_MODE == account ]]; then
    mkdir -p "$PG_DIR"
    chown postgres: "$PG_DIR"
    runuser -u postgres -- test -w "$PG_DIR" ||
      die "the postgres account cannot reach $PG_DIR; set XDG_STATE_HOME to a directory it can reach, or run the stack as a non-root user"
  fi
}

pg_userns() {
  unshare --user --map-user="$(id -u postgres)" --map-group="$(id -g postgres)" -- "$@"
}

as_pg_owner() {
  pg_run_mode
  case $PG_RUN_MODE in
    self) "$@" ;;
    userns) pg_userns "$@" ;;
    account) runuser -u postgres -- "$@" ;;
  esac
}

pg_pid() {
  local pid
  pid="$(read_pid "$PG_DATA/postmaster.pid")"
  if pid_matches "$pid" postgres "$PG_DATA"; then echo "$pid"; fi
}

pg_healthy() {
  "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -t 2 >/dev/null 2>&1
}

pg_init() {
  local tmp="$PG_DIR/data.initdb" pwfile="$PG_DIR/admin-password" log="$LOG_DIR/postgres-initdb.log"
  rm -rf "$tmp"
  mkdir -p "$PG_DIR"
  echo "$PG_ADMIN_PASSWORD" >"$pwfile"
  [[ $PG_RUN_MODE == account ]] && chown postgres: "$pwfile"
  # initdb works in a scratch directory so a failed run never leaves a half cluster behind.
  if ! as_pg_owner "$PG_BIN/initdb" -D "$tmp" -U "$PG_ADMIN_USER" --pwfile="$pwfile" \
    --auth-local=scram-sha-256 --auth-host=scram-sha-256 -E UTF8 --locale=C >"$log" 2>&1; then
    rm -f "$pwfile"
    die "initdb failed; see $log"
  fi
  rm -f "$pwfile"
  mv "$tmp" "$PG_DATA"
}

pg_psql() {
  PGPASSWORD="$PG_ADMIN_PASSWORD" "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 \
    -h 127.0.0.1 -p "$PG_PORT" -U "$PG_ADMIN_USER" -d postgres
}

# Roles and database, idempotently. careflow_admin (the initdb superuser) owns the database and runs
# migrations; the app role gets only what the migrations grant it, so it cannot rewrite events.
pg_provision() {
  local log="$LOG_DIR/postgres-provision.log"
  pg_psql >"$log" 2>&1 <<SQL || die "creating the careflow roles and database failed; see $log"
SELECT format('CREATE ROLE %I LOGIN', '$PG_APP_USER')
  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_APP_USER')\gexec
ALTER ROLE "$PG_APP_USER" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '$PG_APP_PASSWORD';
SELECT format('CREATE DATABASE %I OWNER %I', '$PG_DB', '$PG_ADMIN_USER')
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$PG_DB')\gexec
GRANT CONNECT, TEMPORARY ON DATABASE "$PG_DB" TO "$PG_APP_USER";
SQL
  touch "$PG_DIR/provisioned"
}

up_postgres() {
  local started pid log="$LOG_DIR/postgres.log"
  if is_external DATABASE_URL "$LOCAL_DATABASE_URL"; then
    check_external DATABASE_URL
    say "postgres: using DATABASE_URL (reachable)"
    return
  fi
  started=$(now)
  find_pg_bin
  pid="$(pg_pid)"
  if [[ -n $pid ]] && pg_healthy; then
    [[ -e $PG_DIR/provisioned ]] || pg_provision
    pg_provision_app_roles
    say "postgres: already up on 127.0.0.1:$PG_PORT"
    return
  fi
  if [[ -z $pid ]]; then
    require_free_port "$PG_PORT" postgres
    pg_run_mode
    [[ -d $PG_DATA ]] || pg_init
    mkdir -p "$PG_SOCKET_DIR"
    touch "$log"
    [[ $PG_RUN_MODE == account ]] && chown postgres: "$PG_SOCKET_DIR" "$log"
    # Settings go on the command line so a changed port or tuning applies at the next start.
    # shellcheck disable=SC2094 # pg_ctl and the server both append to the one log
    if ! as_pg_owner "$PG_BIN/pg_ctl" start -D "$PG_DATA" -l "$log" -w -t "$START_TIMEOUT" \
      -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_SOCKET_DIR -c max_connections=300 -c shared_buffers=256MB" \
      >/dev/null 2>>"$log" 9>&-; then
      pid="$(pg_pid)"
      [[ -n $pid ]] && stop_pid "$pid" 10
      die "postgres failed to start within ${START_TIMEOUT}s; see $log"
    fi
    pid="$(pg_pid)"
  fi
  await_healthy postgres "$pid" "$log" pg_healthy
  pg_provision
  pg_provision_app_roles
  say "postgres: up on 127.0.0.1:$PG_PORT ($(elapsed "$started"))"
}

down_postgres() {
  local pid
  pid="$(pg_pid)"
  [[ -n $pid ]] || return 0
  find_pg_bin
  as_pg_owner "$PG_BIN/pg_ctl" stop -D "$PG_DATA" -m fast -w -t 30 >/dev/null 2>&1 || true
  stop_pid "$pid" 5
  say "postgres: stopped"
}

status_postgres() {
  local pid
  if is_external DATABASE_URL "$LOCAL_DATABASE_URL"; then
    status_external postgres DATABASE_URL
    return
  fi
  pid="$(pg_pid)"
  if [[ -z $pid ]]; then
    status_line postgres down ""
  else
    find_pg_bin
    if pg_healthy; then status_line postgres up "127.0.0.1:$PG_PORT pid $pid"; else status_line postgres unhealthy "pid $pid"; fi
  fi
}
