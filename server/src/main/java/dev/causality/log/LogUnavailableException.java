package dev.causality.log;

/** The log cannot make records durable right now (disk full, fsync error, closing); retriable. */
public final class LogUnavailableException extends RuntimeException {
  public LogUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
