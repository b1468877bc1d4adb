-- Retention of raw telemetry on the embedded warehouse, as on PostgreSQL: the telemetry worker
-- deletes warehouse events older than this whose name is one of the well-known telemetry events
-- (api_request, task_*, integration_*, auth_*, cocoon_*, application_error, database_query).
-- Other events are product analytics and stay. Rollup rows are kept, as on PostgreSQL.
INSERT INTO telemetry_policies VALUES
  ('retention', INTERVAL 90 DAY, 'raw telemetry events older than this are deleted from the warehouse (rollups stay)')
ON CONFLICT DO NOTHING;
