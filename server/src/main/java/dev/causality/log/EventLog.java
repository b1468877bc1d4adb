package dev.causality.log;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The durable, ordered log every accepted event passes through before it is acknowledged.
 *
 * <p>Positions are opaque, increasing {@code long}s: {@link #read} from a position returns the
 * records at or after it, each with the position of the record that follows it. The loader stores
 * that next position in the warehouse transaction that writes the record's row, which is what makes
 * loading exactly-once.
 */
public interface EventLog extends AutoCloseable {

  /**
   * Appends the payloads as consecutive records. The future completes only once all of them are
   * durable, or fails with {@link LogUnavailableException} when they cannot be made durable; in
   * that case none of them will ever be read.
   */
  CompletableFuture<Void> append(List<byte[]> payloads);

  /**
   * Durable records from {@code position} on, at most {@code maxBytes} of payload (at least one).
   */
  List<LogRecord> read(long position, int maxBytes);

  /** The position after the last durable record. */
  long end();

  /** The position of the first record still kept. */
  long start();

  /** Blocks until {@link #end()} exceeds {@code position} or the timeout passes. */
  void awaitBeyond(long position, long timeoutMillis) throws InterruptedException;

  /** Allows records before {@code position} to be deleted; they have been loaded. */
  void release(long position);

  /** Whether the last attempt to write succeeded; false after a disk-full or fsync error. */
  boolean writable();

  /** Bytes currently held on disk. */
  long sizeBytes();

  @Override
  void close();
}
