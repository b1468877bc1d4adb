package dev.causality.telemetry;

/**
 * A telemetry operation failed. {@link #code()} is stable: {@code invalid_parameter} (with the
 * {@link #field()}), {@code unknown_rollup}, {@code not_migrated}, {@code database}.
 */
public final class TelemetryException extends RuntimeException {
  private final int status;
  private final String code;
  private final String field;

  TelemetryException(int status, String code, String field, String message, Throwable cause) {
    super(message, cause);
    this.status = status;
    this.code = code;
    this.field = field;
  }

  static TelemetryException invalid(String field, String message) {
    return new TelemetryException(400, "invalid_parameter", field, field + ": " + message, null);
  }

  static TelemetryException database(String what, java.sql.SQLException e) {
    String msg = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
    boolean missing = msg.contains("does not exist") && (msg.contains("telemetry_") || msg.contains("analytics_events"));
    if (missing) {
      return new TelemetryException(503, "not_migrated", "",
          what + ": the telemetry tables are missing; run `causality migrate all` (" + msg + ")", e);
    }
    return new TelemetryException(500, "database", "", what + ": " + msg, e);
  }

  /** The HTTP status this failure answers with. */
  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  /** The request field that is wrong, or "" when none is. */
  public String field() {
    return field;
  }
}
