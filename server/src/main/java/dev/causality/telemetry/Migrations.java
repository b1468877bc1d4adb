package dev.causality.telemetry;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;

/**
 * The telemetry schema's migrations, run by Flyway from {@code db/telemetry/<dialect>/<phase>}.
 * Phase {@link Phase#PRE} creates the raw events table and its policies, {@link Phase#POST} the
 * rollups; each phase has its own history table ({@code telemetry_migrations_pre}, {@code _post}),
 * so either can run alone and a re-run applies nothing twice.
 */
public final class Migrations {
  /** The two phases, run in this order by {@code migrate all}. */
  public enum Phase {
    PRE,
    POST;

    String id() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** One migration of one phase and whether it is applied. */
  public record Status(
      Phase phase,
      String version,
      String description,
      boolean applied,
      Optional<Instant> installedOn) {}

  /** A migration that would run, with its SQL. */
  public record Pending(
      Phase phase, String version, String description, String script, String sql) {}

  private final Dialect dialect;
  private final ConnectionSource connections;

  public Migrations(Dialect dialect, ConnectionSource connections) {
    this.dialect = requireNonNull(dialect, "dialect is null");
    this.connections = requireNonNull(connections, "connections is null");
  }

  public Dialect dialect() {
    return dialect;
  }

  /** Applies the pending migrations of {@code phases}, in order; returns how many ran. */
  public int migrate(List<Phase> phases) {
    int applied = 0;
    for (Phase p : phases) {
      try {
        applied += flyway(p).migrate().migrationsExecuted;
      } catch (FlywayException e) {
        throw new TelemetryException(
            500,
            "migration_failed",
            "",
            "telemetry migration (" + dialect.id() + ", " + p.id() + ") failed: " + e.getMessage(),
            e);
      }
    }
    return applied;
  }

  /** Every migration of both phases, applied or pending. */
  public List<Status> status() {
    List<Status> out = new ArrayList<>();
    for (Phase p : Phase.values()) {
      for (MigrationInfo m : flyway(p).info().all()) {
        if (m.getState() == MigrationState.BASELINE) {
          continue;
        }
        out.add(
            new Status(
                p,
                m.getVersion() == null ? "" : m.getVersion().getVersion(),
                m.getDescription(),
                m.getState().isApplied(),
                Optional.ofNullable(m.getInstalledOn()).map(java.util.Date::toInstant)));
      }
    }
    return out;
  }

  /**
   * The migrations {@link #migrate} would run for {@code phases}, with their SQL, without running
   * any.
   */
  public List<Pending> pending(List<Phase> phases) {
    List<Pending> out = new ArrayList<>();
    for (Phase p : phases) {
      for (MigrationInfo m : flyway(p).info().pending()) {
        out.add(
            new Pending(
                p,
                m.getVersion() == null ? "" : m.getVersion().getVersion(),
                m.getDescription(),
                location(p) + "/" + m.getScript(),
                script(location(p) + "/" + m.getScript())));
      }
    }
    return out;
  }

  private String location(Phase p) {
    return "db/telemetry/" + dialect.id() + "/" + p.id();
  }

  private static String script(String resource) {
    try (InputStream in = Migrations.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(
            "migration script " + resource + " is not on the class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private Flyway flyway(Phase p) {
    return Flyway.configure(Migrations.class.getClassLoader())
        .dataSource(new SourceDataSource(connections))
        .locations("classpath:" + location(p))
        .table("telemetry_migrations_" + p.id())
        // the database already holds other tables (the warehouse's, the platform's): start after
        // them
        .baselineOnMigrate(true)
        .baselineVersion("0")
        .placeholderReplacement(false)
        .loggers("slf4j")
        .load();
  }

  /** A {@link DataSource} over a {@link ConnectionSource}, for Flyway. */
  private record SourceDataSource(ConnectionSource source) implements DataSource {
    @Override
    public Connection getConnection() throws SQLException {
      return source.open();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
      return source.open();
    }

    @Override
    public PrintWriter getLogWriter() {
      return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
      // not used
    }

    @Override
    public void setLoginTimeout(int seconds) {
      // not used
    }

    @Override
    public int getLoginTimeout() {
      return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
      throw new SQLFeatureNotSupportedException("no java.util.logging here");
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
      throw new SQLException("not a wrapper of " + iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
      return false;
    }
  }
}
