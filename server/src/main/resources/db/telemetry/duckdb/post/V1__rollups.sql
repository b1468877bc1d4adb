-- The seven rollups as tables refreshed by the server's rollup worker, and their watermarks.
-- Rows before a rollup's watermark come from its table; reads add the raw events after it.
CREATE TABLE IF NOT EXISTS telemetry_rollup_state (
  rollup       VARCHAR PRIMARY KEY,
  watermark    TIMESTAMP NOT NULL,
  refreshed_at TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS telemetry_active_users_daily (
  bucket TIMESTAMP NOT NULL, app_id VARCHAR NOT NULL, service VARCHAR NOT NULL,
  user_key VARCHAR NOT NULL,
  events BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS telemetry_task_stats_daily (
  bucket TIMESTAMP NOT NULL, app_id VARCHAR NOT NULL, service VARCHAR NOT NULL,
  task_type VARCHAR NOT NULL,
  created BIGINT NOT NULL, started BIGINT NOT NULL, completed BIGINT NOT NULL, failed BIGINT NOT NULL,
  cancelled BIGINT NOT NULL,
  duration_ms_sum DOUBLE, duration_ms_count BIGINT NOT NULL, duration_ms_max DOUBLE
);

CREATE TABLE IF NOT EXISTS telemetry_api_latency_hourly (
  bucket TIMESTAMP NOT NULL, app_id VARCHAR NOT NULL, service VARCHAR NOT NULL,
  method VARCHAR NOT NULL, route VARCHAR NOT NULL,
  requests BIGINT NOT NULL, server_errors BIGINT NOT NULL, client_errors BIGINT NOT NULL,
  latency_ms_sum DOUBLE, latency_ms_count BIGINT NOT NULL,
  latency_ms_p50 DOUBLE, latency_ms_p95 DOUBLE, latency_ms_p99 DOUBLE, latency_ms_max DOUBLE
);

CREATE TABLE IF NOT EXISTS telemetry_integration_health_daily (
  bucket TIMESTAMP NOT NULL, app_id VARCHAR NOT NULL, service VARCHAR NOT NULL,
  integration VARCHAR NOT NULL,
  connected BIGINT NOT NULL, disconnected BIGINT NOT NULL, used BIGINT NOT NULL, errors BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS telemetry_auth_events_daily (
  bucket TIMESTAMP NOT NULL, app_id VARCHAR NOT NULL, service VARCHAR NOT NULL,
  login_attempts BIGINT NOT NULL, login_successes BIGINT NOT NULL, login_failures BIGINT NOT NULL,
  codes_verified BIGINT NOT NULL, token_refreshes BIGINT NOT NULL, sessions_validated BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS telemetry_cocoon_activity_daily (
  bucket TIMESTAMP NOT NULL, app_id VARCHAR NOT NULL, service VARCHAR NOT NULL,
  registered BIGINT NOT NULL, connected BIGINT NOT NULL, disconnected BIGINT NOT NULL, claimed BIGINT NOT NULL,
  setup_tokens_created BIGINT NOT NULL, setup_tokens_used BIGINT NOT NULL, cocoons BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS telemetry_errors_hourly (
  bucket TIMESTAMP NOT NULL, app_id VARCHAR NOT NULL, service VARCHAR NOT NULL,
  error_type VARCHAR NOT NULL,
  errors BIGINT NOT NULL, users BIGINT NOT NULL
);
