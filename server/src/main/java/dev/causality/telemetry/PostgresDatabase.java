package dev.causality.telemetry;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * A PostgreSQL database given as a URL: {@code postgres://user:pass@host:port/db?sslmode=…}, {@code
 * postgresql://…} or {@code jdbc:postgresql://…}. The password is never part of {@link
 * #toString()}.
 */
public record PostgresDatabase(String jdbcUrl, Optional<String> user, Optional<String> password)
    implements ConnectionSource {
  /**
   * The {@code application_name} of Causality's sessions, as {@code pg_stat_activity} shows them.
   */
  static final String APPLICATION_NAME = "causality";

  public PostgresDatabase {
    requireNonNull(jdbcUrl, "jdbcUrl is null");
    requireNonNull(user, "user is null");
    requireNonNull(password, "password is null");
  }

  /**
   * The database of {@code DATABASE_URL}, else of {@code PLATFORM_DATABASE_URL}; empty when neither
   * is set.
   */
  public static Optional<PostgresDatabase> fromEnvironment(Map<String, String> env) {
    for (String name : new String[] {"DATABASE_URL", "PLATFORM_DATABASE_URL"}) {
      String v = env.get(name);
      if (v != null && !v.isBlank()) {
        return Optional.of(parse(name, v));
      }
    }
    return Optional.empty();
  }

  /** Parses {@code url}; {@code name} (the variable or flag it came from) is named in the error. */
  public static PostgresDatabase parse(String name, String url) {
    String u = url.trim();
    if (u.startsWith("jdbc:postgresql:")) {
      return new PostgresDatabase(u, Optional.empty(), Optional.empty());
    }
    if (!u.startsWith("postgres://") && !u.startsWith("postgresql://")) {
      throw new IllegalArgumentException(
          name
              + " must be a PostgreSQL URL (postgres://user:pass@host:5432/db,"
              + " postgresql://… or jdbc:postgresql://…); was '"
              + redact(u)
              + "'");
    }
    URI uri;
    try {
      uri = new URI(u);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(name + " is not a valid URL: " + e.getReason());
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException(name + " has no host: '" + redact(u) + "'");
    }
    Optional<String> user = Optional.empty();
    Optional<String> password = Optional.empty();
    String info = uri.getRawUserInfo();
    if (info != null && !info.isEmpty()) {
      int colon = info.indexOf(':');
      user = Optional.of(decode(colon < 0 ? info : info.substring(0, colon)));
      if (colon >= 0) {
        password = Optional.of(decode(info.substring(colon + 1)));
      }
    }
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    String jdbc =
        "jdbc:postgresql://"
            + uri.getHost()
            + (uri.getPort() > 0 ? ":" + uri.getPort() : "")
            + path
            + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    return new PostgresDatabase(jdbc, user, password);
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  private static String redact(String url) {
    return url.replaceAll("//([^:/@]*):[^@/]*@", "//$1:***@");
  }

  /**
   * A new connection, which the caller closes; the server reads through {@link PostgresConnections}
   * instead.
   */
  @Override
  public Connection open() throws SQLException {
    Properties props = new Properties();
    user.ifPresent(v -> props.setProperty("user", v));
    password.ifPresent(v -> props.setProperty("password", v));
    props.setProperty("ApplicationName", APPLICATION_NAME);
    Connection c = DriverManager.getConnection(jdbcUrl, props);
    try (Statement st = c.createStatement()) {
      st.execute("SET TIME ZONE 'UTC'");
    } catch (SQLException e) {
      c.close();
      throw e;
    }
    return c;
  }

  /**
   * TimescaleDB when its extension is installed in this database, or can be (available and
   * preloaded) and the telemetry tables were not made without it; plain PostgreSQL otherwise.
   */
  public Dialect detectDialect() {
    try (Connection c = open();
        Statement st = c.createStatement()) {
      if (exists(st, "SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'")) {
        return Dialect.TIMESCALEDB;
      }
      boolean loadable =
          exists(st, "SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'")
              && exists(
                  st,
                  "SELECT 1 WHERE current_setting('shared_preload_libraries') LIKE '%timescaledb%'");
      boolean madeWithout =
          exists(st, "SELECT 1 WHERE to_regclass('analytics_events') IS NOT NULL");
      return loadable && !madeWithout ? Dialect.TIMESCALEDB : Dialect.POSTGRESQL;
    } catch (SQLException e) {
      throw TelemetryException.database("connecting to " + this, e);
    }
  }

  private static boolean exists(Statement st, String sql) throws SQLException {
    try (ResultSet rs = st.executeQuery(sql)) {
      return rs.next();
    }
  }

  @Override
  public String toString() {
    return redact(jdbcUrl) + user.map(u -> " as " + u).orElse("");
  }
}
