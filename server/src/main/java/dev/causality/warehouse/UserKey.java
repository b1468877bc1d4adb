package dev.causality.warehouse;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The {@code user_key} column of {@code events}: the person behind an event, {@code
 * coalesce(user_id, anonymous_id)}, as a 64-bit number, so that queries count and join users on a
 * BIGINT instead of a string. It is the first 8 bytes of the MD5 digest of the id's UTF-8 bytes,
 * read little-endian as a signed long; {@code NULL} when the event has neither id.
 *
 * <p>The loader computes it in Java ({@link #of}); {@link #SQL} computes the same value in DuckDB,
 * for rows stored before the column existed. DuckDB's {@code md5_number_upper} is those first 8
 * bytes read little-endian as a UBIGINT (despite its name, not the high half of {@code
 * md5_number}); {@code ::BIT::BIGINT} reinterprets its 64 bits as a signed number. Two different
 * ids share a key with probability about n²/2⁶⁵ for n ids (3·10⁻⁸ for a million).
 */
final class UserKey {
  /** The key of each row in DuckDB SQL; {@code UserKeyTest} checks it against {@link #of}. */
  static final String SQL =
      "md5_number_upper(coalesce(\"user_id\", \"anonymous_id\"))::BIT::BIGINT";

  private static final VarHandle LONG_LE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private final MessageDigest md5;
  private final byte[] digest = new byte[16];

  /** A key computer; not thread-safe (the loader uses one under its lock). */
  UserKey() {
    try {
      md5 = MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has MD5", e);
    }
  }

  /** The key of the id whose UTF-8 bytes are {@code utf8[offset, offset + length)}. */
  long of(byte[] utf8, int offset, int length) {
    md5.update(utf8, offset, length);
    try {
      md5.digest(digest, 0, digest.length);
    } catch (DigestException e) {
      throw new IllegalStateException("a 16-byte buffer holds an MD5 digest", e);
    }
    return (long) LONG_LE.get(digest, 0);
  }
}
