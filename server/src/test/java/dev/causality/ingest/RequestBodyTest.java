package dev.causality.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class RequestBodyTest {
  private static final int MAX = 100_000;

  /** Hands out at most {@code step} bytes per read, as a socket does. */
  private static InputStream trickle(byte[] b, int step) {
    return new ByteArrayInputStream(b) {
      @Override
      public synchronized int read(byte[] dst, int off, int len) {
        return super.read(dst, off, Math.min(len, step));
      }
    };
  }

  private static byte[] bytes(int n) {
    byte[] b = new byte[n];
    new SplittableRandom(n).nextBytes(b);
    b[0] = '{'; // not gzip's magic bytes
    return b;
  }

  private static byte[] gzip(byte[] b) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(b);
    }
    return out.toByteArray();
  }

  @Test
  void aBodyOfItsDeclaredLengthIsReadWhole() {
    for (int n : new int[] {1, 2, 3, 4_096, 49_000, 65_536, 70_000, MAX}) {
      byte[] body = bytes(n);
      assertThat(RequestBody.read(trickle(body, 1_000), null, MAX, n)).isEqualTo(body);
    }
  }

  @Test
  void theDeclaredLengthIsOnlyAHint() {
    byte[] body = bytes(70_000);
    // declared shorter, longer, unknown, zero: the body is what arrives
    for (long declared : new long[] {10, 69_999, 70_001, 90_000, -1, 0}) {
      assertThat(RequestBody.read(trickle(body, 777), null, MAX, declared))
          .as("declared %d", declared)
          .isEqualTo(body);
    }
  }

  @Test
  void aBodyPastTheLimitIsRefusedWhateverItDeclares() {
    byte[] body = bytes(MAX + 1);
    for (long declared : new long[] {MAX + 1, MAX, 10, -1, 10L * MAX}) {
      assertThatThrownBy(() -> RequestBody.read(trickle(body, 4_000), null, MAX, declared))
          .as("declared %d", declared)
          .isInstanceOfSatisfying(
              IngestException.class,
              e -> {
                assertThat(e.status()).isEqualTo(413);
                assertThat(e.getMessage())
                    .isEqualTo(
                        "request body exceeds 100000 bytes (limit: max request size,"
                            + " CAUSALITY_MAX_REQUEST_BYTES)");
              });
    }
  }

  @Test
  void gzipIsDecompressedAndItsDeclaredLengthIgnored() throws IOException {
    byte[] body = bytes(80_000);
    byte[] z = gzip(body);
    assertThat(RequestBody.read(trickle(z, 500), "gzip", MAX, z.length)).isEqualTo(body);
    // by magic bytes, without the header
    assertThat(RequestBody.read(trickle(z, 500), null, MAX, z.length)).isEqualTo(body);
  }

  @Test
  void aGzipBombStopsAtTheLimit() throws IOException {
    byte[] z = gzip(new byte[50 * MAX]);
    assertThatThrownBy(() -> RequestBody.read(new ByteArrayInputStream(z), "gzip", MAX, z.length))
        .isInstanceOfSatisfying(
            IngestException.class,
            e -> {
              assertThat(e.status()).isEqualTo(413);
              assertThat(e.getMessage()).contains("after decompression");
            });
  }

  @Test
  void aDeclaredLengthIsNotAllocatedBeforeItsBytesArrive() {
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().threadId();
    byte[] body = bytes(100);
    RequestBody.read(trickle(body, 10), null, 5_000_000, 5_000_000); // warm up
    long before = threads.getThreadAllocatedBytes(thread);
    assertThat(RequestBody.read(trickle(body, 10), null, 5_000_000, 5_000_000)).isEqualTo(body);
    long allocated = threads.getThreadAllocatedBytes(thread) - before;
    assertThat(allocated)
        .as("bytes allocated for a 100-byte body declaring 5 MB")
        .isLessThan(200_000);
  }

  @Test
  void aBodyLargerThanTheFirstChunkEndsOnItsDeclaredLength() {
    for (int n : new int[] {65_537, 131_072, 200_003, 4 * 65_536 + 1}) {
      byte[] body = bytes(n);
      assertThat(RequestBody.read(trickle(body, 8_192), null, 1_000_000, n)).isEqualTo(body);
    }
  }

  @Test
  void anEmptyBodyIsEmpty() {
    assertThat(RequestBody.read(new ByteArrayInputStream(new byte[0]), null, MAX, 0)).isEmpty();
    assertThat(RequestBody.read(new ByteArrayInputStream(new byte[0]), null, MAX, 500)).isEmpty();
  }
}
