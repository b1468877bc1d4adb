package dev.causality.telemetry;

import static java.util.Objects.requireNonNull;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

/**
 * A small pool of connections to a {@link PostgresDatabase}, for the server's telemetry reads and
 * refreshes (the {@code migrate} command opens its few connections directly). {@link #open()}
 * borrows a connection whose session is in UTC; closing it returns it to the pool. {@link #close()}
 * closes every connection.
 */
public final class PostgresConnections implements ConnectionSource, AutoCloseable {
  /**
   * Dashboards read a few rollups at once and the worker refreshes one at a time: a few suffice.
   */
  static final int MAX_SIZE = 4;

  private final PostgresDatabase database;
  private final HikariDataSource pool;

  private PostgresConnections(PostgresDatabase database, HikariDataSource pool) {
    this.database = database;
    this.pool = pool;
  }

  /**
   * A pool of at most {@link #MAX_SIZE} connections, one kept open when idle. It starts even when
   * the database is down (the reads fail until it is back, each after at most 10 s).
   */
  public static PostgresConnections create(PostgresDatabase database) {
    requireNonNull(database, "database is null");
    HikariConfig c = new HikariConfig();
    c.setPoolName("causality-telemetry");
    c.setJdbcUrl(database.jdbcUrl());
    database.user().ifPresent(c::setUsername);
    database.password().ifPresent(c::setPassword);
    c.addDataSourceProperty("ApplicationName", PostgresDatabase.APPLICATION_NAME);
    // the rollups' SQL writes and reads UTC timestamps; every pooled session gets the zone once
    c.setConnectionInitSql("SET TIME ZONE 'UTC'");
    c.setMaximumPoolSize(MAX_SIZE);
    c.setMinimumIdle(1);
    c.setConnectionTimeout(Duration.ofSeconds(10).toMillis());
    c.setInitializationFailTimeout(-1);
    return new PostgresConnections(database, new HikariDataSource(c));
  }

  @Override
  public Connection open() throws SQLException {
    return pool.getConnection();
  }

  /** The connections the pool holds now, in use or idle. */
  int size() {
    return pool.getHikariPoolMXBean() == null
        ? 0
        : pool.getHikariPoolMXBean().getTotalConnections();
  }

  @Override
  public void close() {
    pool.close();
  }

  @Override
  public String toString() {
    return database.toString();
  }
}
