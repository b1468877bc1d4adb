package dev.causality.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.causality.event.Event;
import dev.causality.ingest.Outcome.Reason;
import dev.causality.projects.IngestKey;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * The named steps every item goes through after parsing: validate → normalise → enrich. Each step
 * either fills its columns or returns a rejection; a rejected item never stops the others.
 */
final class Pipeline {
  static final int MAX_MESSAGE_ID = 100;

  private final IngestLimits limits;
  private final Enricher enricher;
  private final ObjectMapper mapper;
  private final RandomGenerator random;
  private final long maxFutureMicros;

  Pipeline(
      IngestLimits limits,
      Enricher enricher,
      ObjectMapper mapper,
      RandomGenerator random,
      long maxFutureMicros) {
    this.limits = limits;
    this.enricher = enricher;
    this.mapper = mapper;
    this.random = random;
    this.maxFutureMicros = maxFutureMicros;
  }

  /** Runs the steps for every item of the request. */
  List<Outcome> process(
      ParsedRequest request,
      Route route,
      RequestInfo info,
      IngestKey key,
      Function<String, Optional<IngestKey>> keys) {
    List<Outcome> out = new ArrayList<>(request.items().size());
    // the JSON texts of all items are written in one builder, grown once (JsonText.of)
    StringBuilder scratch = new StringBuilder(1024);
    for (ParsedRequest.Item item : request.items()) {
      out.add(processItem(item, request, route, info, key, keys, scratch));
    }
    return out;
  }

  private Outcome processItem(
      ParsedRequest.Item item,
      ParsedRequest request,
      Route route,
      RequestInfo info,
      IngestKey requestKey,
      Function<String, Optional<IngestKey>> keys,
      StringBuilder scratch) {
    int i = item.index();
    if (!(item.node() instanceof ObjectNode msg)) {
      return new Outcome.Rejected(i, Reason.NOT_AN_OBJECT, "item " + i + " must be a JSON object");
    }
    if (item.sizeBytes() > limits.maxEventBytes()) {
      return new Outcome.Rejected(
          i,
          Reason.EVENT_TOO_LARGE,
          "event is "
              + item.sizeBytes()
              + " bytes; the limit is "
              + limits.maxEventBytes()
              + " bytes per event (CAUSALITY_MAX_EVENT_BYTES)");
    }
    IngestKey key = requestKey;
    Optional<String> itemKey = text(msg, "writeKey");
    if (itemKey.isPresent() && route.shape() == Route.Shape.BATCH) {
      Optional<IngestKey> k = keys.apply(itemKey.get());
      if (k.isEmpty()) {
        return new Outcome.Rejected(
            i, Reason.INVALID_WRITE_KEY, "item writeKey is unknown or revoked");
      }
      key = k.get();
    }
    Event.Builder b = Event.builder();
    b.appId = key.projectId();
    b.receivedAt = info.receivedAtMicros();
    Outcome.Rejected rejected = validate(i, msg, route, b);
    if (rejected == null) {
      rejected = normalise(i, msg, request, route, info, b, scratch);
    }
    if (rejected != null) {
      return rejected;
    }
    return new Outcome.Accepted(i, b.build());
  }

  /** Validate: the type, identity and required fields of the message's type. */
  private Outcome.Rejected validate(int i, ObjectNode msg, Route route, Event.Builder b) {
    String type =
        route.shape() == Route.Shape.BATCH
            ? text(msg, "type").orElse("")
            : route.impliedType().orElseThrow();
    if (!Event.TYPES.contains(type)) {
      return new Outcome.Rejected(
          i,
          Reason.INVALID_TYPE,
          "type must be one of track, page, screen, identify, group, alias; was '" + type + "'");
    }
    b.type = type;
    boolean nativeShape = route.shape() == Route.Shape.NATIVE;
    for (String field : idFields(type, nativeShape)) {
      JsonNode n = msg.get(field);
      if (n != null && n.isContainerNode()) {
        return new Outcome.Rejected(
            i,
            Reason.INVALID_FIELD,
            "'"
                + field
                + "' must be a string or a number, found "
                + (n.isObject() ? "an object" : "an array"));
      }
    }
    b.userId = id(msg, nativeShape ? "user_id" : "userId");
    b.anonymousId = id(msg, nativeShape ? "anonymous_id" : "anonymousId");
    if (route.requiresIdentity() && b.userId == null && b.anonymousId == null) {
      return new Outcome.Rejected(
          i, Reason.MISSING_IDENTITY, "item " + i + " has neither userId nor anonymousId");
    }
    if (nativeShape) {
      b.event = id(msg, "event_type");
      if (b.event == null) {
        return new Outcome.Rejected(i, Reason.MISSING_EVENT, "event_type is required");
      }
      Optional<String> appId = text(msg, "app_id");
      if (appId.isPresent() && !appId.get().equals(b.appId)) {
        return new Outcome.Rejected(
            i,
            Reason.APP_ID_MISMATCH,
            "app_id '" + appId.get() + "' is not the key's project '" + b.appId + "'");
      }
    } else {
      b.event = id(msg, type.equals("track") ? "event" : "name");
    }
    switch (type) {
      case "track" -> {
        if (b.event == null) {
          return new Outcome.Rejected(
              i, Reason.MISSING_EVENT, "a track call needs a non-empty 'event'");
        }
      }
      case "group" -> {
        b.groupId = id(msg, "groupId");
        if (b.groupId == null) {
          return new Outcome.Rejected(i, Reason.MISSING_GROUP_ID, "a group call needs a 'groupId'");
        }
      }
      case "alias" -> {
        b.previousId = id(msg, "previousId");
        if (b.previousId == null) {
          return new Outcome.Rejected(
              i, Reason.MISSING_PREVIOUS_ID, "an alias call needs a 'previousId'");
        }
      }
      default -> {}
    }
    String messageId = id(msg, nativeShape ? "idempotency_key" : "messageId");
    if (messageId != null && messageId.length() > MAX_MESSAGE_ID) {
      return new Outcome.Rejected(
          i,
          Reason.MESSAGE_ID_TOO_LONG,
          "messageId is " + messageId.length() + " characters; the limit is " + MAX_MESSAGE_ID);
    }
    b.eventId = messageId != null ? messageId : randomUuid();
    for (String field : new String[] {"properties", "traits", "context"}) {
      JsonNode n = msg.get(field);
      if (n != null && !n.isNull() && !n.isObject()) {
        return new Outcome.Rejected(i, Reason.INVALID_FIELD, "'" + field + "' must be an object");
      }
      if (n != null && !finiteNumbers(n)) {
        return new Outcome.Rejected(
            i,
            Reason.INVALID_NUMBER,
            "'" + field + "' holds a number outside the range of a double");
      }
    }
    return null;
  }

  /** A version-4 UUID from the injected random source. */
  private String randomUuid() {
    long hi = (random.nextLong() & ~0xF000L) | 0x4000L;
    long lo = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(hi, lo).toString();
  }

  /**
   * The id-like fields this message type reads; an object or array there is an error, not absence.
   */
  private static List<String> idFields(String type, boolean nativeShape) {
    if (nativeShape) {
      return List.of(
          "user_id",
          "anonymous_id",
          "event_type",
          "idempotency_key",
          "session_id",
          "service",
          "app_id");
    }
    return switch (type) {
      case "track" -> List.of("userId", "anonymousId", "messageId", "event");
      case "group" -> List.of("userId", "anonymousId", "messageId", "name", "groupId");
      case "alias" -> List.of("userId", "anonymousId", "messageId", "name", "previousId");
      default -> List.of("userId", "anonymousId", "messageId", "name");
    };
  }

  /** Normalise: merge the batch context, correct time, promote context fields; then enrich. */
  private Outcome.Rejected normalise(
      int i,
      ObjectNode msg,
      ParsedRequest request,
      Route route,
      RequestInfo info,
      Event.Builder b,
      StringBuilder scratch) {
    if (!finiteNumbers(request.batchContext())) {
      return new Outcome.Rejected(
          i,
          Reason.INVALID_NUMBER,
          "the batch 'context' holds a number outside the range of a double");
    }
    // The item's own context is this item's alone (parsed for it), so it is completed in place
    // with the batch keys it lacks; batch values are shared between items and never modified.
    ObjectNode context;
    if (msg.get("context") instanceof ObjectNode own) {
      context = own;
      if (!request.batchContext().isEmpty()) {
        for (Map.Entry<String, JsonNode> f : request.batchContext().properties()) {
          if (!own.has(f.getKey())) {
            own.set(f.getKey(), f.getValue());
          }
        }
      }
    } else {
      context = mapper.createObjectNode();
      context.setAll(request.batchContext());
    }
    ObjectNode properties =
        msg.get("properties") instanceof ObjectNode p ? p : mapper.createObjectNode();
    ObjectNode traits = msg.get("traits") instanceof ObjectNode t ? t : mapper.createObjectNode();
    String category = id(msg, "category");
    if (category != null
        && (b.type.equals("page") || b.type.equals("screen"))
        && !properties.has("category")) {
      // The Java clients send a page's category only at the top level, which no column keeps;
      // analytics-next also copies it into properties, so keep it there.
      properties.put("category", category);
    }
    if (route.shape() == Route.Shape.NATIVE) {
      b.sessionId = id(msg, "session_id");
      b.service = id(msg, "service");
    }
    try {
      long received = info.receivedAtMicros();
      Optional<Long> original = time(msg, "originalTimestamp").or(() -> time(msg, "timestamp"));
      Optional<Long> sent =
          time(msg, "sentAt")
              .or(() -> parseTime("sentAt", request.sentAt()))
              .or(() -> parseTime("SentAt header", info.sentAtHeader()));
      b.originalTimestamp = original.orElse(received);
      b.sentAt = sent.orElse(received);
      long corrected = received - (b.sentAt - b.originalTimestamp);
      if (original.isEmpty()) {
        corrected = received; // nothing to correct: the event happened when it was received
      }
      if (corrected > received + maxFutureMicros) {
        corrected = received;
        b.timestampClamped = true;
      }
      b.timestamp = corrected;
    } catch (DateTimeParseException e) {
      return new Outcome.Rejected(i, Reason.INVALID_TIMESTAMP, e.getMessage());
    }
    enricher.enrich(b, context, properties, info);
    context.remove("ip");
    b.properties = JsonText.of(properties, scratch);
    b.traits = JsonText.of(traits, scratch);
    b.context = JsonText.of(context, scratch);
    return null;
  }

  private Optional<Long> time(ObjectNode msg, String field) {
    JsonNode n = msg.get(field);
    if (n == null || n.isNull() || (n.isTextual() && n.asText().isEmpty())) {
      return Optional.empty();
    }
    if (n.isIntegralNumber()) {
      if (!n.canConvertToLong()
          || n.longValue() < MIN_TIME.toEpochMilli()
          || n.longValue() > MAX_TIME.toEpochMilli()) {
        throw outOfRange(field, n.asText() + " ms since the epoch");
      }
      return Optional.of(TimeUnit.MILLISECONDS.toMicros(n.longValue()));
    }
    if (!n.isTextual()) {
      throw new DateTimeParseException(
          "'" + field + "' must be an ISO-8601 string", n.toString(), 0);
    }
    return parseTime(field, Optional.of(n.asText()));
  }

  static Optional<Long> parseTime(String field, Optional<String> value) {
    if (value.isEmpty()) {
      return Optional.empty();
    }
    String s = value.get();
    long fast = IsoTimes.epochMicros(s);
    if (fast != IsoTimes.NOT_SIMPLE) {
      if (fast < MIN_MICROS || fast > MAX_MICROS) {
        throw outOfRange(field, s);
      }
      return Optional.of(fast);
    }
    Instant at;
    try {
      TemporalAccessor t =
          DateTimeFormatter.ISO_DATE_TIME.parseBest(
              s, java.time.OffsetDateTime::from, LocalDateTime::from);
      at =
          t instanceof java.time.OffsetDateTime odt
              ? odt.toInstant()
              : ((LocalDateTime) t).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      throw new DateTimeParseException(
          "'"
              + field
              + "' is not an ISO-8601 date-time: '"
              + (s.length() > 40 ? s.substring(0, 40) + "…" : s)
              + "'",
          s,
          e.getErrorIndex());
    }
    if (at.isBefore(MIN_TIME) || at.isAfter(MAX_TIME)) {
      throw outOfRange(field, s);
    }
    return Optional.of(TimeUnit.SECONDS.toMicros(at.getEpochSecond()) + at.getNano() / 1000);
  }

  /**
   * The range of accepted times: four-digit years, as ISO-8601 writes them. Beyond it the clock
   * correction overflows and the warehouse would store infinities or nulls.
   */
  static final Instant MIN_TIME = Instant.parse("0001-01-01T00:00:00Z");

  static final Instant MAX_TIME = Instant.parse("9999-12-31T23:59:59.999999Z");

  private static final long MIN_MICROS = TimeUnit.SECONDS.toMicros(MIN_TIME.getEpochSecond());

  private static final long MAX_MICROS =
      TimeUnit.SECONDS.toMicros(MAX_TIME.getEpochSecond()) + MAX_TIME.getNano() / 1000;

  private static DateTimeParseException outOfRange(String field, String value) {
    return new DateTimeParseException(
        "'"
            + field
            + "' is out of range: '"
            + (value.length() > 40 ? value.substring(0, 40) + "…" : value)
            + "'; times must lie between "
            + MIN_TIME
            + " and "
            + MAX_TIME,
        value,
        0);
  }

  private static boolean finiteNumbers(JsonNode n) {
    if (n.isFloatingPointNumber()) {
      return Double.isFinite(n.doubleValue());
    }
    if (n.isContainerNode()) {
      Iterator<Map.Entry<String, JsonNode>> fields = n.fields();
      if (n.isArray()) {
        for (JsonNode c : n) {
          if (!finiteNumbers(c)) {
            return false;
          }
        }
        return true;
      }
      while (fields.hasNext()) {
        if (!finiteNumbers(fields.next().getValue())) {
          return false;
        }
      }
    }
    return true;
  }

  /** A string or number field as text; {@code null} and {@code ""} count as absent. */
  static String id(JsonNode msg, String field) {
    JsonNode n = msg.get(field);
    if (n == null || n.isNull() || n.isContainerNode()) {
      return null;
    }
    String s = n.asText();
    return s.isEmpty() ? null : s;
  }

  private static Optional<String> text(JsonNode msg, String field) {
    return Optional.ofNullable(id(msg, field));
  }
}
