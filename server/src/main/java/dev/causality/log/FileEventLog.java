package dev.causality.log;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The embedded {@link EventLog}: append-only segment files on local disk with group commit. */
public final class FileEventLog implements EventLog {
  /*
   * Implementation note. A record is framed as [magic 0xCA][int length][int crc32c(payload)]
   * [payload]; its position is its byte offset in the whole log, and a segment file is named by
   * the position of its first byte. One writer thread owns the active segment. Appenders enqueue
   * their payloads and wait; the writer takes every append that is waiting (group commit),
   * writes them with positional writes (1 MB at a time), forces the file once, and only then
   * advances `durableEnd` and completes their futures. Readers never look at or past `durableEnd`,
   * so nothing that a crash could still take away is ever loaded. A failed write or force truncates
   * the segment back to `durableEnd` and fails the whole group: a record is either durable and
   * acknowledged or gone. While the log is not writable and no append is waiting, the writer probes
   * the disk about once a second by forcing a scratch file of a few pages next to the segments, so
   * that readiness turns good again when space returns even if no client is sending. On open, the
   * active segment is scanned and cut at the first record that fails its framing or checksum (a
   * torn tail: bytes written after the last completed force, never acknowledged); the cut bytes
   * are kept in `quarantine/` and reported, never dropped silently.
   */

  static final byte MAGIC = (byte) 0xCA;
  static final int HEADER_BYTES = 9;

  /** The least a read asks the file for at once (records are read in windows, not one by one). */
  private static final int WINDOW_BYTES = 64 * 1024;

  static final int MAX_RECORD_BYTES = 64 * 1024 * 1024;

  private static final int WRITE_BUFFER_BYTES = 1024 * 1024;

  /** A read window larger than this (a read of more than the loader's chunks) is not kept. */
  private static final int MAX_SPARE_WINDOW_BYTES = 8 * 1024 * 1024;

  static final String PROBE_FILE = "write-probe.tmp";
  private static final int PROBE_BYTES = 64 * 1024;
  private static final long PROBE_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

  private static final Logger LOG = LoggerFactory.getLogger(FileEventLog.class);

  private final Path dir;
  private final long segmentBytes;
  private final ConcurrentSkipListMap<Long, Path> segments = new ConcurrentSkipListMap<>();
  private final Map<Long, FileChannel> readers = new ConcurrentHashMap<>();
  private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final Object durableMonitor = new Object();
  private final Thread writer;

  private FileChannel active;
  private long activeBase;
  private volatile long durableEnd;
  private volatile boolean writable = true;
  private volatile boolean closed;
  private volatile long tornBytesRecovered;

  private record Pending(List<byte[]> payloads, CompletableFuture<Void> done) {}

  /**
   * The writer thread's buffer, direct so that a write hands the kernel its bytes without the JDK's
   * copy into a temporary direct buffer (which it also keeps per thread, as large as the largest
   * group ever written). A group larger than it is written in parts before the one force.
   */
  private final ByteBuffer writeBuffer = ByteBuffer.allocateDirect(WRITE_BUFFER_BYTES);

  /** The last read's window, kept for the next read (one reader at a time takes it). */
  private final AtomicReference<ByteBuffer> spareWindow = new AtomicReference<>();

  private FileEventLog(Path dir, long segmentBytes) {
    this.dir = dir;
    this.segmentBytes = segmentBytes;
    this.writer = Thread.ofPlatform().name("log-writer").daemon(false).unstarted(this::writeLoop);
  }

  /** Opens (creating if needed) the log in {@code dir}, recovering from an unclean stop. */
  public static FileEventLog open(Path dir, long segmentBytes) {
    requireNonNull(dir, "dir is null");
    if (segmentBytes < 1024) {
      throw new IllegalArgumentException("segmentBytes must be at least 1024, was " + segmentBytes);
    }
    FileEventLog log = new FileEventLog(dir, segmentBytes);
    try {
      log.recover();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open event log in " + dir, e);
    }
    log.writer.start();
    return log;
  }

  private void recover() throws IOException {
    Files.createDirectories(dir);
    try (Stream<Path> files = Files.list(dir)) {
      files
          .filter(p -> p.getFileName().toString().matches("\\d{20}\\.log"))
          .forEach(p -> segments.put(baseOf(p), p));
    }
    if (segments.isEmpty()) {
      segments.put(0L, createSegment(0L));
    }
    activeBase = segments.lastKey();
    active =
        FileChannel.open(
            segments.get(activeBase), StandardOpenOption.READ, StandardOpenOption.WRITE);
    long valid = scanValidPrefix(active);
    long size = active.size();
    if (valid < size) {
      quarantine(active, valid, size);
      active.truncate(valid);
      active.force(true);
      tornBytesRecovered = size - valid;
    }
    durableEnd = activeBase + valid;
  }

  private void quarantine(FileChannel channel, long from, long to) throws IOException {
    Path q = dir.resolve("quarantine");
    Files.createDirectories(q);
    Path target =
        q.resolve(String.format("%020d-%d.torn", activeBase + from, System.currentTimeMillis()));
    ByteBuffer buf = ByteBuffer.allocate((int) Math.min(to - from, Integer.MAX_VALUE - 16));
    channel.read(buf, from);
    buf.flip();
    try (FileChannel out =
        FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      out.write(buf);
      out.force(true);
    }
    LOG.warn(
        "event log: cut a torn tail of {} bytes at position {} in {}; the bytes were written after"
            + " the last completed fsync, so none of them was acknowledged; copy kept in {}",
        to - from,
        activeBase + from,
        segments.get(activeBase).getFileName(),
        target);
  }

  /** Length of the prefix of {@code channel} made of whole, checksummed records. */
  static long scanValidPrefix(FileChannel channel) throws IOException {
    long size = channel.size();
    long offset = 0;
    ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
    while (offset + HEADER_BYTES <= size) {
      header.clear();
      readFully(channel, header, offset);
      header.flip();
      if (header.get() != MAGIC) {
        return offset;
      }
      int length = header.getInt();
      int crc = header.getInt();
      if (length < 0 || length > MAX_RECORD_BYTES || offset + HEADER_BYTES + length > size) {
        return offset;
      }
      ByteBuffer payload = ByteBuffer.allocate(length);
      readFully(channel, payload, offset + HEADER_BYTES);
      if (crc32c(payload.array()) != crc) {
        return offset;
      }
      offset += HEADER_BYTES + length;
    }
    return offset;
  }

  /** Bytes cut from the tail when the log was opened (0 after a clean stop). */
  public long tornBytesRecovered() {
    return tornBytesRecovered;
  }

  @Override
  public CompletableFuture<Void> append(List<byte[]> payloads) {
    requireNonNull(payloads, "payloads is null");
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (payloads.isEmpty()) {
      done.complete(null);
      return done;
    }
    for (byte[] p : payloads) {
      if (p.length > MAX_RECORD_BYTES) {
        done.completeExceptionally(
            new IllegalArgumentException(
                "record of " + p.length + " bytes exceeds " + MAX_RECORD_BYTES));
        return done;
      }
    }
    if (closed) {
      done.completeExceptionally(new LogUnavailableException("event log is closed", null));
      return done;
    }
    queue.add(new Pending(payloads, done));
    return done;
  }

  private void writeLoop() {
    List<Pending> group = new ArrayList<>();
    long lastProbe = System.nanoTime();
    while (true) {
      try {
        Pending first = queue.poll(50, TimeUnit.MILLISECONDS);
        if (first == null) {
          if (closed && queue.isEmpty()) {
            return;
          }
          if (!writable && System.nanoTime() - lastProbe >= PROBE_INTERVAL_NANOS) {
            lastProbe = System.nanoTime();
            probe();
          }
          continue;
        }
        group.add(first);
        queue.drainTo(group);
        writeGroup(group);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        LOG.error("event log writer failed", e);
        for (Pending p : group) {
          p.done.completeExceptionally(new LogUnavailableException("event log writer failed", e));
        }
      } finally {
        group.clear();
      }
    }
  }

  private void writeGroup(List<Pending> group) {
    CRC32C crc = new CRC32C();
    long offset = durableEnd - activeBase;
    try {
      ByteBuffer buf = writeBuffer.clear();
      for (Pending p : group) {
        for (byte[] payload : p.payloads) {
          int framed = HEADER_BYTES + payload.length;
          if (buf.remaining() < framed) {
            offset = writeFully(buf, offset);
          }
          if (buf.remaining() < framed) {
            // larger than the whole buffer: written from one of its own
            offset = writeFully(frame(ByteBuffer.allocate(framed), payload, crc), offset);
          } else {
            frame(buf, payload, crc);
          }
        }
      }
      offset = writeFully(buf, offset);
      active.force(false);
    } catch (IOException e) {
      if (writable) {
        LOG.warn(
            "event log: cannot make {} records durable, answering 503 until a write succeeds: {}",
            group.stream().mapToInt(p -> p.payloads.size()).sum(),
            e.toString());
      }
      writable = false;
      try {
        active.truncate(durableEnd - activeBase);
      } catch (IOException ignored) {
        // the next successful group writes over the same offsets; readers stop at durableEnd
      }
      LogUnavailableException failure =
          new LogUnavailableException("cannot make events durable: " + e.getMessage(), e);
      for (Pending p : group) {
        p.done.completeExceptionally(failure);
      }
      return;
    }
    if (!writable) {
      LOG.info("event log: writable again at position {}", durableEnd);
    }
    writable = true;
    synchronized (durableMonitor) {
      durableEnd = activeBase + offset;
      durableMonitor.notifyAll();
    }
    for (Pending p : group) {
      p.done.complete(null);
    }
    if (offset >= segmentBytes) {
      roll();
    }
  }

  /** Whether a write of a few pages can be made durable now; marks the log writable if so. */
  private void probe() {
    Path probe = dir.resolve(PROBE_FILE);
    try {
      try (FileChannel ch =
          FileChannel.open(
              probe,
              StandardOpenOption.CREATE,
              StandardOpenOption.TRUNCATE_EXISTING,
              StandardOpenOption.WRITE)) {
        ByteBuffer zeros = ByteBuffer.allocate(PROBE_BYTES);
        while (zeros.hasRemaining()) {
          ch.write(zeros);
        }
        ch.force(false);
      }
      LOG.info("event log: a probe write succeeded; writable again at position {}", durableEnd);
      writable = true;
    } catch (IOException e) {
      // still full or failing; the next probe or append tries again
    } finally {
      try {
        Files.deleteIfExists(probe);
      } catch (IOException ignored) {
        // a leftover probe file is overwritten by the next probe and never read
      }
    }
  }

  private void roll() {
    long base = durableEnd;
    try {
      Path path = createSegment(base);
      FileChannel next = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
      segments.put(base, path);
      FileChannel previous = active;
      active = next;
      activeBase = base;
      previous.close();
    } catch (IOException e) {
      // keep writing into the current segment; rolling is retried after the next group
      LOG.warn("event log: cannot roll to a new segment at {}: {}", base, e.toString());
    }
  }

  private Path createSegment(long base) throws IOException {
    Path path = dir.resolve(String.format("%020d.log", base));
    Files.createFile(path);
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // some file systems cannot fsync a directory; the segment itself is forced on every write
    }
    return path;
  }

  @Override
  public List<LogRecord> read(long position, int maxBytes) {
    long end = durableEnd;
    List<LogRecord> out = new ArrayList<>();
    if (position >= end) {
      return out;
    }
    if (position < start()) {
      throw new IllegalArgumentException(
          "position " + position + " is before the start of the log " + start());
    }
    long read = 0;
    long pos = position;
    // one window for the whole read, direct (a read into a heap buffer goes through a temporary
    // direct one and a copy), taken from the last read and given back for the next
    ByteBuffer window = spareWindow.getAndSet(null);
    try {
      while (pos < end && (out.isEmpty() || read < maxBytes)) {
        Map.Entry<Long, Path> seg = segments.floorEntry(pos);
        FileChannel ch = reader(seg.getKey(), seg.getValue());
        long segEnd = segmentEnd(seg.getKey(), ch, end);
        if (pos >= segEnd) {
          Long nextBase = segments.higherKey(seg.getKey());
          if (nextBase == null || nextBase != pos) {
            throw corrupt(seg.getValue(), pos - seg.getKey(), "no record starts here");
          }
          continue;
        }
        // One read for many records: the rest of the request (at least a small window), cut at the
        // segment's end; a record longer than the window is read on its own below.
        long wanted = Math.max(WINDOW_BYTES, maxBytes - read + HEADER_BYTES);
        int size = (int) Math.min(segEnd - pos, Math.min(wanted, Integer.MAX_VALUE - 16));
        if (window == null || window.capacity() < size) {
          window = ByteBuffer.allocateDirect(size);
        }
        window.clear().limit(size);
        long windowStart = pos;
        readFully(ch, window, pos - seg.getKey());
        while (pos < segEnd && (out.isEmpty() || read < maxBytes)) {
          int at = (int) (pos - windowStart);
          long local = pos - seg.getKey();
          if (at + HEADER_BYTES > size) {
            break; // the header runs past the window: the next window starts here
          }
          byte magic = window.get(at);
          int length = window.getInt(at + 1);
          int crc = window.getInt(at + 5);
          if (magic != MAGIC
              || length < 0
              || length > MAX_RECORD_BYTES
              || pos + HEADER_BYTES + length > segEnd) {
            throw corrupt(seg.getValue(), local, "bad record header");
          }
          byte[] payload;
          if (at + HEADER_BYTES + length <= size) {
            payload = new byte[length];
            window.get(at + HEADER_BYTES, payload);
          } else if (at == 0) {
            payload = new byte[length];
            readFully(ch, ByteBuffer.wrap(payload), local + HEADER_BYTES);
          } else {
            break; // the record runs past the window: the next window starts here
          }
          if (crc32c(payload) != crc) {
            throw corrupt(seg.getValue(), local, "checksum mismatch");
          }
          long next = pos + HEADER_BYTES + length;
          out.add(new LogRecord(pos, next, payload));
          read += length;
          pos = next;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read event log at position " + pos, e);
    } finally {
      if (window != null && window.capacity() <= MAX_SPARE_WINDOW_BYTES) {
        spareWindow.set(window);
      }
    }
    return out;
  }

  private long segmentEnd(long base, FileChannel ch, long end) throws IOException {
    Long nextBase = segments.higherKey(base);
    return nextBase == null ? end : Math.min(end, base + ch.size());
  }

  private FileChannel reader(long base, Path path) throws IOException {
    FileChannel ch = readers.get(base);
    if (ch == null) {
      ch = FileChannel.open(path, StandardOpenOption.READ);
      FileChannel raced = readers.putIfAbsent(base, ch);
      if (raced != null) {
        ch.close();
        ch = raced;
      }
    }
    return ch;
  }

  private static CorruptLogException corrupt(Path segment, long offset, String why) {
    return new CorruptLogException(
        "event log segment "
            + segment
            + " is corrupt at offset "
            + offset
            + " ("
            + why
            + "); refusing to skip it. Stop the server, copy the segment aside for inspection and"
            + " restore it from a backup, or truncate it at that offset to accept the loss.");
  }

  @Override
  public long end() {
    return durableEnd;
  }

  @Override
  public long start() {
    return segments.firstKey();
  }

  @Override
  public void awaitBeyond(long position, long timeoutMillis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    synchronized (durableMonitor) {
      while (durableEnd <= position) {
        long waitMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (waitMs <= 0) {
          return;
        }
        durableMonitor.wait(waitMs);
      }
    }
  }

  @Override
  public void release(long position) {
    while (true) {
      Map.Entry<Long, Path> first = segments.firstEntry();
      Long nextBase = segments.higherKey(first.getKey());
      if (nextBase == null || nextBase > position) {
        return;
      }
      segments.remove(first.getKey());
      FileChannel ch = readers.remove(first.getKey());
      try {
        if (ch != null) {
          ch.close();
        }
        Files.deleteIfExists(first.getValue());
      } catch (IOException e) {
        LOG.warn("event log: cannot delete loaded segment {}: {}", first.getValue(), e.toString());
      }
    }
  }

  @Override
  public boolean writable() {
    return writable && !closed;
  }

  @Override
  public long sizeBytes() {
    return durableEnd - start();
  }

  /** Stops accepting appends, writes what is queued, and closes the files. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      writer.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      active.close();
      for (FileChannel ch : readers.values()) {
        ch.close();
      }
    } catch (IOException e) {
      LOG.warn("event log: error while closing: {}", e.toString());
    }
  }

  private static long baseOf(Path p) {
    String name = p.getFileName().toString();
    return Long.parseLong(name.substring(0, name.length() - ".log".length()));
  }

  private static int crc32c(byte[] bytes) {
    CRC32C crc = new CRC32C();
    crc.update(bytes);
    return (int) crc.getValue();
  }

  private static ByteBuffer frame(ByteBuffer into, byte[] payload, CRC32C crc) {
    crc.reset();
    crc.update(payload);
    return into.put(MAGIC).putInt(payload.length).putInt((int) crc.getValue()).put(payload);
  }

  /** Writes what {@code buf} holds at {@code offset} of the active segment; returns the new end. */
  private long writeFully(ByteBuffer buf, long offset) throws IOException {
    buf.flip();
    while (buf.hasRemaining()) {
      offset += active.write(buf, offset);
    }
    buf.clear();
    return offset;
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long offset) throws IOException {
    long at = offset;
    while (buf.hasRemaining()) {
      int n = ch.read(buf, at);
      if (n < 0) {
        throw new IOException("unexpected end of file at offset " + at);
      }
      at += n;
    }
  }
}
