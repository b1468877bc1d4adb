package dev.causality.auth;

/**
 * A refused account operation with a stable {@code code} that reaches clients and the HTTP status
 * that goes with it; {@code field} names the request field at fault, when there is one.
 */
public final class AuthException extends RuntimeException {
  private final int status;
  private final String code;
  private final String field;

  public AuthException(int status, String code, String field, String message) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
  }

  static AuthException invalid(String field, String message) {
    return new AuthException(400, "invalid_" + field, field, field + " " + message);
  }

  static AuthException notFound(String what) {
    return new AuthException(404, "not_found", "", what + " not found");
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public String field() {
    return field;
  }
}
