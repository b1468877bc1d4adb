package dev.causality.warehouse;

/** A warehouse operation failed; {@link #retriable()} when trying again later may succeed. */
public final class WarehouseException extends RuntimeException {
  private final boolean retriable;

  public WarehouseException(String message, Throwable cause, boolean retriable) {
    super(message, cause);
    this.retriable = retriable;
  }

  public boolean retriable() {
    return retriable;
  }
}
