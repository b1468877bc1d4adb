-- The raw telemetry events, one row per event, in daily partitions on "timestamp" (UTC days).
-- Column names are those of the warehouse's events table. A retried insert of the same event
-- (same event_id and timestamp) is a conflict, which writers skip (ON CONFLICT DO NOTHING).
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
) PARTITION BY RANGE ("timestamp");

-- Rows outside every daily partition (far past, far future) land here instead of failing.
CREATE TABLE IF NOT EXISTS analytics_events_default PARTITION OF analytics_events DEFAULT;

CREATE INDEX IF NOT EXISTS analytics_events_user_idx ON analytics_events (user_id, "timestamp");
CREATE INDEX IF NOT EXISTS analytics_events_event_idx ON analytics_events (event, "timestamp");
CREATE INDEX IF NOT EXISTS analytics_events_service_idx ON analytics_events (service, "timestamp");

-- The policies the server's telemetry worker enforces (PostgreSQL has no scheduler of its own).
CREATE TABLE IF NOT EXISTS telemetry_policies (
  name        TEXT PRIMARY KEY,
  value       INTERVAL NOT NULL,
  description TEXT NOT NULL
);
INSERT INTO telemetry_policies VALUES
  ('retention', INTERVAL '90 days', 'daily partitions of raw events older than this are dropped'),
  ('partitions_ahead', INTERVAL '7 days', 'daily partitions are created this far ahead'),
  ('refresh_interval', INTERVAL '1 hour', 'how often the worker refreshes the rollups'),
  ('refresh_window', INTERVAL '3 days', 'each refresh recomputes the rollups over this much recent time')
ON CONFLICT (name) DO NOTHING;

-- Creates the missing daily partitions of [first_day, last_day]; rows of those days that the
-- default partition holds move into them. Returns how many partitions it created.
CREATE OR REPLACE FUNCTION telemetry_create_partitions(first_day DATE, last_day DATE) RETURNS INTEGER
LANGUAGE plpgsql AS $$
DECLARE
  d DATE := first_day;
  lo TIMESTAMPTZ;
  hi TIMESTAMPTZ;
  part TEXT;
  created INTEGER := 0;
BEGIN
  WHILE d <= last_day LOOP
    part := 'analytics_events_p' || to_char(d, 'YYYYMMDD');
    IF to_regclass(part) IS NULL THEN
      lo := d::timestamp AT TIME ZONE 'UTC';
      hi := (d + 1)::timestamp AT TIME ZONE 'UTC';
      EXECUTE format('CREATE TEMP TABLE telemetry_moved ON COMMIT DROP AS WITH moved AS ('
                     'DELETE FROM analytics_events_default WHERE "timestamp" >= %L AND "timestamp" < %L RETURNING *) '
                     'SELECT * FROM moved', lo, hi);
      EXECUTE format('CREATE TABLE %I PARTITION OF analytics_events FOR VALUES FROM (%L) TO (%L)', part, lo, hi);
      INSERT INTO analytics_events SELECT * FROM telemetry_moved;
      DROP TABLE telemetry_moved;
      created := created + 1;
    END IF;
    d := d + 1;
  END LOOP;
  RETURN created;
END
$$;

-- Drops the daily partitions of days before before_day and deletes older rows of the default
-- partition. Returns how many partitions it dropped.
CREATE OR REPLACE FUNCTION telemetry_drop_partitions(before_day DATE) RETURNS INTEGER
LANGUAGE plpgsql AS $$
DECLARE
  r RECORD;
  dropped INTEGER := 0;
BEGIN
  FOR r IN
    SELECT c.relname
    FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'analytics_events'::regclass
      AND c.relname ~ '^analytics_events_p[0-9]{8}$'
      AND to_date(substring(c.relname FROM '[0-9]{8}$'), 'YYYYMMDD') < before_day
  LOOP
    EXECUTE format('DROP TABLE %I', r.relname);
    dropped := dropped + 1;
  END LOOP;
  DELETE FROM analytics_events_default WHERE "timestamp" < before_day::timestamp AT TIME ZONE 'UTC';
  RETURN dropped;
END
$$;

-- Partitions from yesterday to a week ahead; the worker keeps creating them from then on.
SELECT telemetry_create_partitions((now() AT TIME ZONE 'UTC')::date - 1, (now() AT TIME ZONE 'UTC')::date + 7);
