package dev.causality.http;

import static java.util.Objects.requireNonNull;

/**
 * The base of each feature's exception that reaches API clients: the HTTP status, a stable {@code
 * code} that never changes meaning, and the request {@code field} at fault ("" when the error is
 * not about one field). {@link ErrorBody#write} turns it into the JSON error body.
 */
public abstract class ApiException extends RuntimeException {
  private final int status;
  private final String code;
  private final String field;

  protected ApiException(int status, String code, String field, String message, Throwable cause) {
    super(message, cause);
    this.status = status;
    this.code = requireNonNull(code, "code is null");
    this.field = requireNonNull(field, "field is null");
  }

  /** The HTTP status this failure answers with. */
  public final int status() {
    return status;
  }

  public final String code() {
    return code;
  }

  /** The request field that is wrong, or "" when none is. */
  public final String field() {
    return field;
  }
}
