-- Runs once, when the database volume is empty (managed by generator-portal).
CREATE EXTENSION IF NOT EXISTS "postgis";
CREATE EXTENSION IF NOT EXISTS "pg_stat_statements";
