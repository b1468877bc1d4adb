package dev.causality.sdk;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * The entry point of the Causality Java SDK.
 *
 * <pre>{@code
 * AnalyticsClient analytics = Causality.builder(System.getenv("CAUSALITY_WRITE_KEY"))
 *     .endpoint("http://analytics:8080")
 *     .service("billing")
 *     .build();
 * analytics.track(new Events.ApiRequest("GET", "/invoices/{id}", 200, Duration.ofMillis(12)));
 * analytics.track("user-42", "invoice_paid", Map.of("amount_cents", 1200));
 * }</pre>
 */
public final class Causality {
  /** The SDK's version, sent as {@code context.library.version}. */
  public static final String VERSION = version();

  /** The library name sent as {@code context.library.name}. */
  public static final String LIBRARY = "causality-java";

  private Causality() {}

  /** A builder for a client sending with {@code writeKey} (a project's ingestion key). */
  public static Builder builder(String writeKey) {
    return new Builder(writeKey);
  }

  private static String version() {
    try (InputStream in = Causality.class.getResourceAsStream("sdk.properties")) {
      if (in != null) {
        Properties p = new Properties();
        p.load(in);
        String v = p.getProperty("version", "");
        if (!v.isBlank() && !v.startsWith("$")) {
          return v;
        }
      }
    } catch (IOException e) {
      // fall through to "unknown"
    }
    return "unknown";
  }

  static Map<String, Object> context(Settings s) {
    Map<String, Object> library = new LinkedHashMap<>();
    library.put("name", LIBRARY);
    library.put("version", VERSION);
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("service", s.service());
    c.put("hostname", s.hostname().isBlank() ? hostname() : s.hostname());
    c.put("java_version", Runtime.version().toString());
    c.put("library", library);
    return java.util.Collections.unmodifiableMap(c);
  }

  private static String hostname() {
    String env = Settings.firstNonBlank(System.getenv("HOSTNAME"), System.getenv("COMPUTERNAME"));
    if (!env.isEmpty()) {
      return env;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown";
    }
  }

  static AnalyticsClient.Setup setup(Settings s) {
    AnalyticsClient client = new AnalyticsClient(s);
    if (s.shutdownHook()) {
      client.registerShutdownHook();
    }
    return new AnalyticsClient.Setup(client, new WorkerConfig(s, client.buffer()));
  }

  /**
   * Settings of a client. Defaults: batches of 100 messages or 10 s, a queue of 10,000 messages,
   * retries from 100 ms doubling to 30 s for up to 5 minutes per message, 10 s for {@code close()},
   * a 30 s request timeout, a shutdown hook that closes the client, and the service name from the
   * {@code causality.service} system property or the {@code CAUSALITY_SERVICE} environment variable
   * (else {@code java-service}).
   */
  public static final class Builder {
    private final String writeKey;
    private URI endpoint = URI.create("http://localhost:8080");
    private Duration requestTimeout = Duration.ofSeconds(30);
    private final Settings defaults = Settings.defaults();
    private String service = defaults.service();
    private String anonymousId = "";
    private String hostname = "";
    private int batchSize = defaults.batchSize();
    private Duration flushInterval = defaults.flushInterval();
    private int maxQueueSize = defaults.maxQueueSize();
    private Duration deliveryTimeout = defaults.deliveryTimeout();
    private Duration closeTimeout = defaults.closeTimeout();
    private Duration retryInitial = defaults.retryInitial();
    private Duration retryMax = defaults.retryMax();
    private boolean shutdownHook = true;
    private InstantSource clock = defaults.clock();
    private LongSupplier nanoTime = defaults.nanoTime();
    private RandomGenerator random = defaults.random();

    private Builder(String writeKey) {
      this.writeKey = requireNonNull(writeKey, "writeKey is null");
    }

    /**
     * The server's base URL, e.g. {@code http://analytics:8080}; batches go to {@code /v1/batch}
     * under it.
     */
    public Builder endpoint(String url) {
      return endpoint(URI.create(requireNonNull(url, "endpoint is null")));
    }

    /** The server's base URL. */
    public Builder endpoint(URI url) {
      this.endpoint = requireNonNull(url, "endpoint is null");
      return this;
    }

    /**
     * The name of the service tracking events, sent as {@code context.service} and {@code
     * properties.service}.
     */
    public Builder service(String name) {
      this.service = requireNonNull(name, "service is null");
      return this;
    }

    /** The anonymous id of messages without a user id (default: the service name). */
    public Builder anonymousId(String id) {
      this.anonymousId = requireNonNull(id, "anonymousId is null");
      return this;
    }

    /**
     * The host name sent as {@code context.hostname} (default: {@code HOSTNAME} or the local host's
     * name).
     */
    public Builder hostname(String name) {
      this.hostname = requireNonNull(name, "hostname is null");
      return this;
    }

    /** Messages per batch, 1–2500 (default 100). */
    public Builder batchSize(int n) {
      this.batchSize = n;
      return this;
    }

    /** How long the oldest queued message waits before a smaller batch is sent (default 10 s). */
    public Builder flushInterval(Duration d) {
      this.flushInterval = requireNonNull(d, "flushInterval is null");
      return this;
    }

    /**
     * Messages kept in memory at most; past it the oldest is dropped and counted (default 10,000).
     */
    public Builder maxQueueSize(int n) {
      this.maxQueueSize = n;
      return this;
    }

    /** How long a message is retried before it counts as failed (default 5 minutes). */
    public Builder deliveryTimeout(Duration d) {
      this.deliveryTimeout = requireNonNull(d, "deliveryTimeout is null");
      return this;
    }

    /** How long {@code close()} keeps sending what is queued (default 10 s). */
    public Builder closeTimeout(Duration d) {
      this.closeTimeout = requireNonNull(d, "closeTimeout is null");
      return this;
    }

    /** The first retry delay and the most any retry waits (defaults 100 ms and 30 s); jittered. */
    public Builder retryBackoff(Duration initial, Duration max) {
      this.retryInitial = requireNonNull(initial, "initial is null");
      this.retryMax = requireNonNull(max, "max is null");
      return this;
    }

    /** The timeout of one HTTP request, connecting included (default 30 s). */
    public Builder requestTimeout(Duration d) {
      this.requestTimeout = requireNonNull(d, "requestTimeout is null");
      return this;
    }

    /** Whether a JVM shutdown hook closes the client (default true). */
    public Builder shutdownHook(boolean enabled) {
      this.shutdownHook = enabled;
      return this;
    }

    /** The clock that stamps messages (default the system clock); for tests. */
    public Builder clock(InstantSource clock) {
      this.clock = requireNonNull(clock, "clock is null");
      return this;
    }

    /**
     * The randomness behind message ids and retry jitter (default a {@code SecureRandom}); for
     * tests.
     */
    public Builder random(RandomGenerator random) {
      this.random = requireNonNull(random, "random is null");
      return this;
    }

    Builder nanoTime(LongSupplier nanoTime) {
      this.nanoTime = requireNonNull(nanoTime, "nanoTime is null");
      return this;
    }

    Settings settings() {
      return new Settings(
          service,
          anonymousId.isEmpty() ? service : anonymousId,
          hostname,
          batchSize,
          flushInterval,
          maxQueueSize,
          deliveryTimeout,
          closeTimeout,
          retryInitial,
          retryMax,
          shutdownHook,
          clock,
          nanoTime,
          random);
    }

    /**
     * A client and its worker config without a worker: the two-part shape, for a service that runs
     * {@code new AnalyticsWorker(config, sink)} on its own thread (with {@link #sink()} or its
     * own).
     */
    public AnalyticsClient.Setup buildParts() {
      return setup(settings());
    }

    /**
     * The sink this builder's {@link #build()} sends to: {@code POST {endpoint}/v1/batch} with the
     * write key.
     */
    public HttpSink sink() {
      return HttpSink.create(endpoint, writeKey, requestTimeout, clock);
    }

    /**
     * A client whose worker runs on a daemon thread named {@code causality-sdk}, posting to the
     * endpoint.
     */
    public AnalyticsClient build() {
      HttpSink sink = sink();
      AnalyticsClient.Setup setup = buildParts();
      Thread worker =
          Thread.ofPlatform()
              .name("causality-sdk")
              .daemon(true)
              .unstarted(new AnalyticsWorker(setup.config(), sink));
      setup.client().own(worker);
      worker.start();
      return setup.client();
    }
  }
}
