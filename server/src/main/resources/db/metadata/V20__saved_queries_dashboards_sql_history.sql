-- Saved queries, dashboards and SQL history of the web app (dev.causality.dashboards).
CREATE TABLE saved_queries (
  id          TEXT PRIMARY KEY,
  project_id  TEXT NOT NULL,
  kind        TEXT NOT NULL CHECK (kind IN ('trends', 'funnels', 'retention', 'sql')),
  name        TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  query       TEXT NOT NULL,
  author      TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL
);
CREATE INDEX saved_queries_project ON saved_queries (project_id);

CREATE TABLE dashboards (
  id              TEXT PRIMARY KEY,
  project_id      TEXT NOT NULL,
  name            TEXT NOT NULL,
  refresh_seconds INTEGER NOT NULL DEFAULT 0,
  date_range      TEXT,
  tiles           TEXT NOT NULL DEFAULT '[]',
  author          TEXT NOT NULL,
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL
);
CREATE INDEX dashboards_project ON dashboards (project_id);

CREATE TABLE sql_history (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id    TEXT NOT NULL,
  project_id TEXT NOT NULL,
  sql        TEXT NOT NULL,
  ran_at     TEXT NOT NULL,
  row_count  INTEGER NOT NULL,
  elapsed_ms INTEGER NOT NULL,
  error      TEXT
);
CREATE INDEX sql_history_user ON sql_history (user_id, id);
