package dev.causality.ingest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A writer of small MaxMind DB files (format 2.0, the {@code .mmdb} files GeoIP2 reads), for tests.
 *
 * <p>The file is a binary search tree over the bits of a 128-bit address, a 16-byte zero separator,
 * a data section and, after the marker {@code AB CD EF "MaxMind.com"}, a metadata map. Each tree
 * node is two records (bit 0, bit 1) of 24, 28 or 32 bits; a record is either another node's
 * number, {@code node_count} for "no data", or {@code node_count + 16 + offset} into the data
 * section. IPv4 networks live in the {@code ::/96} subtree, which readers find by following 96 zero
 * bits from the root; the {@code ::ffff:0:0/96} alias real databases carry is not written (Java
 * turns mapped addresses into plain IPv4 before the lookup). Values in the data section are a
 * control byte (3 type bits, 5 size bits; type 0 means "extended", the type minus 7 follows) then
 * the payload; maps, strings, doubles, floats, booleans, bytes, arrays and unsigned integers are
 * written, pointers are not (identical records are written once and shared).
 */
final class MmdbWriter {

  /**
   * An unsigned integer of the given MaxMind type: {@link #uint16}, {@link #uint32}, {@link
   * #uint64}.
   */
  record Uint(int type, int maxBytes, BigInteger value) {
    Uint {
      if (value.signum() < 0 || value.bitLength() > maxBytes * 8) {
        throw new IllegalArgumentException(
            "value " + value + " does not fit in " + maxBytes + " unsigned bytes");
      }
    }
  }

  static Uint uint16(int v) {
    return new Uint(UINT16, 2, BigInteger.valueOf(v));
  }

  static Uint uint32(long v) {
    return new Uint(UINT32, 4, BigInteger.valueOf(v));
  }

  static Uint uint64(long v) {
    return new Uint(UINT64, 8, BigInteger.valueOf(v));
  }

  private static final int UTF8_STRING = 2;
  private static final int DOUBLE = 3;
  private static final int BYTES = 4;
  private static final int UINT16 = 5;
  private static final int UINT32 = 6;
  private static final int MAP = 7;
  private static final int UINT64 = 9;
  private static final int ARRAY = 11;
  private static final int BOOLEAN = 14;
  private static final int FLOAT = 15;

  private static final byte[] METADATA_MARKER = {
    (byte) 0xAB, (byte) 0xCD, (byte) 0xEF, 'M', 'a', 'x', 'M', 'i', 'n', 'd', '.', 'c', 'o', 'm'
  };

  /** A tree node; each child is {@code null} (no data), a {@link Node} or a {@link Leaf}. */
  private static final class Node {
    final Object[] children = new Object[2];
  }

  private record Leaf(Object data) {}

  private final Node root = new Node();
  private final String databaseType;
  private final List<String> languages;
  private int recordSize = 28;
  private Instant buildTime = Instant.parse("2026-01-01T00:00:00Z");

  MmdbWriter(String databaseType, List<String> languages) {
    this.databaseType = databaseType;
    this.languages = List.copyOf(languages);
  }

  /** 24, 28 (the default) or 32 bits per record. */
  MmdbWriter recordSize(int bits) {
    if (bits != 24 && bits != 28 && bits != 32) {
      throw new IllegalArgumentException("record size must be 24, 28 or 32, was " + bits);
    }
    this.recordSize = bits;
    return this;
  }

  MmdbWriter buildTime(Instant t) {
    this.buildTime = t;
    return this;
  }

  /**
   * Maps every address of {@code cidr} (such as {@code 203.0.113.0/24} or {@code 2001:db8::/48}) to
   * {@code data}. A network inside one inserted before takes precedence over it for its addresses;
   * inserting a network that covers one inserted before is refused.
   */
  MmdbWriter insert(String cidr, Map<String, ?> data) {
    int slash = cidr.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("network must be address/prefix, was " + cidr);
    }
    byte[] address;
    try {
      address =
          InetAddress.getByName(cidr.substring(0, slash)).getAddress(); // literals only in tests
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IP address: " + cidr, e);
    }
    int prefix = Integer.parseInt(cidr.substring(slash + 1));
    if (prefix < 1 || prefix > address.length * 8) {
      throw new IllegalArgumentException("prefix length out of range in " + cidr);
    }
    byte[] bits = new byte[16];
    System.arraycopy(address, 0, bits, 16 - address.length, address.length);
    int depth = prefix + (16 - address.length) * 8;

    Leaf leaf = new Leaf(data);
    Node node = root;
    for (int i = 0; i < depth; i++) {
      int bit = bit(bits, i);
      Object child = node.children[bit];
      if (i == depth - 1) {
        if (child instanceof Node) {
          throw new IllegalArgumentException(
              cidr + " covers a network inserted before; insert it first");
        }
        node.children[bit] = leaf;
      } else if (child instanceof Node next) {
        node = next;
      } else {
        Node next = new Node(); // split a covering network (or nothing) into two halves
        next.children[0] = child;
        next.children[1] = child;
        node.children[bit] = next;
        node = next;
      }
    }
    return this;
  }

  private static int bit(byte[] address, int i) {
    return (address[i / 8] >> (7 - i % 8)) & 1;
  }

  Path write(Path file) {
    try {
      return Files.write(file, toBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  byte[] toBytes() {
    List<Node> nodes = new ArrayList<>();
    Map<Node, Integer> numbers = new IdentityHashMap<>();
    ArrayDeque<Node> queue = new ArrayDeque<>(List.of(root));
    while (!queue.isEmpty()) {
      Node n = queue.removeFirst();
      numbers.put(n, nodes.size());
      nodes.add(n);
      for (Object c : n.children) {
        if (c instanceof Node child) {
          queue.addLast(child);
        }
      }
    }
    long nodeCount = nodes.size();

    ByteArrayOutputStream data = new ByteArrayOutputStream();
    Map<Object, Integer> offsets = new HashMap<>();
    ByteArrayOutputStream tree = new ByteArrayOutputStream();
    for (Node n : nodes) {
      long[] records = new long[2];
      for (int side = 0; side < 2; side++) {
        Object c = n.children[side];
        records[side] =
            switch (c) {
              case null -> nodeCount;
              case Node child -> numbers.get(child);
              case Leaf leaf ->
                  nodeCount + 16 + offsets.computeIfAbsent(leaf.data(), d -> encodeInto(data, d));
              default -> throw new IllegalStateException("unexpected tree child " + c);
            };
        if (records[side] >= 1L << recordSize) {
          throw new IllegalStateException(
              "record " + records[side] + " does not fit in " + recordSize + " bits");
        }
      }
      writeNode(tree, records[0], records[1]);
    }

    Map<String, Object> description = new LinkedHashMap<>();
    description.put("en", "Causality test database");
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("node_count", uint32(nodeCount));
    metadata.put("record_size", uint16(recordSize));
    metadata.put("ip_version", uint16(6));
    metadata.put("database_type", databaseType);
    metadata.put("languages", languages);
    metadata.put("binary_format_major_version", uint16(2));
    metadata.put("binary_format_minor_version", uint16(0));
    metadata.put("build_epoch", uint64(buildTime.getEpochSecond()));
    metadata.put("description", description);

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(tree.toByteArray());
    out.writeBytes(new byte[16]);
    out.writeBytes(data.toByteArray());
    out.writeBytes(METADATA_MARKER);
    encode(out, metadata);
    return out.toByteArray();
  }

  private void writeNode(ByteArrayOutputStream tree, long left, long right) {
    switch (recordSize) {
      case 24 -> {
        writeBigEndian(tree, left, 3);
        writeBigEndian(tree, right, 3);
      }
      case 28 -> {
        writeBigEndian(tree, left & 0xFFFFFF, 3);
        tree.write((int) (((left >> 24) & 0x0F) << 4 | ((right >> 24) & 0x0F)));
        writeBigEndian(tree, right & 0xFFFFFF, 3);
      }
      case 32 -> {
        writeBigEndian(tree, left, 4);
        writeBigEndian(tree, right, 4);
      }
      default -> throw new IllegalStateException("record size " + recordSize);
    }
  }

  private static void writeBigEndian(ByteArrayOutputStream out, long v, int bytes) {
    for (int i = bytes - 1; i >= 0; i--) {
      out.write((int) (v >> (8 * i)));
    }
  }

  private static int encodeInto(ByteArrayOutputStream data, Object value) {
    int offset = data.size();
    encode(data, value);
    return offset;
  }

  private static void encode(ByteArrayOutputStream out, Object value) {
    switch (value) {
      case String s -> {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        control(out, UTF8_STRING, b.length);
        out.writeBytes(b);
      }
      case Double d -> {
        control(out, DOUBLE, 8);
        out.writeBytes(ByteBuffer.allocate(8).putDouble(d).array());
      }
      case Float f -> {
        control(out, FLOAT, 4);
        out.writeBytes(ByteBuffer.allocate(4).putFloat(f).array());
      }
      case Boolean b -> control(out, BOOLEAN, b ? 1 : 0);
      case byte[] b -> {
        control(out, BYTES, b.length);
        out.writeBytes(b);
      }
      case Uint u -> {
        byte[] b = unsignedBytes(u.value());
        control(out, u.type(), b.length);
        out.writeBytes(b);
      }
      case Map<?, ?> m -> {
        control(out, MAP, m.size());
        for (Map.Entry<?, ?> e : m.entrySet()) {
          if (!(e.getKey() instanceof String key)) {
            throw new IllegalArgumentException("map keys must be strings, was " + e.getKey());
          }
          encode(out, key);
          encode(out, e.getValue());
        }
      }
      case List<?> l -> {
        control(out, ARRAY, l.size());
        for (Object element : l) {
          encode(out, element);
        }
      }
      default ->
          throw new IllegalArgumentException(
              "cannot write "
                  + value.getClass().getName()
                  + " ("
                  + value
                  + "); wrap integers in uint16/uint32/uint64");
    }
  }

  /** The big-endian bytes of {@code v} without leading zeros; none for zero. */
  private static byte[] unsignedBytes(BigInteger v) {
    byte[] b = v.toByteArray();
    int skip = 0;
    while (skip < b.length && b[skip] == 0) {
      skip++;
    }
    byte[] r = new byte[b.length - skip];
    System.arraycopy(b, skip, r, 0, r.length);
    return r;
  }

  /**
   * The control byte(s): type in the top 3 bits (0 = extended), size in the low 5 with 29-31
   * escaping longer sizes.
   */
  private static void control(ByteArrayOutputStream out, int type, int size) {
    int sizeBits;
    byte[] sizeBytes;
    if (size < 29) {
      sizeBits = size;
      sizeBytes = new byte[0];
    } else if (size < 29 + 256) {
      sizeBits = 29;
      sizeBytes = new byte[] {(byte) (size - 29)};
    } else if (size < 285 + 65_536) {
      sizeBits = 30;
      sizeBytes = new byte[] {(byte) ((size - 285) >> 8), (byte) (size - 285)};
    } else if (size < 65_821 + (1 << 24)) {
      sizeBits = 31;
      int s = size - 65_821;
      sizeBytes = new byte[] {(byte) (s >> 16), (byte) (s >> 8), (byte) s};
    } else {
      throw new IllegalArgumentException("size " + size + " too large");
    }
    out.write((type <= 7 ? type : 0) << 5 | sizeBits);
    if (type > 7) {
      out.write(type - 7);
    }
    out.writeBytes(sizeBytes);
  }
}
