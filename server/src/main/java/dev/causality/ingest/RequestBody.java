package dev.causality.ingest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads a request body whatever its framing: chunked or not, gzip by header or by magic bytes. The
 * size limit counts decompressed bytes as they stream in, so a gzip bomb stops at the limit.
 */
final class RequestBody {
  private RequestBody() {}

  static byte[] read(InputStream raw, String contentEncoding, int maxBytes) {
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
      return readLimited(body, maxBytes, gzip);
    } catch (ZipException e) {
      throw IngestException.badRequest("body is not valid gzip: " + e.getMessage());
    } catch (java.io.EOFException e) {
      throw IngestException.badRequest("body ended early (truncated gzip or connection closed)");
    } catch (IOException e) {
      throw new IngestException(
          400, "invalid_request", "cannot read the request body: " + e.getMessage());
    }
  }

  private static byte[] readLimited(InputStream in, int maxBytes, boolean gzip) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(maxBytes, 64 * 1024));
    byte[] buf = new byte[16 * 1024];
    long total = 0;
    int n;
    while ((n = in.read(buf)) > 0) {
      total += n;
      if (total > maxBytes) {
        throw IngestException.tooLarge(
            "request body exceeds "
                + maxBytes
                + " bytes"
                + (gzip ? " after decompression" : "")
                + " (limit: max request size, CAUSALITY_MAX_REQUEST_BYTES)");
      }
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }
}
