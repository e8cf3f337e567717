# shellcheck shell=bash
# The database roles of the local stack, sourced by infra/local/stack: the schema owner that runs
# migrations (not a superuser) and one login role per app, each granted only what its app needs by
# the migrations (libs/event-store/src/migrations/grants.ts). DATABASE_URL's role (careflow) stays
# what the tests need: every app's grants together.

readonly PG_OWNER_USER="careflow_owner" PG_OWNER_PASSWORD="careflow_owner"
readonly PG_APPS=(api worker relay billing reporting notices)

# Idempotent and cheap, so it runs at every `up` (roles added since the cluster was made appear).
pg_provision_app_roles() {
  local app sql log="$LOG_DIR/postgres-app-roles.log"
  sql="$(
    cat <<SQL
-- Other test runs may hold locks on the tables: wait briefly and try again rather than queue
-- everyone behind an ALTER ... OWNER.
SET lock_timeout = '1s';
SELECT format('CREATE ROLE %I LOGIN', '$PG_OWNER_USER')
  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_OWNER_USER')\\gexec
ALTER ROLE "$PG_OWNER_USER" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD '$PG_OWNER_PASSWORD';
GRANT CONNECT, CREATE, TEMPORARY ON DATABASE "$PG_DB" TO "$PG_OWNER_USER";
ALTER SCHEMA public OWNER TO "$PG_OWNER_USER";
-- What the superuser created in the schema (migrations before the owner existed, tests) moves to
-- the owner, so it can migrate and grant; a no-op once everything is the owner's.
DO \$\$
DECLARE object record;
        attempt integer;
BEGIN
  FOR object IN
    SELECT format('ALTER %s %s OWNER TO $PG_OWNER_USER',
                  CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END,
                  c.oid::regclass) AS statement
      FROM pg_class c
     WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm')
       AND c.relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)
    UNION ALL
    SELECT format('ALTER FUNCTION %s OWNER TO $PG_OWNER_USER', p.oid::regprocedure)
      FROM pg_proc p
     WHERE p.pronamespace = 'public'::regnamespace
       AND p.proowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)
  LOOP
    FOR attempt IN 1..30 LOOP
      BEGIN
        EXECUTE object.statement;
        EXIT;
      EXCEPTION WHEN lock_not_available THEN
        IF attempt = 30 THEN RAISE; END IF;
        PERFORM pg_sleep(0.5);
      END;
    END LOOP;
  END LOOP;
END
\$\$;
SQL
    for app in "${PG_APPS[@]}"; do
      cat <<SQL
SELECT format('CREATE ROLE %I LOGIN', 'careflow_$app')
  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'careflow_$app')\\gexec
ALTER ROLE "careflow_$app" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD 'careflow_$app';
GRANT CONNECT ON DATABASE "$PG_DB" TO "careflow_$app";
SQL
    done
  )"
  PGPASSWORD="$PG_ADMIN_PASSWORD" "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 \
    -h 127.0.0.1 -p "$PG_PORT" -U "$PG_ADMIN_USER" -d "$PG_DB" <<<"$sql" >"$log" 2>&1 ||
    die "creating the careflow owner and app roles failed; see $log"
}

# `export` lines: MIGRATION_DATABASE_URL (the owner), SUPERUSER_DATABASE_URL (tests that tamper with
# events past the triggers) and each app's <APP>_DATABASE_URL. A variable already set is kept; with a
# server of your own ($1, its DATABASE_URL) an unset one falls back to that URL.
pg_app_env() {
  local external=${1:-} app variable address="127.0.0.1:$PG_PORT"
  pg_local_url() { echo "${external:-postgres://$1:$1@$address/$PG_DB}"; }
  printf 'export %s=%q\n' MIGRATION_DATABASE_URL "${MIGRATION_DATABASE_URL:-$(pg_local_url "$PG_OWNER_USER")}"
  printf 'export %s=%q\n' SUPERUSER_DATABASE_URL "${SUPERUSER_DATABASE_URL:-$(pg_local_url "$PG_ADMIN_USER")}"
  for app in "${PG_APPS[@]}"; do
    variable="${app^^}_DATABASE_URL"
    printf 'export %s=%q\n' "$variable" "${!variable:-$(pg_local_url "careflow_$app")}"
  done
}
