package dev.causality.sdk;

/**
 * Why a message was dropped or failed; {@link #code()} is a stable label for metrics that never
 * changes meaning. The first three count in {@link Stats#dropped()}, the others in {@link
 * Stats#failed()}.
 */
public enum Loss {
  /** The queue was full: the oldest message made room for a new one. */
  QUEUE_FULL("queue_full"),
  /** The call had an invalid argument (a blank event name or id, a properties map that failed). */
  INVALID_CALL("invalid_call"),
  /** The call came after {@code close()}. */
  AFTER_CLOSE("after_close"),
  /**
   * The server or sink refused it for good (4xx other than 408/429, invalid, too large,
   * unwritable).
   */
  REJECTED("rejected"),
  /** It was still undelivered, after retries, when the delivery timeout passed. */
  DELIVERY_TIMEOUT("delivery_timeout"),
  /** It was still queued when {@code close()} gave up or the worker stopped. */
  UNSENT_AT_CLOSE("unsent_at_close");

  private final String code;

  Loss(String code) {
    this.code = code;
  }

  /** The stable label, e.g. {@code queue_full}. */
  public String code() {
    return code;
  }

  boolean isDrop() {
    return ordinal() <= AFTER_CLOSE.ordinal();
  }
}
