-- Runs once, when the postgres container initialises an empty volume (docker-compose.yml).
-- The image creates careflow_admin (the superuser) and the careflow database. Migrations run as
-- careflow_owner, which owns the schema and is not a superuser; each app connects as a role of its
-- own, granted only what it needs by the migrations (libs/event-store/src/migrations/grants.ts).
-- The same roles as infra/local/postgres/app-roles.sh.
CREATE ROLE careflow_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD 'careflow_owner';
GRANT CONNECT, CREATE, TEMPORARY ON DATABASE careflow TO careflow_owner;
ALTER SCHEMA public OWNER TO careflow_owner;

CREATE ROLE careflow_api LOGIN PASSWORD 'careflow_api';
CREATE ROLE careflow_worker LOGIN PASSWORD 'careflow_worker';
CREATE ROLE careflow_relay LOGIN PASSWORD 'careflow_relay';
CREATE ROLE careflow_billing LOGIN PASSWORD 'careflow_billing';
CREATE ROLE careflow_reporting LOGIN PASSWORD 'careflow_reporting';
CREATE ROLE careflow_notices LOGIN PASSWORD 'careflow_notices';
GRANT CONNECT ON DATABASE careflow TO careflow_api, careflow_worker, careflow_relay, careflow_billing, careflow_reporting, careflow_notices;

-- The role of tests run on the host against these containers (DATABASE_URL): every app's grants.
CREATE ROLE careflow LOGIN PASSWORD 'careflow';
GRANT CONNECT, TEMPORARY ON DATABASE careflow TO careflow;
