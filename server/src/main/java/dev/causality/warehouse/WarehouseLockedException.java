package dev.causality.warehouse;

/** The warehouse file is held by another process, usually a running server. */
public final class WarehouseLockedException extends RuntimeException {
  public WarehouseLockedException(String message, Throwable cause) {
    super(message, cause);
  }
}
