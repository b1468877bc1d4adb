package dev.causality.sdk;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * A sink for services that share the analytics PostgreSQL database: writes events straight into
 * its {@code analytics_events} table (created by {@code causality migrate pre}) with multi-row
 * INSERTs, one transaction per batch. Only {@code java.sql}: the service supplies the
 * {@link DataSource} (its pool) or a JDBC URL, and the PostgreSQL driver.
 *
 * <p>A batch may be written more than once (a retry after a lost commit acknowledgement): rows are
 * keyed by (event_id, timestamp) and a repeat is skipped ({@code ON CONFLICT DO NOTHING}).
 */
public final class PostgresSink implements AutoCloseable {
  /** Rows per INSERT statement: 12 parameters each, far below PostgreSQL's 65,535 per statement. */
  static final int ROWS_PER_STATEMENT = 500;

  private static final String COLUMNS =
      "INSERT INTO analytics_events (event_id, app_id, type, event, user_id, anonymous_id, session_id, service,"
          + " \"timestamp\", received_at, properties, context) VALUES ";
  private static final String ROW = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS jsonb), CAST(? AS jsonb))";

  private final DataSource dataSource;
  private final String project;

  private PostgresSink(DataSource dataSource, String project) {
    this.dataSource = requireNonNull(dataSource, "dataSource is null");
    this.project = requireNonNull(project, "project is null");
  }

  /** A sink writing through the service's own {@code dataSource}, into project {@code project} (the events' {@code app_id}). */
  public static PostgresSink create(DataSource dataSource, String project) {
    return new PostgresSink(dataSource, project);
  }

  /**
   * A sink opening a connection per batch from {@code jdbcUrl} ({@code jdbc:postgresql://host:5432/db?user=…})
   * with the driver on the service's class path.
   */
  public static PostgresSink create(String jdbcUrl, String project) {
    requireNonNull(jdbcUrl, "jdbcUrl is null");
    return new PostgresSink(new UrlDataSource(jdbcUrl), project);
  }

  /**
   * One event as a row of {@code analytics_events}.
   *
   * @param messageId the message id fixed at track time ({@code event_id})
   * @param type {@code track}, {@code identify}, {@code page}, …
   * @param event the event name ({@code api_request}); empty for calls without one
   * @param timestamp when it was tracked
   * @param properties properties (or traits) as JSON values: null, Boolean, Number, String, List, Map
   * @param context the context shared by the batch (service, hostname, library, …)
   */
  public record Event(
      String messageId,
      String type,
      Optional<String> event,
      Optional<String> userId,
      Optional<String> anonymousId,
      Optional<String> sessionId,
      String service,
      Instant timestamp,
      Map<String, ?> properties,
      Map<String, ?> context) {
    /** Validates the fields. */
    public Event {
      requireNonNull(messageId, "messageId is null");
      requireNonNull(type, "type is null");
      requireNonNull(event, "event is null");
      requireNonNull(userId, "userId is null");
      requireNonNull(anonymousId, "anonymousId is null");
      requireNonNull(sessionId, "sessionId is null");
      requireNonNull(service, "service is null");
      requireNonNull(timestamp, "timestamp is null");
      requireNonNull(properties, "properties is null");
      requireNonNull(context, "context is null");
    }

    /** A track call of {@code service}: the common case. */
    public static Event track(String messageId, String event, String userId, String service, Instant timestamp,
        Map<String, ?> properties) {
      return new Event(messageId, "track", Optional.of(event), Optional.ofNullable(userId), Optional.empty(), Optional.empty(),
          service, timestamp, properties, Map.of("service", service));
    }
  }

  /** What a write did: an expected failure is a value, not an exception. */
  public sealed interface Result {
    /** The batch is stored: {@code inserted} new rows, {@code duplicates} already there. */
    record Written(int inserted, int duplicates) implements Result {}

    /**
     * Nothing of the batch was stored. {@code retriable} when trying again later may succeed (no
     * connection, a serialization failure, the server shutting down); otherwise the batch itself
     * cannot be stored (no table, a value out of range).
     */
    record Failed(boolean retriable, String reason) implements Result {}
  }

  /** Writes {@code events} in one transaction; never throws for a database failure. */
  public Result write(List<Event> events) {
    if (events.isEmpty()) {
      return new Result.Written(0, 0);
    }
    Instant received = Instant.now();
    try (Connection c = dataSource.getConnection()) {
      boolean autoCommit = c.getAutoCommit();
      c.setAutoCommit(false);
      try {
        int inserted = 0;
        for (int from = 0; from < events.size(); from += ROWS_PER_STATEMENT) {
          inserted += insert(c, events.subList(from, Math.min(events.size(), from + ROWS_PER_STATEMENT)), received);
        }
        c.commit();
        return new Result.Written(inserted, events.size() - inserted);
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(autoCommit);
      }
    } catch (SQLException e) {
      return new Result.Failed(retriable(e), "analytics_events insert failed (SQLState " + e.getSQLState() + "): "
          + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
    }
  }

  private int insert(Connection c, List<Event> rows, Instant received) throws SQLException {
    StringBuilder sql = new StringBuilder(COLUMNS.length() + rows.size() * (ROW.length() + 2)).append(COLUMNS);
    for (int i = 0; i < rows.size(); i++) {
      sql.append(i == 0 ? "" : ", ").append(ROW);
    }
    sql.append(" ON CONFLICT DO NOTHING");
    try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
      int p = 1;
      OffsetDateTime receivedAt = OffsetDateTime.ofInstant(received, ZoneOffset.UTC);
      for (Event e : rows) {
        ps.setString(p++, e.messageId());
        ps.setString(p++, project);
        ps.setString(p++, e.type());
        ps.setString(p++, e.event().orElse(null));
        ps.setString(p++, e.userId().orElse(null));
        ps.setString(p++, e.anonymousId().orElse(null));
        ps.setString(p++, e.sessionId().orElse(null));
        ps.setString(p++, e.service());
        ps.setObject(p++, OffsetDateTime.ofInstant(e.timestamp(), ZoneOffset.UTC));
        ps.setObject(p++, receivedAt);
        ps.setString(p++, json(e.properties()));
        ps.setString(p++, json(e.context()));
      }
      return ps.executeUpdate();
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
    return state.startsWith("08") || state.startsWith("40") || state.startsWith("53") || state.startsWith("57P")
        || state.equals("55P03");
  }

  /** {@code value} as JSON text: null, Boolean, Number, String, List, Map and, as text, anything else. */
  static String json(Object value) {
    StringBuilder sb = new StringBuilder();
    json(sb, value);
    return sb.toString();
  }

  private static void json(StringBuilder sb, Object v) {
    switch (v) {
      case null -> sb.append("null");
      case Boolean b -> sb.append(b);
      case Double d when d.isNaN() || d.isInfinite() -> sb.append("null");
      case Float f when f.isNaN() || f.isInfinite() -> sb.append("null");
      case Number n -> sb.append(n);
      case Map<?, ?> m -> {
        sb.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> e : m.entrySet()) {
          sb.append(first ? "" : ",");
          first = false;
          string(sb, String.valueOf(e.getKey()));
          sb.append(':');
          json(sb, e.getValue());
        }
        sb.append('}');
      }
      case Iterable<?> list -> {
        sb.append('[');
        boolean first = true;
        for (Object o : list) {
          sb.append(first ? "" : ",");
          first = false;
          json(sb, o);
        }
        sb.append(']');
      }
      default -> string(sb, v.toString());
    }
  }

  private static void string(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      switch (ch) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (ch < 0x20 || ch == 0) {
            sb.append(String.format("\\u%04x", (int) ch));
          } else {
            sb.append(ch);
          }
        }
      }
    }
    sb.append('"');
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
    public java.util.logging.Logger getParentLogger() throws java.sql.SQLFeatureNotSupportedException {
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
