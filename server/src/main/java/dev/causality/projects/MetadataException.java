package dev.causality.projects;

/** A metadata operation failed; the message says which and why. */
public final class MetadataException extends RuntimeException {
  public MetadataException(String message, Throwable cause) {
    super(message, cause);
  }
}
