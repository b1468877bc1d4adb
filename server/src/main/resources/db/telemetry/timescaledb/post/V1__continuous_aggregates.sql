-- The seven rollups as TimescaleDB continuous aggregates: refreshed every hour over the last
-- 3 days by TimescaleDB's own policy, and read in real time (materialized_only = false), so
-- answers include the events after the last refresh. Each SELECT is the same GROUP BY the
-- other databases' rollup tables hold (RollupSqlTest keeps them equal).
CREATE MATERIALIZED VIEW IF NOT EXISTS telemetry_active_users_daily
WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT time_bucket(INTERVAL '1 day', "timestamp") AS bucket, app_id, coalesce(service, (properties ->> 'service'), '') AS service, nullif(user_id, '') AS user_key, count(*) AS events FROM analytics_events WHERE TRUE AND nullif(user_id, '') IS NOT NULL GROUP BY time_bucket(INTERVAL '1 day', "timestamp"), app_id, coalesce(service, (properties ->> 'service'), ''), nullif(user_id, '')
WITH NO DATA;
SELECT add_continuous_aggregate_policy('telemetry_active_users_daily', start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 day',
  schedule_interval => INTERVAL '1 hour', if_not_exists => TRUE);

CREATE MATERIALIZED VIEW IF NOT EXISTS telemetry_task_stats_daily
WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT time_bucket(INTERVAL '1 day', "timestamp") AS bucket, app_id, coalesce(service, (properties ->> 'service'), '') AS service, coalesce((properties ->> 'task_type'), '') AS task_type, CAST(sum(CASE WHEN event = 'task_created' THEN 1 ELSE 0 END) AS BIGINT) AS created, CAST(sum(CASE WHEN event = 'task_started' THEN 1 ELSE 0 END) AS BIGINT) AS started, CAST(sum(CASE WHEN event = 'task_completed' THEN 1 ELSE 0 END) AS BIGINT) AS completed, CAST(sum(CASE WHEN event = 'task_failed' THEN 1 ELSE 0 END) AS BIGINT) AS failed, CAST(sum(CASE WHEN event = 'task_cancelled' THEN 1 ELSE 0 END) AS BIGINT) AS cancelled, sum((CASE WHEN (properties ->> 'duration_ms') ~ '^\s*-?[0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?\s*$' THEN CAST((properties ->> 'duration_ms') AS DOUBLE PRECISION) END)) AS duration_ms_sum, count((CASE WHEN (properties ->> 'duration_ms') ~ '^\s*-?[0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?\s*$' THEN CAST((properties ->> 'duration_ms') AS DOUBLE PRECISION) END)) AS duration_ms_count, max((CASE WHEN (properties ->> 'duration_ms') ~ '^\s*-?[0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?\s*$' THEN CAST((properties ->> 'duration_ms') AS DOUBLE PRECISION) END)) AS duration_ms_max FROM analytics_events WHERE TRUE AND event IN ('task_created', 'task_started', 'task_completed', 'task_failed', 'task_cancelled') GROUP BY time_bucket(INTERVAL '1 day', "timestamp"), app_id, coalesce(service, (properties ->> 'service'), ''), coalesce((properties ->> 'task_type'), '')
WITH NO DATA;
SELECT add_continuous_aggregate_policy('telemetry_task_stats_daily', start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 day',
  schedule_interval => INTERVAL '1 hour', if_not_exists => TRUE);

CREATE MATERIALIZED VIEW IF NOT EXISTS telemetry_api_latency_hourly
WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT time_bucket(INTERVAL '1 hour', "timestamp") AS bucket, app_id, coalesce(service, (properties ->> 'service'), '') AS service, coalesce((properties ->> 'method'), '') AS method, coalesce((properties ->> 'route'), '') AS route, count(*) AS requests, CAST(sum(CASE WHEN (CASE WHEN (properties ->> 'status_code') ~ '^\s*-?[0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?\s*$' THEN CAST((properties ->> 'status_code') AS DOUBLE PRECISION) END) >= 500 THEN 1 ELSE 0 END) AS BIGINT) AS server_errors, CAST(sum(CASE WHEN (CASE WHEN (properties ->> 'status_code') ~ '^\s*-?[0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?\s*$' THEN CAST((properties ->> 'status_code') AS DOUBLE PRECISION) END) >= 400 AND (CASE WHEN (properties ->> 'status_code') ~ '^\s*-?[0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?\s*$' THEN CAST((properties ->> 'status_code') AS DOUBLE PRECISION) END) < 500 THEN 1 ELSE 0 END) AS BIGINT) AS client_errors, sum((CASE WHEN (properties ->> 'latency_ms') ~ '^\s*-?[0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?\s*$' THEN CAST((properties ->> 'latency_ms') AS DOUBLE PRECISION) END)) AS latency_ms_sum, count((CASE WHEN (properties ->> 'latency_ms') ~ '^\s*-?[0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?\s*$' THEN CAST((properties ->> 'latency_ms') AS DOUBLE PRECISION) END)) AS latency_ms_count, percentile_cont(0.5) WITHIN GROUP (ORDER BY (CASE WHEN (properties ->> 'latency_ms') ~ '^\s*-?[0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?\s*$' THEN CAST((properties ->> 'latency_ms') AS DOUBLE PRECISION) END)) AS latency_ms_p50, percentile_cont(0.95) WITHIN GROUP (ORDER BY (CASE WHEN (properties ->> 'latency_ms') ~ '^\s*-?[0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?\s*$' THEN CAST((properties ->> 'latency_ms') AS DOUBLE PRECISION) END)) AS latency_ms_p95, percentile_cont(0.99) WITHIN GROUP (ORDER BY (CASE WHEN (properties ->> 'latency_ms') ~ '^\s*-?[0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?\s*$' THEN CAST((properties ->> 'latency_ms') AS DOUBLE PRECISION) END)) AS latency_ms_p99, max((CASE WHEN (properties ->> 'latency_ms') ~ '^\s*-?[0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?\s*$' THEN CAST((properties ->> 'latency_ms') AS DOUBLE PRECISION) END)) AS latency_ms_max FROM analytics_events WHERE TRUE AND event IN ('api_request') GROUP BY time_bucket(INTERVAL '1 hour', "timestamp"), app_id, coalesce(service, (properties ->> 'service'), ''), coalesce((properties ->> 'method'), ''), coalesce((properties ->> 'route'), '')
WITH NO DATA;
SELECT add_continuous_aggregate_policy('telemetry_api_latency_hourly', start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '1 hour', if_not_exists => TRUE);

CREATE MATERIALIZED VIEW IF NOT EXISTS telemetry_integration_health_daily
WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT time_bucket(INTERVAL '1 day', "timestamp") AS bucket, app_id, coalesce(service, (properties ->> 'service'), '') AS service, coalesce((properties ->> 'integration'), '') AS integration, CAST(sum(CASE WHEN event = 'integration_connected' THEN 1 ELSE 0 END) AS BIGINT) AS connected, CAST(sum(CASE WHEN event = 'integration_disconnected' THEN 1 ELSE 0 END) AS BIGINT) AS disconnected, CAST(sum(CASE WHEN event = 'integration_used' THEN 1 ELSE 0 END) AS BIGINT) AS used, CAST(sum(CASE WHEN event = 'integration_error' THEN 1 ELSE 0 END) AS BIGINT) AS errors FROM analytics_events WHERE TRUE AND event IN ('integration_connected', 'integration_disconnected', 'integration_used', 'integration_error') GROUP BY time_bucket(INTERVAL '1 day', "timestamp"), app_id, coalesce(service, (properties ->> 'service'), ''), coalesce((properties ->> 'integration'), '')
WITH NO DATA;
SELECT add_continuous_aggregate_policy('telemetry_integration_health_daily', start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 day',
  schedule_interval => INTERVAL '1 hour', if_not_exists => TRUE);

CREATE MATERIALIZED VIEW IF NOT EXISTS telemetry_auth_events_daily
WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT time_bucket(INTERVAL '1 day', "timestamp") AS bucket, app_id, coalesce(service, (properties ->> 'service'), '') AS service, CAST(sum(CASE WHEN event = 'auth_login_attempt' THEN 1 ELSE 0 END) AS BIGINT) AS login_attempts, CAST(sum(CASE WHEN event = 'auth_login_attempt' AND lower((properties ->> 'success')) = 'true' THEN 1 ELSE 0 END) AS BIGINT) AS login_successes, CAST(sum(CASE WHEN event = 'auth_login_attempt' AND lower(coalesce((properties ->> 'success'), 'false')) <> 'true' THEN 1 ELSE 0 END) AS BIGINT) AS login_failures, CAST(sum(CASE WHEN event = 'auth_code_verified' THEN 1 ELSE 0 END) AS BIGINT) AS codes_verified, CAST(sum(CASE WHEN event = 'auth_token_refresh' THEN 1 ELSE 0 END) AS BIGINT) AS token_refreshes, CAST(sum(CASE WHEN event = 'auth_session_validated' THEN 1 ELSE 0 END) AS BIGINT) AS sessions_validated FROM analytics_events WHERE TRUE AND event IN ('auth_login_attempt', 'auth_code_verified', 'auth_token_refresh', 'auth_session_validated') GROUP BY time_bucket(INTERVAL '1 day', "timestamp"), app_id, coalesce(service, (properties ->> 'service'), '')
WITH NO DATA;
SELECT add_continuous_aggregate_policy('telemetry_auth_events_daily', start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 day',
  schedule_interval => INTERVAL '1 hour', if_not_exists => TRUE);

CREATE MATERIALIZED VIEW IF NOT EXISTS telemetry_cocoon_activity_daily
WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT time_bucket(INTERVAL '1 day', "timestamp") AS bucket, app_id, coalesce(service, (properties ->> 'service'), '') AS service, CAST(sum(CASE WHEN event = 'cocoon_registered' THEN 1 ELSE 0 END) AS BIGINT) AS registered, CAST(sum(CASE WHEN event = 'cocoon_connected' THEN 1 ELSE 0 END) AS BIGINT) AS connected, CAST(sum(CASE WHEN event = 'cocoon_disconnected' THEN 1 ELSE 0 END) AS BIGINT) AS disconnected, CAST(sum(CASE WHEN event = 'cocoon_claimed' THEN 1 ELSE 0 END) AS BIGINT) AS claimed, CAST(sum(CASE WHEN event = 'cocoon_setup_token_created' THEN 1 ELSE 0 END) AS BIGINT) AS setup_tokens_created, CAST(sum(CASE WHEN event = 'cocoon_setup_token_used' THEN 1 ELSE 0 END) AS BIGINT) AS setup_tokens_used, count(DISTINCT (properties ->> 'cocoon_id')) AS cocoons FROM analytics_events WHERE TRUE AND event IN ('cocoon_registered', 'cocoon_connected', 'cocoon_disconnected', 'cocoon_claimed', 'cocoon_setup_token_created', 'cocoon_setup_token_used') GROUP BY time_bucket(INTERVAL '1 day', "timestamp"), app_id, coalesce(service, (properties ->> 'service'), '')
WITH NO DATA;
SELECT add_continuous_aggregate_policy('telemetry_cocoon_activity_daily', start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 day',
  schedule_interval => INTERVAL '1 hour', if_not_exists => TRUE);

CREATE MATERIALIZED VIEW IF NOT EXISTS telemetry_errors_hourly
WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT time_bucket(INTERVAL '1 hour', "timestamp") AS bucket, app_id, coalesce(service, (properties ->> 'service'), '') AS service, coalesce((properties ->> 'error_type'), '') AS error_type, count(*) AS errors, count(DISTINCT nullif(user_id, '')) AS users FROM analytics_events WHERE TRUE AND event IN ('application_error') GROUP BY time_bucket(INTERVAL '1 hour', "timestamp"), app_id, coalesce(service, (properties ->> 'service'), ''), coalesce((properties ->> 'error_type'), '')
WITH NO DATA;
SELECT add_continuous_aggregate_policy('telemetry_errors_hourly', start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '1 hour', if_not_exists => TRUE);

