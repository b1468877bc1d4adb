package dev.causality.auth;

import dev.causality.http.ApiException;

/**
 * A refused account operation with a stable {@code code} that reaches clients and the HTTP status
 * that goes with it; {@code field} names the request field at fault, when there is one.
 */
public final class AuthException extends ApiException {
  public AuthException(int status, String code, String field, String message) {
    super(status, code, field, message, null);
  }

  static AuthException invalid(String field, String message) {
    return new AuthException(400, "invalid_" + field, field, field + " " + message);
  }

  static AuthException notFound(String what) {
    return new AuthException(404, "not_found", "", what + " not found");
  }
}
