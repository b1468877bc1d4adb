package dev.causality.server;

import static java.util.Objects.requireNonNull;

import dev.causality.ingest.IngestLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Every setting of a Causality process; each comes from a flag or a {@code CAUSALITY_*} variable.
 */
public record Config(
    Path dataDir,
    String host,
    int port,
    Optional<String> ingestKey,
    Optional<String> adminToken,
    int rateLimit,
    IngestLimits limits,
    Duration dedupWindow,
    int dedupMaxIds,
    String ipMode,
    Optional<Path> geoIpDatabase,
    boolean trustProxy,
    long logSegmentBytes,
    String warehouseMemory,
    Duration maxFuture,
    Duration shutdownTimeout,
    Accounts accounts,
    Optional<String> databaseUrl) {

  /**
   * Settings of people and sessions.
   *
   * @param adminEmail the first admin's email (CAUSALITY_ADMIN_EMAIL), used when there are no users
   * @param adminPassword their password (CAUSALITY_ADMIN_PASSWORD); generated and printed once when
   *     absent
   * @param secureCookies whether session cookies are {@code Secure} (CAUSALITY_COOKIE_SECURE; turn
   *     off only for plain http on a host other than localhost)
   * @param sessionSecret the HMAC secret signing access tokens (CAUSALITY_SESSION_SECRET, at least
   *     32 bytes; every node of a cluster needs the same); generated into the data dir when absent
   */
  public record Accounts(
      Optional<String> adminEmail,
      Optional<String> adminPassword,
      boolean secureCookies,
      Optional<String> sessionSecret) {
    public Accounts {
      requireNonNull(adminEmail, "adminEmail is null");
      requireNonNull(adminPassword, "adminPassword is null");
      requireNonNull(sessionSecret, "sessionSecret is null");
      sessionSecret.ifPresent(s -> {
        if (s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < 32) {
          throw new IllegalArgumentException("CAUSALITY_SESSION_SECRET must be at least 32 bytes");
        }
      });
    }

    static final Accounts DEFAULTS =
        new Accounts(Optional.empty(), Optional.empty(), true, Optional.empty());
  }

  public Config {
    requireNonNull(dataDir, "dataDir is null");
    requireNonNull(host, "host is null");
    requireNonNull(ingestKey, "ingestKey is null");
    requireNonNull(adminToken, "adminToken is null");
    requireNonNull(limits, "limits is null");
    requireNonNull(dedupWindow, "dedupWindow is null");
    requireNonNull(ipMode, "ipMode is null");
    requireNonNull(geoIpDatabase, "geoIpDatabase is null");
    requireNonNull(warehouseMemory, "warehouseMemory is null");
    requireNonNull(maxFuture, "maxFuture is null");
    requireNonNull(shutdownTimeout, "shutdownTimeout is null");
    requireNonNull(accounts, "accounts is null");
    requireNonNull(databaseUrl, "databaseUrl is null");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port (CAUSALITY_PORT) must be 0-65535, was " + port);
    }
    if (rateLimit < 0) {
      throw new IllegalArgumentException(
          "rate limit (CAUSALITY_RATE_LIMIT) must be 0 (unlimited) or more, was " + rateLimit);
    }
  }

  /** Defaults for everything, with the data in {@code dataDir}; used by tests and as a base. */
  public static Config defaults(Path dataDir) {
    return new Config(
        dataDir,
        "0.0.0.0",
        8080,
        Optional.empty(),
        Optional.empty(),
        1000,
        IngestLimits.DEFAULTS,
        Duration.ofHours(24),
        10_000_000,
        "truncate",
        Optional.empty(),
        false,
        64L * 1024 * 1024,
        "256MB",
        Duration.ofMinutes(10),
        Duration.ofSeconds(25),
        Accounts.DEFAULTS,
        Optional.empty());
  }

  public Config withPort(int p) {
    return with(e -> e.port = p);
  }

  public Config withIngestKey(String key) {
    return with(e -> e.ingestKey = Optional.of(key));
  }

  public Config withRateLimit(int r) {
    return with(e -> e.rateLimit = r);
  }

  public Config withIpMode(String mode) {
    return with(e -> e.ipMode = mode);
  }

  public Config withTrustProxy(boolean trust) {
    return with(e -> e.trustProxy = trust);
  }

  public Config withGeoIpDatabase(Path file) {
    return with(e -> e.geoIpDatabase = Optional.of(file));
  }

  public Config withAdminToken(String token) {
    return with(e -> e.adminToken = Optional.of(token));
  }

  /**
   * Telemetry in a PostgreSQL database ({@code DATABASE_URL}) instead of the embedded warehouse.
   */
  public Config withDatabaseUrl(String url) {
    return with(e -> e.databaseUrl = Optional.of(url));
  }

  public Config withAccounts(Accounts a) {
    return with(e -> e.accounts = a);
  }

  /** This config with one change, made on a mutable copy (so each with-er names only its own). */
  private Config with(Consumer<Edit> change) {
    Edit e = new Edit(this);
    change.accept(e);
    return e.build();
  }

  /** A mutable copy of a {@link Config}'s components. */
  private static final class Edit {
    Path dataDir;
    String host;
    int port;
    Optional<String> ingestKey;
    Optional<String> adminToken;
    int rateLimit;
    IngestLimits limits;
    Duration dedupWindow;
    int dedupMaxIds;
    String ipMode;
    Optional<Path> geoIpDatabase;
    boolean trustProxy;
    long logSegmentBytes;
    String warehouseMemory;
    Duration maxFuture;
    Duration shutdownTimeout;
    Accounts accounts;
    Optional<String> databaseUrl;

    Edit(Config c) {
      dataDir = c.dataDir;
      host = c.host;
      port = c.port;
      ingestKey = c.ingestKey;
      adminToken = c.adminToken;
      rateLimit = c.rateLimit;
      limits = c.limits;
      dedupWindow = c.dedupWindow;
      dedupMaxIds = c.dedupMaxIds;
      ipMode = c.ipMode;
      geoIpDatabase = c.geoIpDatabase;
      trustProxy = c.trustProxy;
      logSegmentBytes = c.logSegmentBytes;
      warehouseMemory = c.warehouseMemory;
      maxFuture = c.maxFuture;
      shutdownTimeout = c.shutdownTimeout;
      accounts = c.accounts;
      databaseUrl = c.databaseUrl;
    }

    Config build() {
      return new Config(
          dataDir,
          host,
          port,
          ingestKey,
          adminToken,
          rateLimit,
          limits,
          dedupWindow,
          dedupMaxIds,
          ipMode,
          geoIpDatabase,
          trustProxy,
          logSegmentBytes,
          warehouseMemory,
          maxFuture,
          shutdownTimeout,
          accounts,
          databaseUrl);
    }
  }

  public Path logDir() {
    return dataDir.resolve("log");
  }

  public Path warehouseFile() {
    return dataDir.resolve("warehouse.duckdb");
  }

  public Path metadataFile() {
    return dataDir.resolve("metadata.sqlite");
  }

  /**
   * Parses {@code 24h}, {@code 30m}, {@code 10s}, {@code 500ms}, {@code 2d} or ISO-8601 {@code
   * PT24H}.
   */
  static Duration duration(String name, String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    try {
      if (v.startsWith("p")) {
        return Duration.parse(value.trim().toUpperCase(Locale.ROOT));
      }
      if (v.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
      }
      long n = Long.parseLong(v.substring(0, v.length() - 1));
      return switch (v.charAt(v.length() - 1)) {
        case 'd' -> Duration.ofDays(n);
        case 'h' -> Duration.ofHours(n);
        case 'm' -> Duration.ofMinutes(n);
        case 's' -> Duration.ofSeconds(n);
        default -> throw new NumberFormatException();
      };
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          name + " must be a duration such as 24h, 30m, 10s or PT24H; was '" + value + "'", e);
    }
  }
}
