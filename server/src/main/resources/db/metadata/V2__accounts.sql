-- People, their sessions and tokens, and what they did. Secrets are stored hashed: passwords with
-- bcrypt, refresh and personal tokens (random, 256 bits) with SHA-256.
CREATE TABLE users (
  id            TEXT PRIMARY KEY,
  email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
  password_hash TEXT NOT NULL,
  role          TEXT NOT NULL CHECK (role IN ('VIEWER', 'EDITOR', 'ADMIN')),
  created_at    TEXT NOT NULL,
  disabled_at   TEXT
);

CREATE TABLE user_projects (
  user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  PRIMARY KEY (user_id, project_id)
);

-- One row per refresh token ever issued. A family is one sign-in; every refresh rotates within it.
-- Presenting a token that was already used revokes the whole family (theft detection).
CREATE TABLE refresh_tokens (
  token_hash TEXT PRIMARY KEY,
  family_id  TEXT NOT NULL,
  user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used_at    TEXT
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id);

CREATE TABLE session_families (
  family_id  TEXT PRIMARY KEY,
  user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at TEXT NOT NULL,
  revoked_at TEXT,
  revoked_why TEXT
);
CREATE INDEX session_families_user ON session_families (user_id);

CREATE TABLE access_tokens (
  id           TEXT PRIMARY KEY,
  user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name         TEXT NOT NULL,
  token_hash   TEXT NOT NULL UNIQUE,
  prefix       TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  last_used_at TEXT,
  revoked_at   TEXT
);
CREATE INDEX access_tokens_user ON access_tokens (user_id);

-- Failed sign-ins by the email that was tried (known or not), for the lock-out window.
CREATE TABLE sign_in_failures (
  email TEXT NOT NULL COLLATE NOCASE,
  at    TEXT NOT NULL
);
CREATE INDEX sign_in_failures_email ON sign_in_failures (email, at);

CREATE TABLE audit_log (
  seq     INTEGER PRIMARY KEY AUTOINCREMENT,
  at      TEXT NOT NULL,
  actor   TEXT NOT NULL,
  action  TEXT NOT NULL,
  target  TEXT,
  detail  TEXT,
  ip      TEXT
);
CREATE INDEX audit_log_at ON audit_log (at);
