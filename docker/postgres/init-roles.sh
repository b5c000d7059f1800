#!/bin/sh
# PostgreSQL roles of MDS Connectée (docs/rgpd.md, « Rôle de base de données en production »).
#
# Run once by the postgres image on a new data volume (/docker-entrypoint-initdb.d/), as the
# superuser. Creates:
#   - MDS_OWNER_ROLE (mds_owner): owns the database and every table; used only by `migrate`.
#   - MDS_APP_ROLE (mds_app): what web, worker and beat use. Neither superuser nor owner: it
#     cannot disable the journal's append-only trigger, replace its functions or TRUNCATE.
# Tables created later by the owner (migrations) are granted to the app role automatically.
set -eu
: "${POSTGRES_USER:=postgres}"
: "${POSTGRES_DB:=mds}"
: "${MDS_OWNER_ROLE:=mds_owner}"
: "${MDS_APP_ROLE:=mds_app}"
: "${MDS_OWNER_PASSWORD:?MDS_OWNER_PASSWORD manque (.env)}"
: "${MDS_APP_PASSWORD:?MDS_APP_PASSWORD manque (.env)}"

psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v db="$POSTGRES_DB" -v owner="$MDS_OWNER_ROLE" -v app="$MDS_APP_ROLE" \
  -v owner_password="$MDS_OWNER_PASSWORD" -v app_password="$MDS_APP_PASSWORD" <<'SQL'
CREATE ROLE :"owner" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
    PASSWORD :'owner_password';
CREATE ROLE :"app" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
    NOINHERIT PASSWORD :'app_password';
ALTER DATABASE :"db" OWNER TO :"owner";
ALTER SCHEMA public OWNER TO :"owner";
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO :"app";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"app";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO :"app";
SQL
