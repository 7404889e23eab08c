CREATE TABLE IF NOT EXISTS "addrmig_history" (
  "id" INTEGER PRIMARY KEY,
  "applied_at" TEXT NOT NULL,
  "tool_version" TEXT NOT NULL,
  "config_checksum" TEXT NOT NULL,
  "sql_checksum" TEXT NOT NULL,
  "statement_count" INTEGER NOT NULL,
  "duration_ms" INTEGER NOT NULL,
  "source" TEXT NOT NULL,
  "dialect" TEXT NOT NULL,
  "run_id" TEXT
);
