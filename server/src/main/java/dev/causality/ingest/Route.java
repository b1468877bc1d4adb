package dev.causality.ingest;

import java.util.Optional;

/** Which ingestion endpoint a path names, and the message type it implies. */
record Route(Shape shape, Optional<String> impliedType) {

  /** The body shapes ingestion understands. */
  enum Shape {
    /** One Segment message; the type comes from the path. */
    SINGLE,
    /** {@code {batch:[…]}}; each item carries its type. */
    BATCH,
    /** The native {@code /v1/events/ingest} batch. */
    NATIVE,
    /** The FlowMind {@code /v1/analytics/*} single message. */
    FLOWMIND,
    /** Client metrics: accepted and ignored. */
    METRICS
  }

  static Route single(String type) {
    return new Route(Shape.SINGLE, Optional.of(type));
  }

  /**
   * The route for a request path, which may carry a prefix before {@code /v1/} and a trailing
   * slash; empty for paths that are not ingestion endpoints.
   */
  static Optional<Route> of(String path) {
    int v1 = path.lastIndexOf("/v1/");
    if (v1 < 0) {
      return Optional.empty();
    }
    String rest = path.substring(v1 + 4);
    if (rest.endsWith("/")) {
      rest = rest.substring(0, rest.length() - 1);
    }
    return Optional.ofNullable(
        switch (rest) {
          case "track", "t" -> single("track");
          case "identify", "i" -> single("identify");
          case "page", "p" -> single("page");
          case "screen", "s" -> single("screen");
          case "group", "g" -> single("group");
          case "alias", "a" -> single("alias");
          case "batch", "import", "b" -> new Route(Shape.BATCH, Optional.empty());
          case "events/ingest" -> new Route(Shape.NATIVE, Optional.of("track"));
          case "analytics/track" -> new Route(Shape.FLOWMIND, Optional.of("track"));
          case "analytics/identify" -> new Route(Shape.FLOWMIND, Optional.of("identify"));
          case "analytics/page" -> new Route(Shape.FLOWMIND, Optional.of("page"));
          case "m" -> new Route(Shape.METRICS, Optional.empty());
          default -> null;
        });
  }

  /**
   * Native shapes answer 202 with counts; the Segment shapes answer 200 {@code {"success":true}}.
   */
  boolean nativeResponse() {
    return shape == Shape.NATIVE || shape == Shape.FLOWMIND;
  }

  /** Segment paths require a user or anonymous id; service-side native events may have neither. */
  boolean requiresIdentity() {
    return shape == Shape.SINGLE || shape == Shape.BATCH;
  }
}
