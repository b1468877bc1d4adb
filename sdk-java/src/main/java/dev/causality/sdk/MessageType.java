package dev.causality.sdk;

/** The kind of a {@link Message}, as in the Segment spec; {@link #wire()} is the {@code type} field. */
public enum MessageType {
  TRACK("track"),
  IDENTIFY("identify"),
  PAGE("page"),
  SCREEN("screen"),
  GROUP("group"),
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
