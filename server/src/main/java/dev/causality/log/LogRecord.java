package dev.causality.log;

import static java.util.Objects.requireNonNull;

/** One durable record of the log: its payload, where it starts and where the next one starts. */
public record LogRecord(long position, long nextPosition, byte[] payload) {
  public LogRecord {
    requireNonNull(payload, "payload is null");
    if (nextPosition <= position) {
      throw new IllegalArgumentException(
          "nextPosition " + nextPosition + " must be after position " + position);
    }
  }
}
