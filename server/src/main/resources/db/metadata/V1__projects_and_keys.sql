CREATE TABLE projects (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE ingest_keys (
  id          TEXT PRIMARY KEY,
  project_id  TEXT NOT NULL REFERENCES projects (id),
  name        TEXT NOT NULL,
  secret_hash TEXT NOT NULL UNIQUE,
  prefix      TEXT NOT NULL,
  rate_limit  INTEGER,
  created_at  TEXT NOT NULL,
  revoked_at  TEXT
);

CREATE INDEX ingest_keys_project ON ingest_keys (project_id);
