-- Runs once, when the postgres container initialises an empty volume (docker-compose.yml).
-- The image creates careflow_admin (superuser, runs migrations) and the careflow database it owns.
-- The app role gets only what the migrations grant it, so it cannot rewrite events; the same
-- split as infra/local/stack.
CREATE ROLE careflow LOGIN PASSWORD 'careflow';
GRANT CONNECT, TEMPORARY ON DATABASE careflow TO careflow;
