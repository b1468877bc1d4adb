package dev.causality.sdk;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.time.Instant;
import java.time.InstantSource;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import javax.sql.DataSource;

/**
 * A {@link Sink} for services that share the analytics PostgreSQL database: writes each batch
 * straight into its {@code analytics_events} table (created by {@code causality migrate pre}) with
 * multi-row INSERTs, in one transaction. Only {@code java.sql}: the service supplies the {@link
 * DataSource} (its pool) or a JDBC URL, and the PostgreSQL driver.
 *
 * <pre>{@code
 * AnalyticsClient.Setup setup = Causality.builder("unused").service("billing").buildParts();
 * Thread.ofPlatform().name("analytics").start(new AnalyticsWorker(setup.config(), PostgresSink.create(dataSource, "default")));
 * }</pre>
 *
 * <p>A batch may be written more than once (a retry after a lost commit acknowledgement): rows are
 * keyed by (event_id, timestamp) and a repeat is skipped ({@code ON CONFLICT DO NOTHING}). Lost
 * connections, serialization failures and a server shutting down answer {@link Delivery.Retry};
 * anything else (no table, a value out of range) {@link Delivery.Rejected}.
 */
public final class PostgresSink implements Sink {
  /** Rows per INSERT statement: 12 parameters each, far below PostgreSQL's 65,535 per statement. */
  static final int ROWS_PER_STATEMENT = 500;

  private static final String COLUMNS =
      "INSERT INTO analytics_events (event_id, app_id, type, event, user_id, anonymous_id, session_id, service,"
          + " \"timestamp\", received_at, properties, context) VALUES ";
  private static final String ROW =
      "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS jsonb), CAST(? AS jsonb))";

  private final DataSource dataSource;
  private final String project;
  private final InstantSource clock;

  private PostgresSink(DataSource dataSource, String project, InstantSource clock) {
    this.dataSource = requireNonNull(dataSource, "dataSource is null");
    this.project = requireNonNull(project, "project is null");
    this.clock = requireNonNull(clock, "clock is null");
  }

  /**
   * A sink writing through the service's own {@code dataSource}, into project {@code project} (the
   * rows' {@code app_id}).
   */
  public static PostgresSink create(DataSource dataSource, String project) {
    return new PostgresSink(dataSource, project, InstantSource.system());
  }

  /**
   * A sink opening a connection per batch from {@code jdbcUrl} ({@code
   * jdbc:postgresql://host:5432/db?user=…}) with the driver on the service's class path.
   */
  public static PostgresSink create(String jdbcUrl, String project) {
    requireNonNull(jdbcUrl, "jdbcUrl is null");
    return new PostgresSink(new UrlDataSource(jdbcUrl), project, InstantSource.system());
  }

  /** Writes the batch in one transaction; never throws. */
  @Override
  public Delivery send(Batch batch) {
    if (batch.messages().isEmpty()) {
      return Delivery.Delivered.all();
    }
    try (Connection c = dataSource.getConnection()) {
      boolean autoCommit = c.getAutoCommit();
      c.setAutoCommit(false);
      try {
        String context = batch.contextJson();
        Instant received = clock.instant();
        List<Message> messages = batch.messages();
        for (int from = 0; from < messages.size(); from += ROWS_PER_STATEMENT) {
          insert(
              c,
              messages.subList(from, Math.min(messages.size(), from + ROWS_PER_STATEMENT)),
              batch.service(),
              context,
              received);
        }
        c.commit();
        return Delivery.Delivered.all();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(autoCommit);
      }
    } catch (SQLException e) {
      String reason =
          "analytics_events insert failed (SQLState "
              + e.getSQLState()
              + "): "
              + String.valueOf(e.getMessage()).lines().findFirst().orElse("");
      return retriable(e) ? Delivery.Retry.of(reason) : new Delivery.Rejected(reason);
    } catch (IllegalArgumentException e) {
      // a message whose properties cannot be written as JSON
      return new Delivery.Rejected(String.valueOf(e.getMessage()));
    }
  }

  private void insert(
      Connection c, List<Message> rows, String service, String context, Instant received)
      throws SQLException {
    StringBuilder sql =
        new StringBuilder(COLUMNS.length() + rows.size() * (ROW.length() + 2)).append(COLUMNS);
    for (int i = 0; i < rows.size(); i++) {
      sql.append(i == 0 ? "" : ", ").append(ROW);
    }
    sql.append(" ON CONFLICT DO NOTHING");
    try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
      int p = 1;
      OffsetDateTime receivedAt = OffsetDateTime.ofInstant(received, ZoneOffset.UTC);
      for (Message m : rows) {
        ps.setString(p++, m.messageId());
        ps.setString(p++, project);
        ps.setString(p++, m.type().wire());
        ps.setString(p++, m.type() == MessageType.TRACK ? m.name() : null);
        ps.setString(p++, m.userId().orElse(null));
        ps.setString(p++, m.anonymousId().orElse(null));
        ps.setString(p++, null);
        ps.setString(p++, service);
        ps.setObject(p++, OffsetDateTime.ofInstant(m.timestamp(), ZoneOffset.UTC));
        ps.setObject(p++, receivedAt);
        ps.setString(p++, m.propertiesJson());
        ps.setString(p++, context);
      }
      ps.executeUpdate();
    }
  }

  /**
   * Whether a failure is transient: connection errors (SQLState class 08), rolled back transactions
   * (40: serialization failure, deadlock), insufficient resources (53), operator intervention (57P,
   * such as a server shutting down), a lock not available (55P03).
   */
  static boolean retriable(SQLException e) {
    if (e instanceof SQLTransientException || e instanceof SQLRecoverableException) {
      return true;
    }
    String state = e.getSQLState();
    if (state == null) {
      return true;
    }
    return state.startsWith("08")
        || state.startsWith("40")
        || state.startsWith("53")
        || state.startsWith("57P")
        || state.equals("55P03");
  }

  @Override
  public void close() {
    // the data source belongs to the service
  }

  /** Connections from a JDBC URL, one per batch. */
  private record UrlDataSource(String url) implements DataSource {
    @Override
    public Connection getConnection() throws SQLException {
      return DriverManager.getConnection(url);
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
      return DriverManager.getConnection(url, username, password);
    }

    @Override
    public java.io.PrintWriter getLogWriter() {
      return null;
    }

    @Override
    public void setLogWriter(java.io.PrintWriter out) {
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
    public java.util.logging.Logger getParentLogger()
        throws java.sql.SQLFeatureNotSupportedException {
      throw new java.sql.SQLFeatureNotSupportedException("no java.util.logging here");
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
