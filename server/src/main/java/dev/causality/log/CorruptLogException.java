package dev.causality.log;

/**
 * A record in the middle of the log fails its checksum or framing. Never skipped: the operator has
 * to look at the named file and offset.
 */
public final class CorruptLogException extends RuntimeException {
  public CorruptLogException(String message) {
    super(message);
  }
}
