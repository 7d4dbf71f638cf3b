#!/bin/sh
# Runs once, when the Postgres container creates its cluster (docker-entrypoint-initdb.d): the
# migration role, which owns the database (not a superuser), and the two apps' group roles with a
# login role in each (README: Database roles). The migrate service then creates the tables as the
# owner and grants each group role its privileges.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v owner_password="$SIGNET_OWNER_DB_PASSWORD" \
  -v ca_password="$SIGNET_CA_DB_PASSWORD" -v log_password="$SIGNET_LOG_DB_PASSWORD" <<'SQL'
CREATE ROLE signet_owner LOGIN PASSWORD :'owner_password';
ALTER DATABASE signet OWNER TO signet_owner;
CREATE ROLE signet_ca NOLOGIN;
CREATE ROLE signet_log NOLOGIN;
CREATE ROLE signet_ca_app LOGIN PASSWORD :'ca_password' IN ROLE signet_ca;
CREATE ROLE signet_log_app LOGIN PASSWORD :'log_password' IN ROLE signet_log;
SQL
