package dev.causality.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads a request body whatever its framing: chunked or not, gzip by header or by magic bytes. The
 * size limit counts decompressed bytes as they stream in, so a gzip bomb stops at the limit.
 */
final class RequestBody {
  /** The most allocated before any byte arrives; a body grows past it as it streams in. */
  private static final int FIRST_CHUNK = 64 * 1024;

  private RequestBody() {}

  /**
   * Reads the whole body, decompressed, failing past {@code maxBytes}. {@code declaredLength} is
   * the Content-Length header, or -1: a plain body of that length ends in an array of that size,
   * with no buffer in between and no copy at the end (a 49 KB batch of 100 events allocated 129 KB
   * before, docs/benchmarks.md); past 64 KB the array grows as the bytes arrive. The header is only
   * a hint: a body shorter or longer than it declares is read as it is.
   */
  static byte[] read(InputStream raw, String contentEncoding, int maxBytes, long declaredLength) {
    try {
      PushbackInputStream in = new PushbackInputStream(raw, 2);
      int b0 = in.read();
      if (b0 < 0) {
        return new byte[0];
      }
      int b1 = in.read();
      if (b1 >= 0) {
        in.unread(b1);
      }
      in.unread(b0);
      boolean gzip =
          (contentEncoding != null
                  && contentEncoding.toLowerCase(java.util.Locale.ROOT).contains("gzip"))
              || (b0 == 0x1f && b1 == 0x8b);
      InputStream body = gzip ? new GZIPInputStream(in, 8192) : in;
      // a gzip body's declared length is of its compressed bytes; one past the limit fails anyway
      long expected =
          !gzip && declaredLength > 0 && declaredLength <= maxBytes ? declaredLength : -1;
      return readLimited(body, maxBytes, gzip, expected);
    } catch (ZipException e) {
      throw IngestException.badRequest("body is not valid gzip: " + e.getMessage());
    } catch (java.io.EOFException e) {
      throw IngestException.badRequest("body ended early (truncated gzip or connection closed)");
    } catch (IOException e) {
      throw new IngestException(
          400, "invalid_request", "cannot read the request body: " + e.getMessage());
    }
  }

  /** {@code expected}: the declared length, within the limit, or -1. */
  private static byte[] readLimited(InputStream in, int maxBytes, boolean gzip, long expected)
      throws IOException {
    int cap = maxBytes == Integer.MAX_VALUE ? maxBytes : maxBytes + 1;
    // never more up front than the first chunk: a declared length is not memory to hand out before
    // its bytes arrive (many connections declaring the limit and sending nothing)
    byte[] buf = new byte[(int) Math.min(expected > 0 ? expected : cap, FIRST_CHUNK)];
    int n = 0;
    while (true) {
      if (n > maxBytes) {
        throw IngestException.tooLarge(
            "request body exceeds "
                + maxBytes
                + " bytes"
                + (gzip ? " after decompression" : "")
                + " (limit: max request size, CAUSALITY_MAX_REQUEST_BYTES)");
      }
      if (n == buf.length) {
        if (n == expected) {
          // the declared length is here: the body should end now
          int b = in.read();
          if (b < 0) {
            return buf;
          }
          buf = grown(buf, cap, expected);
          buf[n++] = (byte) b;
        } else {
          buf = grown(buf, cap, expected);
        }
      }
      int r = in.read(buf, n, buf.length - n);
      if (r < 0) {
        return n == buf.length ? buf : Arrays.copyOf(buf, n);
      }
      n += r;
    }
  }

  /**
   * {@code buf} doubled (at least to the first chunk, at most to {@code cap}), or grown only to
   * {@code expected} when that lies in between, so that a body of that length ends with no copy.
   */
  private static byte[] grown(byte[] buf, int cap, long expected) {
    long next = Math.min(cap, Math.max(FIRST_CHUNK, 2L * buf.length));
    if (expected > buf.length && expected < next) {
      next = expected;
    }
    return Arrays.copyOf(buf, (int) next);
  }
}
