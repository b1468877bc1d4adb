package dev.causality.warehouse;

import static java.util.Objects.requireNonNull;

/** A log record that could not be loaded, kept with its error instead of stalling the loader. */
public record DeadLetter(long position, String error, String payload, long failedAtMicros) {
  public DeadLetter {
    requireNonNull(error, "error is null");
    requireNonNull(payload, "payload is null");
  }
}
