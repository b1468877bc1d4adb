package dev.causality.warehouse;

import dev.causality.event.Event;
import dev.causality.event.EventRecord;
import java.util.List;

/** Where events are stored for analysis: write batches, run SQL, describe the schema. */
public interface Warehouse extends AutoCloseable {

  /** The log position up to which events have been loaded; 0 for an empty warehouse. */
  long loadedPosition();

  /**
   * Writes {@code rows} and {@code deadLetters} and records {@code nextPosition} as the loaded log
   * position, all in one transaction: either everything is stored or nothing is. Fails with a
   * {@link WarehouseException} that is {@link WarehouseException#retriable() retriable} unless the
   * rows themselves are what cannot be stored: a full disk or an I/O error is retriable.
   */
  void load(List<Event> rows, List<DeadLetter> deadLetters, long nextPosition);

  /**
   * Like {@link #load(List, List, long)}, with rows produced while the transaction is open, so that
   * a large batch is never held in memory at once. The default collects the rows first.
   */
  default void load(Batch batch) {
    List<Event> rows = new java.util.ArrayList<>();
    batch.rows(r -> rows.add(r.toEvent()));
    load(rows, batch.deadLetters(), batch.nextPosition());
  }

  /**
   * The most rows the next load should take, so that loads end where the warehouse reorganises what
   * it stored (DuckDB: where a row group fills); {@code Integer.MAX_VALUE} when it has no
   * preference.
   */
  default int preferredBatchRows() {
    return Integer.MAX_VALUE;
  }

  /** The rows of one load transaction, produced on demand. */
  interface Batch {
    /**
     * Passes every row to {@code sink}, in order, as the log record it was read from. Called again,
     * from the start, when the load is tried again; each call produces the same rows. It may run on
     * a thread of the warehouse's (beside the appends), one call at a time: whatever it records is
     * visible to the caller of {@link #load(Batch)} once that returns or throws.
     */
    void rows(java.util.function.Consumer<EventRecord> sink);

    /** The dead letters found by the last call of {@link #rows}. */
    List<DeadLetter> deadLetters();

    /** The log position after the rows, once {@link #rows} has returned. */
    long nextPosition();
  }

  /**
   * Calls {@code sink} with the id hash and received time of the events received at or after {@code
   * sinceMicros}, in the order they were stored; of more than {@code limit} such events, only the
   * newest {@code limit} (and any that share the oldest one's received time). The id hash is the
   * first 64 bits, big-endian, of the SHA-256 of the UTF-8 bytes of appId, a 0 byte and eventId:
   * computed where the rows are, so that the ids themselves never travel.
   */
  void recentEventIds(long sinceMicros, int limit, RecentId sink);

  /** Rows in the dead-letter table. */
  long deadLetterCount();

  /** Runs one read-only query and returns at most {@code maxRows} rows. */
  default QueryResult query(String sql, int maxRows) {
    return query(sql, List.of(), maxRows, java.time.Duration.ofMinutes(5));
  }

  /**
   * Runs one query with positional parameters; cancels it and throws {@link QueryTimeoutException}
   * when it runs longer than {@code timeout}.
   */
  QueryResult query(String sql, List<Object> params, int maxRows, java.time.Duration timeout);

  /**
   * Runs one query written by a person or a model, already checked by the caller (one SELECT of
   * allowed tables and functions): on connections of its own, inside a read-only transaction that
   * is rolled back, with the same time limit as {@link #query}. Values are plain: null, Boolean,
   * Number, String, List or Map.
   */
  QueryResult queryReadOnly(
      String sql, List<Object> params, int maxRows, java.time.Duration timeout);

  /** The warehouse's tables and their columns, in column order. */
  List<Table> describe();

  /** A table and its columns. */
  record Table(String name, List<Column> columns) {
    public Table {
      java.util.Objects.requireNonNull(name, "name is null");
      columns = List.copyOf(columns);
    }
  }

  /**
   * A column: its name and SQL type as the warehouse spells it ({@code VARCHAR}, {@code JSON}, …).
   */
  record Column(String name, String type) {
    public Column {
      java.util.Objects.requireNonNull(name, "name is null");
      java.util.Objects.requireNonNull(type, "type is null");
    }
  }

  @Override
  void close();

  /** Receives one recently stored event id. */
  @FunctionalInterface
  interface RecentId {
    void accept(long idHash, long receivedAtMicros);
  }
}
