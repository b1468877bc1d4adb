package dev.causality.telemetry;

import dev.causality.http.ApiException;

/**
 * A telemetry operation failed. {@link #code()} is stable: {@code invalid_parameter} (with the
 * {@link #field()}), {@code unknown_rollup}, {@code not_migrated}, {@code database}.
 */
public final class TelemetryException extends ApiException {
  TelemetryException(int status, String code, String field, String message, Throwable cause) {
    super(status, code, field, message, cause);
  }

  static TelemetryException invalid(String field, String message) {
    return new TelemetryException(400, "invalid_parameter", field, field + ": " + message, null);
  }

  static TelemetryException database(String what, java.sql.SQLException e) {
    String msg = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
    boolean missing =
        msg.contains("does not exist")
            && (msg.contains("telemetry_") || msg.contains("analytics_events"));
    if (missing) {
      return new TelemetryException(
          503,
          "not_migrated",
          "",
          what + ": the telemetry tables are missing; run `causality migrate all` (" + msg + ")",
          e);
    }
    return new TelemetryException(500, "database", "", what + ": " + msg, e);
  }
}
