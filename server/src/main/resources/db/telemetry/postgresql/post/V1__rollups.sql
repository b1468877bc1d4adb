-- The seven rollups as tables refreshed by the server's telemetry worker, and their watermarks.
-- Rows before a rollup's watermark come from its table; reads add the raw events after it.
CREATE TABLE IF NOT EXISTS telemetry_rollup_state (
  rollup       TEXT PRIMARY KEY,
  watermark    TIMESTAMPTZ NOT NULL,
  refreshed_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE IF NOT EXISTS telemetry_active_users_daily (
  bucket TIMESTAMPTZ NOT NULL, app_id TEXT NOT NULL, service TEXT NOT NULL,
  user_key TEXT NOT NULL,
  events BIGINT NOT NULL,
  PRIMARY KEY (bucket, app_id, service, user_key)
);

CREATE TABLE IF NOT EXISTS telemetry_task_stats_daily (
  bucket TIMESTAMPTZ NOT NULL, app_id TEXT NOT NULL, service TEXT NOT NULL,
  task_type TEXT NOT NULL,
  created BIGINT NOT NULL, started BIGINT NOT NULL, completed BIGINT NOT NULL, failed BIGINT NOT NULL,
  cancelled BIGINT NOT NULL,
  duration_ms_sum DOUBLE PRECISION, duration_ms_count BIGINT NOT NULL, duration_ms_max DOUBLE PRECISION,
  PRIMARY KEY (bucket, app_id, service, task_type)
);

CREATE TABLE IF NOT EXISTS telemetry_api_latency_hourly (
  bucket TIMESTAMPTZ NOT NULL, app_id TEXT NOT NULL, service TEXT NOT NULL,
  method TEXT NOT NULL, route TEXT NOT NULL,
  requests BIGINT NOT NULL, server_errors BIGINT NOT NULL, client_errors BIGINT NOT NULL,
  latency_ms_sum DOUBLE PRECISION, latency_ms_count BIGINT NOT NULL,
  latency_ms_p50 DOUBLE PRECISION, latency_ms_p95 DOUBLE PRECISION, latency_ms_p99 DOUBLE PRECISION, latency_ms_max DOUBLE PRECISION,
  PRIMARY KEY (bucket, app_id, service, method, route)
);

CREATE TABLE IF NOT EXISTS telemetry_integration_health_daily (
  bucket TIMESTAMPTZ NOT NULL, app_id TEXT NOT NULL, service TEXT NOT NULL,
  integration TEXT NOT NULL,
  connected BIGINT NOT NULL, disconnected BIGINT NOT NULL, used BIGINT NOT NULL, errors BIGINT NOT NULL,
  PRIMARY KEY (bucket, app_id, service, integration)
);

CREATE TABLE IF NOT EXISTS telemetry_auth_events_daily (
  bucket TIMESTAMPTZ NOT NULL, app_id TEXT NOT NULL, service TEXT NOT NULL,
  login_attempts BIGINT NOT NULL, login_successes BIGINT NOT NULL, login_failures BIGINT NOT NULL,
  codes_verified BIGINT NOT NULL, token_refreshes BIGINT NOT NULL, sessions_validated BIGINT NOT NULL,
  PRIMARY KEY (bucket, app_id, service)
);

CREATE TABLE IF NOT EXISTS telemetry_cocoon_activity_daily (
  bucket TIMESTAMPTZ NOT NULL, app_id TEXT NOT NULL, service TEXT NOT NULL,
  registered BIGINT NOT NULL, connected BIGINT NOT NULL, disconnected BIGINT NOT NULL, claimed BIGINT NOT NULL,
  setup_tokens_created BIGINT NOT NULL, setup_tokens_used BIGINT NOT NULL, cocoons BIGINT NOT NULL,
  PRIMARY KEY (bucket, app_id, service)
);

CREATE TABLE IF NOT EXISTS telemetry_errors_hourly (
  bucket TIMESTAMPTZ NOT NULL, app_id TEXT NOT NULL, service TEXT NOT NULL,
  error_type TEXT NOT NULL,
  errors BIGINT NOT NULL, users BIGINT NOT NULL,
  PRIMARY KEY (bucket, app_id, service, error_type)
);

-- Reads filter on project and time.
CREATE INDEX IF NOT EXISTS telemetry_active_users_daily_app_idx ON telemetry_active_users_daily (app_id, bucket);
