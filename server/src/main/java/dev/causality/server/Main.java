package dev.causality.server;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.causality.demo.DemoData;
import dev.causality.event.Event;
import dev.causality.ingest.IngestLimits;
import dev.causality.projects.CreatedKey;
import dev.causality.projects.IngestKey;
import dev.causality.projects.Project;
import dev.causality.projects.Projects;
import dev.causality.projects.SqliteMetadataStore;
import dev.causality.warehouse.DuckDbWarehouse;
import dev.causality.warehouse.QueryResult;
import dev.causality.warehouse.WarehouseException;
import dev.causality.warehouse.WarehouseLockedException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The {@code causality} command line: serve, keys, projects, sql, demo, migrate. */
@Command(
    name = "causality",
    mixinStandardHelpOptions = true,
    version = "causality 0.1.0",
    description = "Self-hosted behavioural analytics.",
    subcommands = {
      Main.Serve.class,
      Main.Keys.class,
      Main.ProjectsCommand.class,
      Main.Users.class,
      Main.Sql.class,
      Main.Demo.class,
      MigrateCommand.class
    })
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(System.out, System.err, args));
  }

  /** Runs the command line and returns the exit code (tests call this). */
  public static int run(PrintStream out, PrintStream err, String... args) {
    CommandLine cli = new CommandLine(new Main());
    cli.setOut(new java.io.PrintWriter(out, true, out.charset()));
    cli.setErr(new java.io.PrintWriter(err, true, err.charset()));
    cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      cmd.getErr().println("error: " + ex.getMessage());
      return 1;
    });
    return cli.execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Settings shared by every command; each flag falls back to its environment variable. */
  static final class Settings {
    @Option(
        names = "--data-dir",
        defaultValue = "${env:CAUSALITY_DATA_DIR:-data}",
        description = "Data directory (CAUSALITY_DATA_DIR, default ./data).")
    Path dataDir;

    @Option(
        names = "--host",
        defaultValue = "${env:CAUSALITY_HOST:-0.0.0.0}",
        description = "Listen address (CAUSALITY_HOST).")
    String host;

    @Option(
        names = "--port",
        defaultValue = "${env:CAUSALITY_PORT:-8080}",
        description = "HTTP port (CAUSALITY_PORT, default 8080).")
    int port;

    @Option(
        names = "--ingest-key",
        defaultValue = "${env:CAUSALITY_INGEST_KEY}",
        description = "Preset ingestion key of project 'default' (CAUSALITY_INGEST_KEY).")
    String ingestKey;

    @Option(
        names = "--admin-token",
        defaultValue = "${env:CAUSALITY_ADMIN_TOKEN}",
        description =
            "A personal access token of the first admin, for automation (CAUSALITY_ADMIN_TOKEN, 16+ characters).")
    String adminToken;

    @Option(
        names = "--admin-email",
        defaultValue = "${env:CAUSALITY_ADMIN_EMAIL}",
        description =
            "Email of the first admin, created when there are no users (CAUSALITY_ADMIN_EMAIL, default admin@localhost).")
    String adminEmail;

    @Option(
        names = "--admin-password",
        defaultValue = "${env:CAUSALITY_ADMIN_PASSWORD}",
        description =
            "Password of the first admin (CAUSALITY_ADMIN_PASSWORD); generated and printed once when absent.")
    String adminPassword;

    @Option(
        names = "--cookie-secure",
        defaultValue = "${env:CAUSALITY_COOKIE_SECURE:-true}",
        description =
            "Mark session cookies Secure (CAUSALITY_COOKIE_SECURE; false only for plain http away from localhost).")
    boolean cookieSecure;

    @Option(
        names = "--session-secret",
        defaultValue = "${env:CAUSALITY_SESSION_SECRET}",
        description =
            "HMAC secret for access tokens, 32+ bytes, the same on every node (CAUSALITY_SESSION_SECRET); generated into the data dir when absent.")
    String sessionSecret;

    @Option(
        names = "--rate-limit",
        defaultValue = "${env:CAUSALITY_RATE_LIMIT:-1000}",
        description = "Default events/s per key, 0 = unlimited (CAUSALITY_RATE_LIMIT).")
    int rateLimit;

    @Option(names = "--max-event-bytes", defaultValue = "${env:CAUSALITY_MAX_EVENT_BYTES:-32768}")
    int maxEventBytes;

    @Option(
        names = "--max-request-bytes",
        defaultValue = "${env:CAUSALITY_MAX_REQUEST_BYTES:-5242880}")
    int maxRequestBytes;

    @Option(names = "--max-batch-events", defaultValue = "${env:CAUSALITY_MAX_BATCH_EVENTS:-2500}")
    int maxBatchEvents;

    @Option(
        names = "--max-load-lag-bytes",
        defaultValue =
            "${env:CAUSALITY_MAX_LOAD_LAG_BYTES:-" + IngestLimits.DEFAULT_MAX_LOAD_LAG_BYTES + "}",
        description =
            "Log bytes the loader may be behind before new ingestion requests wait for it (up to 2 s); 0 = never wait (CAUSALITY_MAX_LOAD_LAG_BYTES).")
    long maxLoadLagBytes;

    @Option(
        names = "--dedup-window",
        defaultValue = "${env:CAUSALITY_DEDUP_WINDOW:-24h}",
        description = "Duplicate event_id window (CAUSALITY_DEDUP_WINDOW, default 24h).")
    String dedupWindow;

    @Option(names = "--dedup-max-ids", defaultValue = "${env:CAUSALITY_DEDUP_MAX_IDS:-10000000}")
    int dedupMaxIds;

    @Option(
        names = "--ip-mode",
        defaultValue = "${env:CAUSALITY_IP_MODE:-truncate}",
        description = "keep, truncate (IPv4 /24, IPv6 /48) or drop (CAUSALITY_IP_MODE).")
    String ipMode;

    @Option(
        names = "--geoip-db",
        defaultValue = "${env:CAUSALITY_GEOIP_DB}",
        description = "MaxMind-format city database (CAUSALITY_GEOIP_DB).")
    Path geoIpDb;

    @Option(
        names = "--trust-proxy",
        defaultValue = "${env:CAUSALITY_TRUST_PROXY:-false}",
        description = "Take the client IP from X-Forwarded-For (CAUSALITY_TRUST_PROXY).")
    boolean trustProxy;

    @Option(
        names = "--log-segment-bytes",
        defaultValue = "${env:CAUSALITY_LOG_SEGMENT_BYTES:-67108864}")
    long logSegmentBytes;

    @Option(names = "--warehouse-memory", defaultValue = "${env:CAUSALITY_WAREHOUSE_MEMORY:-256MB}")
    String warehouseMemory;

    @Option(
        names = "--max-future",
        defaultValue = "${env:CAUSALITY_MAX_FUTURE:-10m}",
        description = "Corrected timestamps later than this past receipt are clamped.")
    String maxFuture;

    @Option(
        names = "--database-url",
        defaultValue = "${env:DATABASE_URL}",
        description =
            "PostgreSQL for service telemetry (DATABASE_URL, else PLATFORM_DATABASE_URL); default: the embedded warehouse.")
    String databaseUrl;

    /** The telemetry database URL: the flag, DATABASE_URL, then PLATFORM_DATABASE_URL. */
    Optional<String> databaseUrl() {
      return Optional.ofNullable(databaseUrl)
          .filter(u -> !u.isBlank())
          .or(() ->
              Optional.ofNullable(System.getenv("PLATFORM_DATABASE_URL"))
                  .filter(u -> !u.isBlank()));
    }

    Config config() {
      return new Config(
          dataDir,
          host,
          port,
          Optional.ofNullable(ingestKey).filter(k -> !k.isBlank()),
          Optional.ofNullable(adminToken).filter(k -> !k.isBlank()),
          rateLimit,
          new IngestLimits(
              maxEventBytes,
              maxRequestBytes,
              maxBatchEvents,
              IngestLimits.DEFAULTS.maxNestingDepth(),
              maxLoadLagBytes),
          Config.duration("CAUSALITY_DEDUP_WINDOW", dedupWindow),
          dedupMaxIds,
          ipMode,
          Optional.ofNullable(geoIpDb),
          trustProxy,
          logSegmentBytes,
          warehouseMemory,
          Config.duration("CAUSALITY_MAX_FUTURE", maxFuture),
          java.time.Duration.ofSeconds(25),
          new Config.Accounts(
              Optional.ofNullable(adminEmail).filter(k -> !k.isBlank()),
              Optional.ofNullable(adminPassword).filter(k -> !k.isBlank()),
              cookieSecure,
              Optional.ofNullable(sessionSecret).filter(k -> !k.isBlank())),
          databaseUrl());
    }
  }

  static void quietLogs() {
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
        .setLevel(Level.WARN);
  }

  @Command(name = "serve", description = "Run every role in this process on embedded storage.")
  static final class Serve implements Callable<Integer> {
    @Mixin Settings settings;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    /**
     * Start, stop at once and exit: a training run that only records start-up (JDK 21–24's
     * class-data archive).
     */
    @Option(names = "--stop-when-started", hidden = true)
    boolean stopWhenStarted;

    /**
     * Start, ingest generated traffic through this server's own HTTP port for this long, load it,
     * stop and exit: the launcher's training run for its AOT cache ({@link Training}).
     */
    @Option(names = "--train", hidden = true, paramLabel = "DURATION")
    String train;

    @Override
    public Integer call() throws Exception {
      Config config = settings.config();
      if (train != null && config.ingestKey().isEmpty()) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--train needs a preset ingestion key (CAUSALITY_INGEST_KEY)");
      }
      Duration trainFor = train == null ? null : Config.duration("--train", train);
      CausalityServer server = CausalityServer.start(config, System.out);
      if (trainFor != null) {
        Training.Result r;
        try {
          r = Training.fromChild(server.port(), config.ingestKey().orElseThrow(), trainFor);
        } finally {
          server.close();
        }
        spec.commandLine()
            .getOut()
            .printf(
                "trained: %d requests, %d events acknowledged, %d refused%n",
                r.requests(), r.events(), r.failed());
        return r.failed() == 0 ? 0 : 1;
      }
      if (stopWhenStarted) {
        server.close();
        return 0;
      }
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    server.close();
                    stopped.countDown();
                  },
                  "shutdown"));
      stopped.await();
      return 0;
    }
  }

  /** Opens the metadata store of the data dir for a one-off command. */
  static <T> T withProjects(Settings s, java.util.function.Function<Projects, T> f) {
    quietLogs();
    try {
      Files.createDirectories(s.dataDir);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    try (SqliteMetadataStore store =
        SqliteMetadataStore.open(s.dataDir.resolve("metadata.sqlite"))) {
      return f.apply(Projects.of(store));
    }
  }

  @Command(
      name = "keys",
      description = "Ingestion keys: create, list, revoke.",
      subcommands = {Keys.Create.class, Keys.ListKeys.class, Keys.Revoke.class})
  static final class Keys implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
      spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "create", description = "Create a key for a project and print it once.")
    static final class Create implements Callable<Integer> {
      @Mixin Settings settings;
      @CommandLine.Spec CommandLine.Model.CommandSpec spec;

      @Option(names = "--project", required = true)
      String project;

      @Option(names = "--name", defaultValue = "key")
      String name;

      @Option(
          names = "--key-rate-limit",
          description = "Events/s for this key; 0 = unlimited; default: the server's.")
      Integer rateLimit;

      @Override
      public Integer call() {
        CreatedKey k =
            withProjects(
                settings,
                p ->
                    p.createKey(
                        project,
                        name,
                        rateLimit == null ? OptionalInt.empty() : OptionalInt.of(rateLimit),
                        Optional.empty()));
        var out = spec.commandLine().getOut();
        out.println(
            "Created key "
                + k.key().id()
                + " for project '"
                + project
                + "' (shown once, keep it):");
        out.println(k.secret());
        return 0;
      }
    }

    @Command(name = "list", description = "List keys (never their secrets).")
    static final class ListKeys implements Callable<Integer> {
      @Mixin Settings settings;
      @CommandLine.Spec CommandLine.Model.CommandSpec spec;

      @Override
      public Integer call() {
        List<IngestKey> keys = withProjects(settings, Projects::keys);
        List<List<Object>> rows = new ArrayList<>();
        for (IngestKey k : keys) {
          rows.add(
              List.of(
                  k.id(),
                  k.projectId(),
                  k.name(),
                  k.prefix() + "…",
                  k.rateLimit().isPresent()
                      ? Integer.toString(k.rateLimit().getAsInt())
                      : "default",
                  k.createdAt().toString(),
                  k.revokedAt().map(Object::toString).orElse("active")));
        }
        Tables.print(
            spec.commandLine().getOut(),
            List.of("id", "project", "name", "key", "rate_limit", "created_at", "status"),
            rows);
        return 0;
      }
    }

    @Command(
        name = "revoke",
        description = "Revoke a key; running servers refuse it within seconds.")
    static final class Revoke implements Callable<Integer> {
      @Mixin Settings settings;
      @CommandLine.Spec CommandLine.Model.CommandSpec spec;

      @Parameters(index = "0", description = "Key id (key_…)")
      String id;

      @Override
      public Integer call() {
        boolean done = withProjects(settings, p -> p.revokeKey(id));
        if (!done) {
          spec.commandLine().getErr().println("error: no active key with id " + id);
          return 1;
        }
        spec.commandLine().getOut().println("Revoked " + id);
        return 0;
      }
    }
  }

  static <T> T withAccounts(
      Settings s, java.util.function.Function<dev.causality.auth.Accounts, T> f) {
    return withProjects(
        s,
        projects -> {
          try (dev.causality.auth.SqliteAccountStore store =
              dev.causality.auth.SqliteAccountStore.open(s.dataDir.resolve("metadata.sqlite"))) {
            byte[] unused = new byte[32];
            new java.security.SecureRandom().nextBytes(unused); // the CLI issues no sessions
            return f.apply(
                new dev.causality.auth.Accounts(
                    store,
                    unused,
                    java.time.InstantSource.system(),
                    new java.security.SecureRandom()));
          }
        });
  }

  @Command(
      name = "users",
      description = "People who sign in: create, list, reset-password.",
      subcommands = {Users.Create.class, Users.ListUsers.class, Users.ResetPassword.class})
  static final class Users implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
      spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(
        name = "create",
        description = "Create a user; prints a generated password once unless --password is given.")
    static final class Create implements Callable<Integer> {
      @Mixin Settings settings;
      @CommandLine.Spec CommandLine.Model.CommandSpec spec;

      @Parameters(index = "0", description = "Email")
      String email;

      @Option(
          names = "--role",
          defaultValue = "viewer",
          description = "viewer, editor or admin (default viewer)")
      String role;

      @Option(
          names = "--project",
          description = "A project the user may see (repeatable; admins see all)")
      List<String> projects;

      @Option(names = "--password", description = "8-64 characters; generated when absent")
      String password;

      @Override
      public Integer call() {
        dev.causality.auth.Role chosen =
            switch (role.toLowerCase(java.util.Locale.ROOT)) {
              case "viewer" -> dev.causality.auth.Role.VIEWER;
              case "editor" -> dev.causality.auth.Role.EDITOR;
              case "admin" -> dev.causality.auth.Role.ADMIN;
              default -> null;
            };
        if (chosen == null) {
          spec.commandLine()
              .getErr()
              .println("error: --role must be viewer, editor or admin, was '" + role + "'");
          return 2;
        }
        String p =
            password != null
                ? password
                : java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes());
        try {
          dev.causality.auth.User u =
              withAccounts(
                  settings,
                  a ->
                      a.createUser(
                          "cli",
                          email,
                          p,
                          chosen,
                          java.util.Set.copyOf(projects == null ? List.of() : projects),
                          ""));
          spec.commandLine()
              .getOut()
              .println(
                  "Created "
                      + u.role().name().toLowerCase(java.util.Locale.ROOT)
                      + " "
                      + u.email()
                      + (password == null ? " with this password (shown once):" : ""));
          if (password == null) {
            spec.commandLine().getOut().println(p);
          }
          return 0;
        } catch (dev.causality.auth.AuthException e) {
          spec.commandLine().getErr().println("error: " + e.getMessage());
          return 1;
        }
      }

      private static byte[] randomBytes() {
        byte[] b = new byte[18];
        new java.security.SecureRandom().nextBytes(b);
        return b;
      }
    }

    @Command(name = "list", description = "List users.")
    static final class ListUsers implements Callable<Integer> {
      @Mixin Settings settings;
      @CommandLine.Spec CommandLine.Model.CommandSpec spec;

      @Override
      public Integer call() {
        List<List<Object>> rows = new ArrayList<>();
        for (dev.causality.auth.User u :
            withAccounts(settings, dev.causality.auth.Accounts::users)) {
          rows.add(
              List.of(
                  u.id(),
                  u.email(),
                  u.role().name().toLowerCase(java.util.Locale.ROOT),
                  String.join(",", new java.util.TreeSet<>(u.projects())),
                  u.active() ? "active" : "disabled"));
        }
        Tables.print(
            spec.commandLine().getOut(),
            List.of("id", "email", "role", "projects", "status"),
            rows);
        return 0;
      }
    }

    @Command(
        name = "reset-password",
        description =
            "Set a new password (printed once), end the user's sessions, lift a lock-out.")
    static final class ResetPassword implements Callable<Integer> {
      @Mixin Settings settings;
      @CommandLine.Spec CommandLine.Model.CommandSpec spec;

      @Parameters(index = "0", description = "Email")
      String email;

      @Override
      public Integer call() {
        try {
          String p = withAccounts(settings, a -> a.resetPassword("cli", email, Optional.empty()));
          spec.commandLine().getOut().println("New password for " + email + " (shown once):");
          spec.commandLine().getOut().println(p);
          return 0;
        } catch (dev.causality.auth.AuthException e) {
          spec.commandLine().getErr().println("error: " + e.getMessage());
          return 1;
        }
      }
    }
  }

  @Command(
      name = "projects",
      description = "Projects: create, list.",
      subcommands = {ProjectsCommand.Create.class, ProjectsCommand.ListProjects.class})
  static final class ProjectsCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
      spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "create", description = "Create a project.")
    static final class Create implements Callable<Integer> {
      @Mixin Settings settings;
      @CommandLine.Spec CommandLine.Model.CommandSpec spec;

      @Parameters(
          index = "0",
          description = "Project id (lower case, digits, - and _); it is the events' app_id.")
      String id;

      @Option(names = "--name")
      String name;

      @Override
      public Integer call() {
        Project p = withProjects(settings, ps -> ps.createProject(id, name == null ? id : name));
        spec.commandLine().getOut().println("Created project '" + p.id() + "'");
        return 0;
      }
    }

    @Command(name = "list", description = "List projects.")
    static final class ListProjects implements Callable<Integer> {
      @Mixin Settings settings;
      @CommandLine.Spec CommandLine.Model.CommandSpec spec;

      @Override
      public Integer call() {
        List<List<Object>> rows = new ArrayList<>();
        for (Project p : withProjects(settings, Projects::projects)) {
          rows.add(List.of(p.id(), p.name(), p.createdAt().toString()));
        }
        Tables.print(spec.commandLine().getOut(), List.of("id", "name", "created_at"), rows);
        return 0;
      }
    }
  }

  @Command(
      name = "sql",
      description =
          "Run a read-only query on the warehouse of the data dir (no server may hold it).")
  static final class Sql implements Callable<Integer> {
    @Mixin Settings settings;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", description = "One SELECT statement.")
    String sql;

    @Option(names = "--format", defaultValue = "table", description = "table, csv or json")
    String format;

    @Option(names = "--max-rows", defaultValue = "10000")
    int maxRows;

    @Override
    public Integer call() {
      quietLogs();
      var err = spec.commandLine().getErr();
      if (!List.of("table", "csv", "json").contains(format)) {
        err.println("error: --format must be table, csv or json; was '" + format + "'");
        return 2;
      }
      Path file = settings.dataDir.resolve("warehouse.duckdb");
      if (!Files.exists(file)) {
        err.println(
            "error: no warehouse at "
                + file
                + "; start the server once (./causality serve) or set --data-dir");
        return 1;
      }
      try (DuckDbWarehouse w = DuckDbWarehouse.openReadOnly(file)) {
        QueryResult r = w.query(sql, maxRows);
        var out = spec.commandLine().getOut();
        switch (format) {
          case "csv" -> Tables.csv(out, r.columns(), r.rows());
          case "json" -> out.println(json(r));
          default -> Tables.print(out, r.columns(), r.rows());
        }
        if (r.truncated()) {
          err.println("(truncated to " + maxRows + " rows; use --max-rows)");
        }
        return 0;
      } catch (WarehouseLockedException e) {
        err.println("error: " + e.getMessage());
        err.println(
            "A running server holds the warehouse; stop it first (DuckDB allows one process per file).");
        return 3;
      } catch (WarehouseException e) {
        err.println("error: " + e.getMessage().lines().findFirst().orElse(""));
        return 1;
      }
    }

    private static String json(QueryResult r) {
      ObjectMapper m = new ObjectMapper();
      ArrayNode rows = m.createArrayNode();
      for (List<Object> row : r.rows()) {
        ObjectNode o = rows.addObject();
        for (int i = 0; i < r.columns().size(); i++) {
          Object v = row.get(i);
          o.set(
              r.columns().get(i),
              v == null
                  ? m.nullNode()
                  : v instanceof Number || v instanceof Boolean
                      ? m.valueToTree(v)
                      : m.getNodeFactory().textNode(v.toString()));
        }
      }
      return rows.toString();
    }
  }

  @Command(
      name = "demo",
      description =
          "Fill a project with realistic generated events (sign-ups, page views, purchases,"
              + " sessions, several platforms and countries) over the last days, so there are charts to look at at once.")
  static final class Demo implements Callable<Integer> {
    /**
     * One DuckDB row group: smaller transactions go through the WAL and take about twice as long.
     */
    static final int BATCH = 122_880;

    @Mixin Settings settings;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(
        names = "--events",
        defaultValue = "1000000",
        description = "How many events (default 1000000).")
    long events;

    @Option(
        names = "--days",
        defaultValue = "90",
        description = "Spread over this many days up to now (default 90).")
    int days;

    @Option(
        names = "--seed",
        description = "Random seed: the same seed (and day) gives the same events; default random.")
    Long seed;

    @Option(
        names = "--project",
        defaultValue = "default",
        description = "Project to fill (its app_id); created when missing.")
    String project;

    @Override
    public Integer call() throws InterruptedException {
      quietLogs();
      var out = spec.commandLine().getOut();
      var err = spec.commandLine().getErr();
      if (events < 1 || days < 1 || days > 3650) {
        err.println(
            "error: --events must be at least 1 and --days between 1 and 3650; were "
                + events
                + " and "
                + days);
        return 2;
      }
      long s = seed != null ? seed : new java.security.SecureRandom().nextLong();
      Path file = settings.dataDir.resolve("warehouse.duckdb");
      try {
        Files.createDirectories(settings.dataDir);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      try (DuckDbWarehouse w = DuckDbWarehouse.open(file, settings.warehouseMemory)) {
        Object existing =
            w.query(
                    "SELECT count(*) FROM events WHERE app_id = ?",
                    List.of(project),
                    1,
                    java.time.Duration.ofMinutes(1))
                .rows()
                .getFirst()
                .getFirst();
        if (((Number) existing).longValue() > 0) {
          err.println(
              "error: project '"
                  + project
                  + "' already has "
                  + existing
                  + " events; demo data goes into a project"
                  + " without events (try --project demo)");
          return 1;
        }
        withProjects(
            settings,
            ps -> {
              if (ps.projects().stream().noneMatch(p -> p.id().equals(project))) {
                ps.createProject(project, project.equals("default") ? "Default project" : project);
              }
              return null;
            });
        out.printf(
            Locale.ROOT,
            "Generating %,d demo events over the last %d days into project '%s' (seed %d)…%n",
            events,
            days,
            project,
            s);
        DemoData data =
            new DemoData(
                new DemoData.Options(project, events, days, s), java.time.InstantSource.system());
        long t0 = System.nanoTime();
        load(data, w, out);
        double seconds = Math.max(1e-3, (System.nanoTime() - t0) / 1e9);
        DemoData.Stats st = data.stats();
        java.time.format.DateTimeFormatter minutes =
            java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")
                .withZone(java.time.ZoneOffset.UTC);
        out.printf(
            Locale.ROOT,
            "Wrote %,d events in %.1f s (%,.0f events/s).%n",
            st.events(),
            seconds,
            st.events() / seconds);
        out.printf(
            Locale.ROOT,
            "  %,d people (%,d signed up in the window), %,d sessions, %,d purchases ($%,.2f)%n",
            st.people(),
            st.signUps(),
            st.sessions(),
            st.orders(),
            st.revenue());
        out.printf(
            Locale.ROOT,
            "  from %s to %s UTC; --seed %d generates the same events again%n",
            minutes.format(data.from()),
            minutes.format(data.to()),
            s);
        out.println();
        out.println("Try it:");
        out.println(
            "  ./causality sql \"SELECT event, count(*) AS events FROM events WHERE app_id = '"
                + project
                + "' GROUP BY event ORDER BY events DESC\"");
        out.println(
            "  CAUSALITY_ADMIN_TOKEN=demo-admin-token-0123 ./causality serve      # then, in another terminal:");
        out.println(
            "  curl -H 'Authorization: Bearer demo-admin-token-0123' localhost:8080/api/query/trends -d '{\"project\":\""
                + project
                + "\",\"series\":[{\"event\":\"Signed Up\",\"metric\":\"unique_users\"}],\"breakdown\":[\"country\"],\"dateRange\":\"last_30_days\"}'");
        return 0;
      } catch (WarehouseLockedException e) {
        err.println("error: " + e.getMessage());
        err.println(
            "A running server holds the warehouse; stop it first (DuckDB allows one process per file), then run"
                + " demo again. Nothing was written.");
        return 3;
      }
    }

    /**
     * Generates on one thread while the warehouse loads the previous batch on this one (at most two
     * batches in memory); each batch is one load at the current log position, so the loader's
     * position is left as it was.
     */
    private static void load(DemoData data, DuckDbWarehouse w, java.io.PrintWriter out)
        throws InterruptedException {
      List<Event> end = new ArrayList<>();
      java.util.concurrent.BlockingQueue<List<Event>> queue =
          new java.util.concurrent.SynchronousQueue<>();
      java.util.concurrent.atomic.AtomicReference<RuntimeException> failed =
          new java.util.concurrent.atomic.AtomicReference<>();
      Thread producer =
          Thread.ofPlatform()
              .name("demo-generator")
              .daemon(true)
              .start(() -> {
                try {
                  List<Event> batch = new ArrayList<>(BATCH);
                  while (data.hasNext()) {
                    batch.add(data.next());
                    if (batch.size() == BATCH) {
                      queue.put(batch);
                      batch = new ArrayList<>(BATCH);
                    }
                  }
                  if (!batch.isEmpty()) {
                    queue.put(batch);
                  }
                } catch (InterruptedException e) {
                  return;
                } catch (RuntimeException e) {
                  failed.set(e);
                }
                try {
                  queue.put(end);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      try {
        long loaded = 0;
        long nextReport = 1_000_000;
        for (List<Event> batch = queue.take(); batch != end; batch = queue.take()) {
          w.load(batch, List.of(), w.loadedPosition());
          loaded += batch.size();
          if (loaded >= nextReport) {
            out.printf(Locale.ROOT, "  %,d events…%n", loaded);
            nextReport += 1_000_000;
          }
        }
      } finally {
        producer.interrupt();
        producer.join();
      }
      if (failed.get() != null) {
        throw failed.get();
      }
    }
  }
}
