-- The shopsync role and its databases: one per consumer service, one for the reference
-- ERP, one for the tests. Idempotent; run by psql as a superuser:
--   deploy/postgres.sh (Debian cluster) and docker-compose.yml (docker-entrypoint-initdb.d).
-- Keep the list in step with PG_DATABASES in deploy/env.sh.
\set ON_ERROR_STOP on

SELECT 'CREATE ROLE shopsync LOGIN CREATEDB PASSWORD ''shopsync'''
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'shopsync')\gexec
ALTER ROLE shopsync LOGIN CREATEDB PASSWORD 'shopsync';

SELECT format('CREATE DATABASE %I OWNER shopsync', name)
FROM unnest(ARRAY['catalog', 'inventory', 'orders', 'erp', 'shopsync_test']) AS name
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = name)\gexec

SELECT format('ALTER DATABASE %I OWNER TO shopsync', name)
FROM unnest(ARRAY['catalog', 'inventory', 'orders', 'erp', 'shopsync_test']) AS name\gexec

-- Tests drop their throwaway databases WITH (FORCE); an autovacuum worker still in one
-- counts as another role's session, which only pg_signal_backend may end.
GRANT pg_signal_backend TO shopsync;
