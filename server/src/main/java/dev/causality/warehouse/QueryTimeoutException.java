package dev.causality.warehouse;

/** A query ran past its time limit and was cancelled. */
public final class QueryTimeoutException extends RuntimeException {
  public QueryTimeoutException(String message, Throwable cause) {
    super(message, cause);
  }
}
