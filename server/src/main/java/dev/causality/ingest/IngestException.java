package dev.causality.ingest;

/**
 * A request that is refused as a whole, with the HTTP status and a stable error code that clients
 * may rely on (codes never change meaning), plus a message naming the field or limit.
 */
public final class IngestException extends RuntimeException {
  private final int status;
  private final String code;
  private final long retryAfterSeconds;

  public IngestException(int status, String code, String message) {
    this(status, code, message, 0, null);
  }

  public IngestException(
      int status, String code, String message, long retryAfterSeconds, Throwable cause) {
    super(message, cause);
    this.status = status;
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  /** Seconds for a {@code Retry-After} header; 0 when none applies. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  static IngestException badRequest(String message) {
    return new IngestException(400, "invalid_request", message);
  }

  static IngestException tooLarge(String message) {
    return new IngestException(413, "too_large", message);
  }
}
