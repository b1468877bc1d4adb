package dev.causality.warehouse;

import dev.causality.event.Event;
import dev.causality.event.EventRecord;
import java.util.List;

/** Where events are stored for analysis: write batches, run SQL, describe the schema. */
public interface Warehouse extends AutoCloseable {

  /**
   * How many lanes load in parallel: each lane appends its rows in a transaction of its own, on a
   * thread of its own, and stores a loaded position of its own ({@link #loadedPosition(int)}). The
   * loader puts every row in the lane its id hash picks, so duplicates meet in one lane.
   */
  default int lanes() {
    return 1;
  }

  /**
   * The log position up to which events have been loaded, the lowest of the lanes'; 0 for an empty
   * warehouse.
   */
  long loadedPosition();

  /**
   * The log position up to which the records of {@code lane} have been loaded: every record before
   * it whose row belongs to the lane is stored (or was a duplicate or a dead letter).
   */
  default long loadedPosition(int lane) {
    return loadedPosition();
  }

  /**
   * Writes {@code rows} and {@code deadLetters} and records {@code nextPosition} as the loaded log
   * position of every lane, all in one transaction: either everything is stored or nothing is.
   * Fails with a {@link WarehouseException} that is {@link WarehouseException#retriable()
   * retriable} unless the rows themselves are what cannot be stored: a full disk or an I/O error is
   * retriable.
   */
  void load(List<Event> rows, List<DeadLetter> deadLetters, long nextPosition);

  /**
   * Like {@link #load(List, List, long)}, with rows produced while the transactions are open, so
   * that a large batch is never held in memory at once: each lane's rows, dead letters and next
   * position in one transaction of that lane. When it throws, some lanes may have committed: {@link
   * #loadedPosition(int)} tells which. The default collects the rows first and loads them in one
   * transaction.
   */
  default void load(Batch batch) {
    List<Event> rows = new java.util.ArrayList<>();
    batch.rows((lane, r) -> rows.add(r.toEvent()));
    List<DeadLetter> dead = new java.util.ArrayList<>();
    for (int lane = 0; lane < lanes(); lane++) {
      dead.addAll(batch.deadLetters(lane));
    }
    load(rows, dead, batch.nextPosition(0));
  }

  /**
   * The most rows the next load should give {@code lane}, so that loads end where the warehouse
   * reorganises what it stored (DuckDB: where a row group fills); {@code Integer.MAX_VALUE} when it
   * has no preference.
   */
  default int preferredBatchRows(int lane) {
    return Integer.MAX_VALUE;
  }

  /** Receives the rows of a batch, each with its lane. */
  @FunctionalInterface
  interface RowSink {
    void accept(int lane, EventRecord row);
  }

  /** The rows of one load, produced on demand. */
  interface Batch {
    /**
     * Passes every row to {@code sink} with its lane, in order, as the log record it was read from.
     * Called again, from the start, when the load is tried again; each call produces the same rows
     * (except those of lanes that have committed since: see {@link Warehouse#load(Batch)}). It may
     * run on a thread of the warehouse's (beside the appends), one call at a time: whatever it
     * records is visible to the caller of {@link #load(Batch)} once that returns or throws, and to
     * a lane once the lane has received its last row.
     */
    void rows(RowSink sink);

    /** The dead letters of {@code lane} found by the last call of {@link #rows}. */
    List<DeadLetter> deadLetters(int lane);

    /** The log position after the rows of {@code lane}, once {@link #rows} has returned. */
    long nextPosition(int lane);
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
