package dev.causality.server;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.causality.auth.AccessControl;
import dev.causality.auth.AccountRoutes;
import dev.causality.auth.Accounts;
import dev.causality.auth.SqliteAccountStore;
import dev.causality.dashboards.DashboardRoutes;
import dev.causality.dashboards.Dashboards;
import dev.causality.dashboards.SqliteDashboardStore;
import dev.causality.health.HealthRoutes;
import dev.causality.health.IngestionHealth;
import dev.causality.http.ErrorBody;
import dev.causality.ingest.IngestRoutes;
import dev.causality.ingest.Ingestion;
import dev.causality.live.LiveEvents;
import dev.causality.live.LiveRoutes;
import dev.causality.load.Loader;
import dev.causality.log.FileEventLog;
import dev.causality.projects.CreatedKey;
import dev.causality.projects.Projects;
import dev.causality.projects.SqliteMetadataStore;
import dev.causality.query.QueryEngine;
import dev.causality.query.QueryRoutes;
import dev.causality.query.SqlRoutes;
import dev.causality.telemetry.Dialect;
import dev.causality.telemetry.Migrations;
import dev.causality.telemetry.PostgresConnections;
import dev.causality.telemetry.PostgresDatabase;
import dev.causality.telemetry.Rollups;
import dev.causality.telemetry.TelemetryRoutes;
import dev.causality.telemetry.TelemetryWorker;
import dev.causality.warehouse.DuckDbWarehouse;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** The composition root: wires every role of one Causality process by hand and runs it. */
public final class CausalityServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CausalityServer.class);
  private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  static final String DEFAULT_PROJECT = "default";

  private final Config config;
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicInteger inFlight = new AtomicInteger();
  private final java.util.concurrent.ConcurrentHashMap<String, Timer> requestTimers =
      new java.util.concurrent.ConcurrentHashMap<>();
  private SqliteMetadataStore metadata;
  private SqliteAccountStore accountStore;
  private Accounts accounts;
  private Projects projects;
  private FileEventLog log;
  private DuckDbWarehouse warehouse;
  private Loader loader;
  private IdleTrim idleTrim;
  private Ingestion ingestion;
  private QueryEngine queries;
  private SqliteDashboardStore dashboardStore;
  private LiveEvents live;
  private TelemetryWorker telemetry;
  private PostgresConnections telemetryDatabase;
  private Javalin app;
  private volatile boolean ready;
  private volatile boolean draining;
  private volatile boolean stopped;

  private CausalityServer(Config config) {
    this.config = requireNonNull(config, "config is null");
  }

  /** Opens the data dir, starts the loader and the HTTP server; returns once it listens. */
  public static CausalityServer start(Config config, PrintStream console) {
    CausalityServer s = new CausalityServer(config);
    try {
      s.startRoles(console);
    } catch (RuntimeException e) {
      s.close();
      throw e;
    }
    return s;
  }

  private void startRoles(PrintStream console) {
    long t0 = System.nanoTime();
    try {
      Files.createDirectories(config.dataDir());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot create data dir " + config.dataDir(), e);
    }
    // The warehouse opens on a thread of its own while the metadata, the accounts and the log open
    // here: DuckDB unpacks and loads its library, replays its WAL and migrates the telemetry
    // tables, and none of that touches SQLite or the log. Side by side, start-up is shorter by
    // about the smaller of the two (docs/benchmarks.md).
    CompletableFuture<DuckDbWarehouse> opening =
        CompletableFuture.supplyAsync(
            this::openWarehouse, task -> Thread.ofPlatform().name("warehouse-open").start(task));
    try {
      metadata = SqliteMetadataStore.open(config.metadataFile());
      projects = Projects.of(metadata);
      bootstrap(console);
      accountStore = SqliteAccountStore.open(config.metadataFile());
      accounts =
          new Accounts(accountStore, sessionSecret(), InstantSource.system(), new SecureRandom());
      accounts.bootstrap(
          config.accounts().adminEmail(), config.accounts().adminPassword(), console);
      config.adminToken().ifPresent(accounts::ensureAdminToken);
      log = FileEventLog.open(config.logDir(), config.logSegmentBytes());
    } catch (RuntimeException e) {
      try {
        warehouse = opening.join(); // so that close() closes it
      } catch (RuntimeException alsoFailed) {
        e.addSuppressed(alsoFailed);
      }
      throw e;
    }
    try {
      warehouse = opening.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
    InstantSource clock = InstantSource.system();
    loader =
        new Loader(
            log,
            warehouse,
            config.dedupWindow(),
            dedupMaxIds(config.dedupMaxIds(), Runtime.getRuntime().maxMemory()),
            DuckDbWarehouse.ROW_GROUP_ROWS,
            clock,
            registry);
    loader.start();
    idleTrim = IdleTrim.start(() -> log.end() + loader.position());
    ingestion =
        new Ingestion(
            new Ingestion.Settings(
                config.limits(),
                config.rateLimit(),
                config.ipMode(),
                config.geoIpDatabase(),
                config.maxFuture().toMillis()),
            projects,
            log,
            clock,
            new SecureRandom(),
            registry);
    ingestion.loadLag(() ->
        loader.running() && loader.lastError().isEmpty() ? log.end() - loader.readPosition() : 0);
    queries = new QueryEngine(warehouse, clock, Duration.ofSeconds(30));
    dashboardStore = SqliteDashboardStore.open(config.metadataFile());
    Dashboards dashboards = new Dashboards(dashboardStore, clock, new SecureRandom());
    live = new LiveEvents(2000, Duration.ofSeconds(60), clock);
    IngestionHealth ingestionHealth = new IngestionHealth(clock);
    ingestion.onAccepted((key, events) -> {
      ingestionHealth.accepted(key, events);
      live.publish(events);
    });
    telemetry = startTelemetry(clock);
    AccessControl access = new AccessControl(accounts, config.trustProxy());
    Gauge.builder("causality_log_bytes", log, FileEventLog::sizeBytes)
        .description("Bytes held by the event log")
        .register(registry);
    Gauge.builder("causality_dead_letters", warehouse, w -> w.deadLetterCount())
        .description("Records in the dead-letter table")
        .register(registry);
    Gauge.builder("causality_queries_running", warehouse, DuckDbWarehouse::queriesRunning)
        .description("Warehouse queries executing now")
        .register(registry);
    Gauge.builder("causality_log_torn_bytes_recovered", log, FileEventLog::tornBytesRecovered)
        .register(registry);
    app =
        Javalin.create(cfg -> {
          cfg.concurrency.useVirtualThreads = true;
          cfg.startup.showJavalinBanner = false;
          cfg.jetty.host = config.host();
          cfg.jetty.port = config.port();
          cfg.router.ignoreTrailingSlashes = true;
          cfg.jetty.modifyServer(server -> server.setStopTimeout(5000));
          cfg.routes.before(this::beforeRequest);
          cfg.routes.before(access::headers);
          cfg.routes.beforeMatched(access::check);
          cfg.routes.after(ctx -> {
            if (ctx.attribute("counted") != null) {
              ctx.attribute("counted", null);
              inFlight.decrementAndGet();
            }
          });
          cfg.routes.get("/health", ctx -> ctx.json(java.util.Map.of("status", "alive")));
          cfg.routes.get("/ready", this::readiness);
          cfg.routes.get(
              "/metrics",
              ctx ->
                  ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                      .result(registry.scrape()));
          IngestRoutes.register(cfg.routes, ingestion, config.trustProxy());
          AccountRoutes.register(cfg.routes, accounts, projects, config.accounts().secureCookies());
          QueryRoutes.register(cfg.routes, queries, warehouse.catalog());
          SqlRoutes.register(cfg.routes, warehouse, accounts);
          DashboardRoutes.register(cfg.routes, dashboards);
          LiveRoutes.register(cfg.routes, live);
          HealthRoutes.register(
              cfg.routes, ingestionHealth, registry, warehouse, loader::running, loader::lastError);
          WebApp.register(cfg.routes);
          TelemetryRoutes.register(cfg.routes, telemetry.rollups(), clock);
          cfg.routes.exception(
              io.javalin.http.HttpResponseException.class,
              (e, ctx) ->
                  ErrorBody.write(
                      ctx,
                      e.getStatus(),
                      switch (e.getStatus()) {
                        case 401 -> "unauthorized";
                        case 403 -> "forbidden";
                        case 404 -> "not_found";
                        default -> "http_" + e.getStatus();
                      },
                      "",
                      e.getMessage()));
          cfg.routes.exception(
              Exception.class,
              (e, ctx) -> {
                LOG.error("unhandled error on {} {}", ctx.method(), ctx.path(), e);
                ErrorBody.write(
                    ctx,
                    500,
                    "internal",
                    "",
                    "internal error; see the server log for request " + ctx.attribute("requestId"));
              });
          cfg.requestLogger.http(this::afterRequest);
        });
    app.start();
    ready = true;
    LOG.info(
        "causality listening on {}:{} with data in {} (started in {} ms)",
        config.host(),
        app.port(),
        config.dataDir().toAbsolutePath(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
  }

  /**
   * Opens the warehouse and migrates the telemetry schema in it (one process holds the DuckDB file,
   * so the server does it; a PostgreSQL of DATABASE_URL is migrated by `causality migrate`).
   */
  private DuckDbWarehouse openWarehouse() {
    DuckDbWarehouse w = DuckDbWarehouse.open(config.warehouseFile(), config.warehouseMemory());
    try {
      new Migrations(Dialect.DUCKDB, w::newConnection)
          .migrate(List.of(Migrations.Phase.PRE, Migrations.Phase.POST));
    } catch (RuntimeException e) {
      w.close();
      throw e;
    }
    return w;
  }

  /** Starts the worker that refreshes the rollups of whichever database serves telemetry. */
  private TelemetryWorker startTelemetry(InstantSource clock) {
    Rollups rollups;
    if (config.databaseUrl().isPresent()) {
      PostgresDatabase db = PostgresDatabase.parse("DATABASE_URL", config.databaseUrl().get());
      Dialect dialect = db.detectDialect();
      telemetryDatabase = PostgresConnections.create(db);
      rollups = new Rollups(dialect, telemetryDatabase, clock);
      LOG.info("service telemetry from {} ({})", db, rollups.dialect().id());
    } else {
      rollups = new Rollups(Dialect.DUCKDB, warehouse::newConnection, clock);
    }
    return TelemetryWorker.start(rollups, Duration.ofSeconds(30), Duration.ofHours(1));
  }

  private void bootstrap(PrintStream console) {
    // No key was ever made: a first start, or a data dir that only `causality demo` (which creates
    // project 'default' without a key) or `projects create` has touched.
    if (projects.keys().isEmpty()) {
      boolean created = false;
      if (projects.projects().stream().noneMatch(p -> p.id().equals(DEFAULT_PROJECT))) {
        projects.createProject(DEFAULT_PROJECT, "Default project");
        created = true;
      }
      if (config.ingestKey().isEmpty()) {
        CreatedKey k =
            projects.createKey(DEFAULT_PROJECT, "default", OptionalInt.empty(), Optional.empty());
        console.println();
        console.println(
            (created
                    ? "Created project 'default' and its ingestion key"
                    : "Created an ingestion key for project 'default'")
                + " (shown once, keep it):");
        console.println();
        console.println("    " + k.secret());
        console.println();
      }
    }
    config
        .ingestKey()
        .ifPresent(secret -> {
          if (projects.authenticate(secret).isEmpty()) {
            projects.createKey(
                DEFAULT_PROJECT, "CAUSALITY_INGEST_KEY", OptionalInt.empty(), Optional.of(secret));
            LOG.info(
                "created the ingestion key given by CAUSALITY_INGEST_KEY for project '{}'",
                DEFAULT_PROJECT);
          }
        });
  }

  /**
   * Heap bytes one id of the dedup window holds at most: its table of 8-byte hashes is a quarter to
   * half full (16-32 B per id) and its FIFO ring of hash and time up to half empty (16-32 B per
   * id).
   */
  static final int DEDUP_BYTES_PER_ID = 64;

  /**
   * The dedup window's id cap: the configured one, but never more than a quarter of the heap holds,
   * so a long run at a high rate forgets old ids early (counted) instead of running out of memory.
   */
  static int dedupMaxIds(int configured, long maxHeapBytes) {
    long fits = Math.max(10_000, maxHeapBytes / 4 / DEDUP_BYTES_PER_ID);
    if (configured > fits) {
      LOG.info(
          "dedup window capped at {} ids (a quarter of the {} MB heap) instead of the configured {}",
          fits,
          maxHeapBytes >> 20,
          configured);
      return (int) fits;
    }
    return configured;
  }

  /**
   * The access-token signing secret: configured, or made once and kept in the data dir (mode 600).
   */
  private byte[] sessionSecret() {
    if (config.accounts().sessionSecret().isPresent()) {
      return config
          .accounts()
          .sessionSecret()
          .get()
          .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
    Path file = config.dataDir().resolve("session.key");
    try {
      if (Files.exists(file)) {
        byte[] key = java.util.HexFormat.of().parseHex(Files.readString(file).strip());
        if (key.length >= 32) {
          return key;
        }
      }
      byte[] key = new byte[32];
      new SecureRandom().nextBytes(key);
      Path tmp = config.dataDir().resolve("session.key.tmp");
      Files.deleteIfExists(tmp);
      Files.createFile(
          tmp,
          java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
              java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
      Files.writeString(tmp, java.util.HexFormat.of().formatHex(key));
      Files.move(
          tmp,
          file,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      return key;
    } catch (java.io.IOException | IllegalArgumentException e) {
      throw new IllegalStateException(
          "cannot read or create the session key " + file + ": " + e.getMessage(), e);
    }
  }

  public Accounts accounts() {
    return accounts;
  }

  /** A route of the HTTP API: its method, path pattern and the roles it declares. */
  public record Endpoint(String method, String path, java.util.Set<String> roles) {}

  /** Every HTTP route this server answers, for the access-matrix test and the docs. */
  public java.util.List<Endpoint> endpoints() {
    return app.unsafe.internalRouter.allHttpHandlers().stream()
        .map(h -> {
          io.javalin.security.Roles roles = h.endpoint.metadata(io.javalin.security.Roles.class);
          java.util.Set<String> names = new java.util.TreeSet<>();
          if (roles != null) {
            roles.getRoles().forEach(r -> names.add(r.toString()));
          }
          return new Endpoint(h.endpoint.method.name(), h.endpoint.path, names);
        })
        .toList();
  }

  private void beforeRequest(Context ctx) {
    String id = ctx.header("X-Request-Id");
    if (id == null || !REQUEST_ID.matcher(id).matches()) {
      id = UUID.randomUUID().toString();
    }
    inFlight.incrementAndGet();
    ctx.attribute("counted", Boolean.TRUE);
    ctx.attribute("requestId", id);
    ctx.attribute("startNanos", System.nanoTime());
    ctx.header("X-Request-Id", id);
    MDC.put("requestId", id);
  }

  private void afterRequest(Context ctx, Float ms) {
    String route = routeLabel(ctx);
    int status = ctx.statusCode();
    Long start = ctx.attribute("startNanos");
    long nanos = start == null ? (long) (ms * 1_000_000) : System.nanoTime() - start;
    // registering looks the meter up by name and tags, which profiling found costly per request
    requestTimers
        .computeIfAbsent(
            route + ' ' + status,
            k ->
                Timer.builder("causality_http_requests")
                    .description("HTTP requests by route and status")
                    .tag("route", route)
                    .tag("status", Integer.toString(status))
                    .publishPercentileHistogram()
                    .serviceLevelObjectives(
                        Duration.ofMillis(5), Duration.ofMillis(50), Duration.ofMillis(100))
                    .register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
    MDC.put("requestId", String.valueOf((Object) ctx.attribute("requestId")));
    MDC.put("status", Integer.toString(status));
    MDC.put("route", route);
    LOG.info(
        "{} {} -> {} in {} ms",
        ctx.method(),
        ctx.path(),
        status,
        String.format("%.1f", nanos / 1e6));
    MDC.clear();
  }

  private static String routeLabel(Context ctx) {
    try {
      var endpoint = ctx.endpoints().matchedHttpEndpoint();
      return endpoint == null ? "unmatched" : endpoint.path.replace("/<prefix>", "/{prefix}");
    } catch (RuntimeException e) {
      return "unmatched";
    }
  }

  private void readiness(Context ctx) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    boolean logOk = log.writable();
    boolean loaderOk = loader.running();
    boolean ok = ready && !draining && logOk && loaderOk;
    body.put("status", ok ? "ready" : draining ? "draining" : "not ready");
    body.put("log_writable", logOk);
    body.put("loader_running", loaderOk);
    body.put("warehouse_open", warehouse != null);
    if (!loader.lastError().isEmpty()) {
      body.put("loader_error", loader.lastError());
    }
    body.put("log_lag_bytes", log.end() - loader.position());
    ctx.status(ok ? 200 : 503).contentType("application/json").result(body.toString());
  }

  /** The port the server listens on (useful with port 0). */
  public int port() {
    return app.port();
  }

  public Projects projects() {
    return projects;
  }

  public Loader loader() {
    return loader;
  }

  public FileEventLog log() {
    return log;
  }

  public DuckDbWarehouse warehouse() {
    return warehouse;
  }

  /** The telemetry worker (its {@code runOnce()} refreshes the rollups now). */
  public TelemetryWorker telemetry() {
    return telemetry;
  }

  /**
   * Graceful stop: readiness turns 503 and new requests are refused at once, requests in flight
   * finish, then the log is flushed and fully loaded before the files are closed.
   */
  @Override
  public synchronized void close() {
    if (stopped) {
      return;
    }
    stopped = true;
    if (idleTrim != null) {
      idleTrim.close();
    }
    long deadline = System.nanoTime() + config.shutdownTimeout().toNanos();
    draining = true;
    if (live != null) {
      live.close();
    }
    if (ingestion != null) {
      ingestion.startDraining();
    }
    LOG.info("shutting down: draining {} requests in flight", inFlight.get());
    long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (inFlight.get() > 0 && System.nanoTime() < waitUntil) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (app != null) {
      try {
        app.stop();
      } catch (RuntimeException e) {
        // Jetty gives up on connections still open after its stop timeout; the shutdown goes on
        // regardless, since what matters now is that the log is flushed and loaded.
        LOG.warn("shutdown: the HTTP server did not stop cleanly: {}", e.toString());
      }
    }
    // The loader drains before the log closes: it reads the log until nothing is left.
    if (loader != null) {
      long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
      if (!loader.drain(Duration.ofMillis(left))) {
        LOG.warn("shutdown: the loader did not finish in time; the rest loads at the next start");
      }
    }
    if (log != null) {
      log.close();
      if (loader != null && loader.position() < log.end()) {
        LOG.warn(
            "shutdown: {} bytes of the log (positions {}..{}) are not loaded; they load at the next start",
            log.end() - loader.position(),
            loader.position(),
            log.end());
      }
    }
    if (ingestion != null) {
      ingestion.close();
    }
    if (telemetry != null) {
      telemetry.close();
    }
    if (telemetryDatabase != null) {
      telemetryDatabase.close();
    }
    if (warehouse != null) {
      warehouse.close();
    }
    if (dashboardStore != null) {
      dashboardStore.close();
    }
    if (accountStore != null) {
      accountStore.close();
    }
    if (metadata != null) {
      metadata.close();
    }
    LOG.info("stopped; log loaded up to position {}", loader == null ? 0 : loader.position());
  }

  int inFlight() {
    return inFlight.get();
  }
}
