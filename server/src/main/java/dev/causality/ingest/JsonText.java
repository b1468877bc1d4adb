package dev.causality.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/**
 * A parsed JSON tree written back as text, the way Jackson writes it (same escapes, same number
 * forms), without databind's per-call writer set-up, which profiling found among the largest costs
 * of ingesting an event (three trees per event).
 */
final class JsonText {
  /** Past this depth the tree is left to Jackson, whose writer does not recurse. */
  private static final int MAX_DEPTH = 100;

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private JsonText() {}

  /**
   * The text of {@code node}, written in {@code scratch} (emptied first): a builder used for every
   * tree of a request grows once, where one per tree grew for each (docs/benchmarks.md).
   */
  static String of(JsonNode node, StringBuilder scratch) {
    if (node.isObject() && node.isEmpty()) {
      return "{}"; // traits and properties often are
    }
    scratch.setLength(0);
    if (!write(node, scratch, 0)) {
      return node.toString();
    }
    return scratch.toString();
  }

  /** Returns false when the tree is too deep to write here. */
  private static boolean write(JsonNode n, StringBuilder out, int depth) {
    if (depth > MAX_DEPTH) {
      return false;
    }
    switch (n.getNodeType()) {
      case OBJECT -> {
        out.append('{');
        boolean first = true;
        Iterator<Map.Entry<String, JsonNode>> fields = n.fields();
        while (fields.hasNext()) {
          Map.Entry<String, JsonNode> f = fields.next();
          if (!first) {
            out.append(',');
          }
          first = false;
          string(f.getKey(), out);
          out.append(':');
          if (!write(f.getValue(), out, depth + 1)) {
            return false;
          }
        }
        out.append('}');
      }
      case ARRAY -> {
        out.append('[');
        for (int i = 0; i < n.size(); i++) {
          if (i > 0) {
            out.append(',');
          }
          if (!write(n.get(i), out, depth + 1)) {
            return false;
          }
        }
        out.append(']');
      }
      case STRING -> string(n.textValue(), out);
      case NUMBER, BOOLEAN -> out.append(n.asText());
      case NULL -> out.append("null");
      default -> out.append(n.toString());
    }
    return true;
  }

  /** A JSON string with Jackson's escapes: quote, backslash, and control characters. */
  private static void string(String s, StringBuilder out) {
    out.append('"');
    int from = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c != '"' && c != '\\') {
        continue;
      }
      out.append(s, from, i);
      from = i + 1;
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\b' -> out.append("\\b");
        case '\t' -> out.append("\\t");
        case '\f' -> out.append("\\f");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        default -> out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
      }
    }
    out.append(s, from, s.length());
    out.append('"');
  }
}
