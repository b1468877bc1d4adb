package dev.causality.sdk;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * Messages a worker hands to a {@link Sink} in one go, in the order they were tracked, with the
 * context shared by all of them.
 *
 * @param messages the messages, oldest first
 * @param service the service name of the client that tracked them
 * @param context the context every message carries: {@code service}, {@code hostname}, {@code
 *     java_version} and {@code library} ({@code {name: "causality-java", version}})
 */
public record Batch(List<Message> messages, String service, Map<String, Object> context) {
  /** Validates and copies the fields. */
  public Batch {
    messages = List.copyOf(requireNonNull(messages, "messages is null"));
    requireNonNull(service, "service is null");
    requireNonNull(context, "context is null");
  }

  /** {@link #context()} as a JSON object. */
  public String contextJson() {
    return new Json(256).value(context).toString();
  }

  /** How many messages the batch holds. */
  public int size() {
    return messages.size();
  }
}
