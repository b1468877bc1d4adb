-- Telemetry on the embedded warehouse: the raw events are the warehouse's own `events` table,
-- seen under the name and columns the PostgreSQL schema has.
CREATE OR REPLACE VIEW analytics_events AS
SELECT event_id, app_id, type, event, user_id, anonymous_id, session_id, service,
       "timestamp", received_at, properties, context
FROM events;

-- Policies the rollup worker follows (the warehouse keeps its events: no retention here).
CREATE TABLE IF NOT EXISTS telemetry_policies (
  name        VARCHAR PRIMARY KEY,
  value       INTERVAL NOT NULL,
  description VARCHAR NOT NULL
);
INSERT INTO telemetry_policies VALUES
  ('refresh_interval', INTERVAL 1 HOUR, 'how often the worker refreshes the rollups'),
  ('refresh_window', INTERVAL 3 DAY, 'each refresh recomputes the rollups over this much recent time')
ON CONFLICT DO NOTHING;
