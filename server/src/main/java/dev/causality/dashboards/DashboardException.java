package dev.causality.dashboards;

import dev.causality.http.ApiException;

/**
 * A request about saved queries or dashboards that cannot be done. {@code code} is stable: {@code
 * invalid} (with the field), {@code not_found}, {@code storage}.
 */
public final class DashboardException extends ApiException {
  public DashboardException(int status, String code, String message) {
    super(status, code, "", message, null);
  }

  public DashboardException(String message, Throwable cause) {
    super(500, "storage", "", message, cause);
  }

  static DashboardException invalid(String field, String why) {
    return new DashboardException(400, "invalid", field + ": " + why);
  }

  static DashboardException notFound(String what, String id) {
    return new DashboardException(404, "not_found", "no " + what + " '" + id + "'");
  }
}
