-- The raw telemetry events as a TimescaleDB hypertable: daily chunks, compressed after 7 days,
-- dropped after 90. Column names are those of the warehouse's events table. A retried insert of
-- the same event (same event_id and timestamp) is a conflict, which writers skip.
CREATE EXTENSION IF NOT EXISTS timescaledb;

CREATE TABLE IF NOT EXISTS analytics_events (
  event_id     TEXT        NOT NULL,
  app_id       TEXT        NOT NULL DEFAULT 'default',
  type         TEXT        NOT NULL DEFAULT 'track',
  event        TEXT,
  user_id      TEXT,
  anonymous_id TEXT,
  session_id   TEXT,
  service      TEXT,
  "timestamp"  TIMESTAMPTZ NOT NULL,
  received_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  properties   JSONB       NOT NULL DEFAULT '{}'::jsonb,
  context      JSONB       NOT NULL DEFAULT '{}'::jsonb,
  PRIMARY KEY (event_id, "timestamp")
);

SELECT create_hypertable('analytics_events', 'timestamp', chunk_time_interval => INTERVAL '1 day', if_not_exists => TRUE);

CREATE INDEX IF NOT EXISTS analytics_events_user_idx ON analytics_events (user_id, "timestamp" DESC);
CREATE INDEX IF NOT EXISTS analytics_events_event_idx ON analytics_events (event, "timestamp" DESC);
CREATE INDEX IF NOT EXISTS analytics_events_service_idx ON analytics_events (service, "timestamp" DESC);

ALTER TABLE analytics_events SET (
  timescaledb.compress,
  timescaledb.compress_segmentby = 'app_id, event',
  timescaledb.compress_orderby = '"timestamp" DESC'
);
SELECT add_compression_policy('analytics_events', INTERVAL '7 days', if_not_exists => TRUE);
SELECT add_retention_policy('analytics_events', INTERVAL '90 days', if_not_exists => TRUE);

-- The same policy table as on plain PostgreSQL, for reference: TimescaleDB's jobs enforce them.
CREATE TABLE IF NOT EXISTS telemetry_policies (
  name        TEXT PRIMARY KEY,
  value       INTERVAL NOT NULL,
  description TEXT NOT NULL
);
INSERT INTO telemetry_policies VALUES
  ('retention', INTERVAL '90 days', 'chunks of raw events older than this are dropped (add_retention_policy)'),
  ('compression', INTERVAL '7 days', 'chunks older than this are compressed (add_compression_policy)'),
  ('refresh_interval', INTERVAL '1 hour', 'continuous aggregates refresh this often'),
  ('refresh_window', INTERVAL '3 days', 'each refresh recomputes the aggregates over this much recent time')
ON CONFLICT (name) DO NOTHING;
