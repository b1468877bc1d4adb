package dev.causality.dashboards;

/**
 * A request about saved queries or dashboards that cannot be done. {@code code} is stable:
 * {@code invalid} (with the field), {@code not_found}, {@code storage}.
 */
public final class DashboardException extends RuntimeException {
  private final int status;
  private final String code;

  public DashboardException(int status, String code, String message) {
    super(message);
    this.status = status;
    this.code = code;
  }

  public DashboardException(String message, Throwable cause) {
    super(message, cause);
    this.status = 500;
    this.code = "storage";
  }

  static DashboardException invalid(String field, String why) {
    return new DashboardException(400, "invalid", field + ": " + why);
  }

  static DashboardException notFound(String what, String id) {
    return new DashboardException(404, "not_found", "no " + what + " '" + id + "'");
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }
}
