package dev.causality.sdk;

/**
 * The kind of a {@link Message}, as in the Segment spec; {@link #wire()} is the {@code type} field.
 */
public enum MessageType {
  /** An event a user or service did. */
  TRACK("track"),
  /** Who a user is: traits. */
  IDENTIFY("identify"),
  /** A web page view. */
  PAGE("page"),
  /** An app screen view. */
  SCREEN("screen"),
  /** A user joins a group (account, organisation, team). */
  GROUP("group"),
  /** One identity becomes another. */
  ALIAS("alias");

  private final String wire;

  MessageType(String wire) {
    this.wire = wire;
  }

  /** The value of the message's {@code type} field. */
  public String wire() {
    return wire;
  }
}
