package dev.causality.sdk;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * One tracked call as it waits in the queue and reaches a {@link Sink}: its type, the message id
 * and timestamp fixed when it was tracked, who it is about, and its properties or traits.
 *
 * <p>Exactly one of {@link #userId()} and {@link #anonymousId()} is present. {@link #name()} is the
 * event name of a track, the page or screen name, the group id of a group and the previous id of an
 * alias.
 */
public final class Message {
  private final MessageType type;
  private final long idHigh;
  private final long epochMillis;
  private final long enqueuedNanos;
  private final String userId;
  private final String anonymousId;
  private final String name;
  private final Props properties;
  long seq;
  private long idLow;

  Message(
      MessageType type,
      long idHigh,
      long epochMillis,
      long enqueuedNanos,
      String userId,
      String anonymousId,
      String name,
      Props properties) {
    this.type = type;
    this.idHigh = idHigh;
    this.epochMillis = epochMillis;
    this.enqueuedNanos = enqueuedNanos;
    this.userId = userId;
    this.anonymousId = anonymousId;
    this.name = name;
    this.properties = properties;
  }

  /** Called once, under the queue's lock, when the message gets its sequence number. */
  void sequence(long seq) {
    this.seq = seq;
    this.idLow = (seq & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
  }

  /** The message type. */
  public MessageType type() {
    return type;
  }

  /** The message id, a UUID fixed when the message was tracked; the server drops repeats of it. */
  public String messageId() {
    return new UUID(idHigh, idLow).toString();
  }

  /** When the message was tracked. */
  public Instant timestamp() {
    return Instant.ofEpochMilli(epochMillis);
  }

  long epochMillis() {
    return epochMillis;
  }

  long enqueuedNanos() {
    return enqueuedNanos;
  }

  long idHigh() {
    return idHigh;
  }

  long idLow() {
    return idLow;
  }

  /** The user this message is about, when known. */
  public Optional<String> userId() {
    return Optional.ofNullable(userId);
  }

  /** The anonymous id, present when there is no user id. */
  public Optional<String> anonymousId() {
    return Optional.ofNullable(anonymousId);
  }

  String userIdOrNull() {
    return userId;
  }

  String anonymousIdOrNull() {
    return anonymousId;
  }

  /** Event name (track), page or screen name, group id (group) or previous id (alias). */
  public String name() {
    return name == null ? "" : name;
  }

  String nameOrNull() {
    return name;
  }

  /** Properties of a track, page or screen; traits of an identify or group; empty for an alias. */
  public Map<String, Object> properties() {
    return properties;
  }

  /**
   * {@link #properties()} as a JSON object, written as the HTTP sink writes it (for sinks that
   * store JSON, such as a database column). Throws {@link IllegalArgumentException} for a value
   * nested deeper than 64 levels (a cycle).
   */
  public String propertiesJson() {
    return new Json(64 + 32 * properties.count()).value(properties).toString();
  }

  Props props() {
    return properties;
  }

  @Override
  public String toString() {
    return type.wire() + " " + name() + " " + messageId();
  }
}
