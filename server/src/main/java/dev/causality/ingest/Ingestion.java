package dev.causality.ingest;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.causality.event.EventCodec;
import dev.causality.log.EventLog;
import dev.causality.log.LogUnavailableException;
import dev.causality.projects.IngestKey;
import dev.causality.projects.Projects;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.random.RandomGenerator;

/**
 * The ingestion facade: authenticate → limit → parse → validate → normalise → enrich → append.
 * Answers only after the accepted events are durable in the log.
 */
public final class Ingestion implements AutoCloseable {

  /**
   * Settings of ingestion. {@code geoIpDatabase} may be absent; {@code rateLimit} 0 is unlimited.
   */
  public record Settings(
      IngestLimits limits,
      int rateLimit,
      String ipMode,
      Optional<Path> geoIpDatabase,
      long maxFutureMillis) {
    public Settings {
      requireNonNull(limits, "limits is null");
      requireNonNull(ipMode, "ipMode is null");
      requireNonNull(geoIpDatabase, "geoIpDatabase is null");
    }
  }

  /** The HTTP-independent view of a request. */
  public record Request(
      String path,
      Optional<String> headerKey,
      Optional<String> contentEncoding,
      InputStream body,
      long contentLength,
      String remoteIp,
      Optional<String> userAgent,
      boolean fromBrowser,
      Optional<String> sentAtHeader) {}

  /** Told about the events of each request once they are durable; must be quick and never throw. */
  public interface Listener {
    void accepted(IngestKey key, List<dev.causality.event.Event> events);
  }

  /**
   * Where the loader stands: how many bytes of the log it has not read yet, or 0 when that should
   * not hold requests back (the warehouse is unavailable: then the log is the buffer it exists to
   * be).
   */
  public interface LoadLag {
    long bytes();
  }

  /** Status, JSON body and an optional Retry-After in seconds. */
  public record Response(int status, String body, OptionalLong retryAfterSeconds) {}

  private final Projects projects;
  private final EventLog log;
  private final IngestLimits limits;
  private final RequestParser parser;
  private final Pipeline pipeline;
  private final RateLimits rateLimits;
  private final InstantSource clock;
  private final UserAgents userAgents;
  private final MeterRegistry registry;
  private final Counter accepted;
  private final Optional<GeoIp> geoIp;
  private volatile boolean draining;
  private volatile Listener listener;
  private volatile LoadLag loadLag = () -> 0;
  private final Counter throttled;
  private final Timer throttleWait;

  public Ingestion(
      Settings settings,
      Projects projects,
      EventLog log,
      InstantSource clock,
      RandomGenerator random,
      MeterRegistry registry) {
    this.projects = requireNonNull(projects, "projects is null");
    this.log = requireNonNull(log, "log is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.registry = requireNonNull(registry, "registry is null");
    this.limits = settings.limits();
    this.parser = new RequestParser(limits);
    this.userAgents = new UserAgents(10_000);
    Enricher.IpMode mode;
    try {
      mode = Enricher.IpMode.valueOf(settings.ipMode().toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "CAUSALITY_IP_MODE must be keep, truncate or drop; was '" + settings.ipMode() + "'", e);
    }
    this.geoIp = settings.geoIpDatabase().map(GeoIp::open);
    Enricher enricher = new Enricher(userAgents, geoIp, mode);
    this.pipeline =
        new Pipeline(
            limits,
            enricher,
            parser.mapper(),
            random,
            TimeUnit.MILLISECONDS.toMicros(settings.maxFutureMillis()));
    this.rateLimits = new RateLimits(settings.rateLimit(), limits.maxBatchEvents());
    this.accepted =
        Counter.builder("causality_events_accepted")
            .description("Events made durable and acknowledged")
            .register(registry);
    for (Outcome.Reason r : Outcome.Reason.values()) {
      rejectedCounter(r.code());
    }
    this.throttled =
        Counter.builder("causality_ingest_throttled")
            .description(
                "Requests held back because the loader was more than the maximum load lag behind")
            .register(registry);
    this.throttleWait =
        Timer.builder("causality_ingest_throttle_wait")
            .description("How long held-back requests waited for the loader")
            .register(registry);
  }

  /** Sets where the loader stands, for the wait of {@link IngestLimits#maxLoadLagBytes()}. */
  public void loadLag(LoadLag lag) {
    this.loadLag = requireNonNull(lag, "lag is null");
  }

  /** The longest a request waits for the loader before it is taken in anyway. */
  static final long MAX_THROTTLE_NANOS = TimeUnit.SECONDS.toNanos(2);

  /**
   * Backpressure: while the loader is more than {@code maxLoadLagBytes} behind the log, a new
   * request waits (its body still unread, so clients slow down through TCP) until the loader has
   * caught up, for at most {@link #MAX_THROTTLE_NANOS}, and is then taken in anyway. Nothing is
   * refused for this: the log stays the buffer. Without it, requests outrun the loader on a
   * saturated machine (both share the cores) and freshness and memory grow without bound.
   */
  private void awaitLoader() {
    long max = limits.maxLoadLagBytes();
    LoadLag lag = loadLag;
    if (max == 0 || lag.bytes() <= max) {
      return;
    }
    throttled.increment();
    long start = System.nanoTime();
    try {
      while (lag.bytes() > max && System.nanoTime() - start < MAX_THROTTLE_NANOS) {
        Thread.sleep(5);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      throttleWait.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }
  }

  private Counter rejectedCounter(String reason) {
    return Counter.builder("causality_events_rejected")
        .description("Events refused, by reason")
        .tag("reason", reason)
        .register(registry);
  }

  /** Releases the GeoIP database (memory-mapped). */
  @Override
  public void close() {
    geoIp.ifPresent(GeoIp::close);
  }

  /** Sets the one listener of accepted events (the live stream and ingestion health). */
  public void onAccepted(Listener l) {
    this.listener = l;
  }

  /** From now on, refuse new requests with 503 so clients retry elsewhere or later. */
  public void startDraining() {
    draining = true;
  }

  /** Whether the user-agent rules have finished loading. */
  public boolean userAgentsLoaded() {
    return userAgents.loaded();
  }

  /** Handles one ingestion request end to end. */
  public Response handle(Request req) {
    try {
      return handleOrThrow(req);
    } catch (IngestException e) {
      rejectedCounter("request_" + e.code()).increment();
      return error(e);
    }
  }

  private Response handleOrThrow(Request req) {
    Route route =
        Route.of(req.path())
            .orElseThrow(() ->
                new IngestException(404, "not_found", "no ingestion endpoint at " + req.path()));
    if (route.shape() == Route.Shape.METRICS) {
      return new Response(200, "{\"success\":true}", OptionalLong.empty());
    }
    if (draining) {
      throw new IngestException(
          503, "unavailable", "the server is shutting down; retry shortly", 5, null);
    }
    Optional<IngestKey> key = Optional.empty();
    if (req.headerKey().isPresent()) {
      key = Optional.of(authenticate(req.headerKey().get()));
    }
    awaitLoader();
    long receivedAt = TimeUnit.MILLISECONDS.toMicros(clock.millis());
    byte[] body =
        RequestBody.read(
            req.body(),
            req.contentEncoding().orElse(null),
            limits.maxRequestBytes(),
            req.contentLength());
    ParsedRequest parsed = parser.parse(body, route);
    if (key.isEmpty()) {
      Optional<String> bodyKey =
          parsed
              .writeKey()
              .or(() ->
                  parsed.items().isEmpty()
                      ? Optional.empty()
                      : Optional.ofNullable(
                          Pipeline.id(parsed.items().getFirst().node(), "writeKey")));
      key =
          Optional.of(
              authenticate(
                  bodyKey.orElseThrow(() ->
                      new IngestException(
                          401,
                          "unauthorized",
                          "no write key: send it as HTTP Basic user name, X-Write-Key or X-API-Key header, writeKey"
                              + " query parameter or writeKey in the body"))));
    }
    IngestKey k = key.get();
    if (parsed.items().size() > 0) {
      OptionalLong wait = rateLimits.tryTake(k.id(), k.rateLimit(), parsed.items().size());
      if (wait.isPresent()) {
        long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(wait.getAsLong() + 999_999_999));
        throw new IngestException(
            429,
            "rate_limited",
            "key "
                + k.id()
                + " is over its rate limit of events per second; retry after "
                + seconds
                + " s",
            seconds,
            null);
      }
    }
    RequestInfo info =
        new RequestInfo(
            receivedAt, req.remoteIp(), req.userAgent(), req.fromBrowser(), req.sentAtHeader());
    List<Outcome> outcomes = pipeline.process(parsed, route, info, k, projects::authenticate);
    List<byte[]> payloads = new ArrayList<>(outcomes.size());
    List<Outcome.Rejected> rejected = new ArrayList<>();
    for (Outcome o : outcomes) {
      switch (o) {
        case Outcome.Accepted a -> payloads.add(EventCodec.encode(a.event()));
        case Outcome.Rejected r -> rejected.add(r);
      }
    }
    append(payloads);
    accepted.increment(payloads.size());
    Listener l = listener;
    if (l != null && !payloads.isEmpty()) {
      l.accepted(
          k,
          outcomes.stream()
              .<dev.causality.event.Event>mapMulti((o, sink) -> {
                if (o instanceof Outcome.Accepted a) sink.accept(a.event());
              })
              .toList());
    }
    for (Outcome.Rejected r : rejected) {
      rejectedCounter(r.reason().code()).increment();
    }
    return respond(route, payloads.size(), rejected);
  }

  private IngestKey authenticate(String secret) {
    return projects
        .authenticate(secret)
        .orElseThrow(
            () -> new IngestException(401, "unauthorized", "write key is unknown or revoked"));
  }

  private void append(List<byte[]> payloads) {
    if (payloads.isEmpty()) {
      return;
    }
    try {
      log.append(payloads).get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof LogUnavailableException) {
        throw new IngestException(
            503,
            "unavailable",
            "events could not be stored: "
                + cause.getMessage()
                + "; nothing from this request was kept, retry later",
            5,
            cause);
      }
      throw new IngestException(500, "internal", "events could not be stored: " + cause, 5, cause);
    } catch (TimeoutException e) {
      throw new IngestException(
          503, "unavailable", "the event log did not confirm durability in 30 s", 5, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IngestException(503, "unavailable", "interrupted while storing events", 5, e);
    }
  }

  private Response respond(Route route, int acceptedCount, List<Outcome.Rejected> rejected) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    if (acceptedCount == 0 && !rejected.isEmpty()) {
      boolean allTooLarge =
          rejected.stream().allMatch(r -> r.reason() == Outcome.Reason.EVENT_TOO_LARGE);
      body.put("success", false);
      body.put("code", allTooLarge ? "too_large" : "invalid_events");
      body.put(
          "message",
          rejected.size() == 1
              ? rejected.getFirst().message()
              : "all " + rejected.size() + " events were rejected; see 'rejected'");
      body.set("rejected", rejectedJson(rejected));
      return new Response(allTooLarge ? 413 : 400, body.toString(), OptionalLong.empty());
    }
    body.put("success", true);
    if (route.nativeResponse() || !rejected.isEmpty()) {
      body.put("accepted", acceptedCount);
      body.set("rejected", rejectedJson(rejected));
    }
    return new Response(route.nativeResponse() ? 202 : 200, body.toString(), OptionalLong.empty());
  }

  private static ArrayNode rejectedJson(List<Outcome.Rejected> rejected) {
    ArrayNode arr = JsonNodeFactory.instance.arrayNode();
    for (Outcome.Rejected r : rejected) {
      arr.addObject()
          .put("index", r.index())
          .put("reason", r.reason().code())
          .put("message", r.message());
    }
    return arr;
  }

  static Response error(IngestException e) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("success", false);
    body.put("code", e.code());
    body.put("message", e.getMessage());
    return new Response(
        e.status(),
        body.toString(),
        e.retryAfterSeconds() > 0 ? OptionalLong.of(e.retryAfterSeconds()) : OptionalLong.empty());
  }

  /** The settings document some clients fetch before sending: Segment.io enabled for this key. */
  public Response settings(String writeKey, String host, String scheme) {
    if (projects.authenticate(writeKey).isEmpty()) {
      return error(new IngestException(401, "unauthorized", "write key is unknown or revoked"));
    }
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    ObjectNode segment = body.putObject("integrations").putObject("Segment.io");
    segment.put("apiKey", writeKey);
    segment.put("apiHost", host + "/v1");
    segment.put("protocol", scheme);
    segment.putArray("unbundledIntegrations");
    segment.putArray("addBundledMetadata");
    body.putObject("plan").putObject("track").putObject("__default").put("enabled", true);
    body.putObject("edgeFunction");
    body.putArray("middlewareSettings");
    body.putArray("enabledMiddleware");
    body.putArray("metrics");
    return new Response(200, body.toString(), OptionalLong.empty());
  }
}
