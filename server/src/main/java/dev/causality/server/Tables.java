package dev.causality.server;

import java.io.PrintWriter;
import java.util.List;

/** Plain-text output of rows for the command line: aligned tables and CSV. */
final class Tables {
  private Tables() {}

  static void print(PrintWriter out, List<String> columns, List<List<Object>> rows) {
    int[] width = new int[columns.size()];
    for (int i = 0; i < width.length; i++) {
      width[i] = columns.get(i).length();
      for (List<Object> row : rows) {
        width[i] = Math.max(width[i], cell(row.get(i)).length());
      }
    }
    line(out, columns.stream().map(c -> (Object) c).toList(), width);
    StringBuilder sep = new StringBuilder();
    for (int i = 0; i < width.length; i++) {
      sep.append(i == 0 ? "" : "-+-").append("-".repeat(width[i]));
    }
    out.println(sep);
    for (List<Object> row : rows) {
      line(out, row, width);
    }
    out.println("(" + rows.size() + (rows.size() == 1 ? " row)" : " rows)"));
  }

  private static void line(PrintWriter out, List<Object> cells, int[] width) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < width.length; i++) {
      String c = cell(cells.get(i));
      sb.append(i == 0 ? "" : " | ").append(c).append(" ".repeat(width[i] - c.length()));
    }
    out.println(sb.toString().stripTrailing());
  }

  static void csv(PrintWriter out, List<String> columns, List<List<Object>> rows) {
    out.println(String.join(",", columns.stream().map(Tables::quote).toList()));
    for (List<Object> row : rows) {
      out.println(
          String.join(",", row.stream().map(v -> v == null ? "" : quote(v.toString())).toList()));
    }
  }

  private static String quote(String s) {
    if (s.contains(",") || s.contains("\"") || s.contains("\n")) {
      return '"' + s.replace("\"", "\"\"") + '"';
    }
    return s;
  }

  private static String cell(Object v) {
    return v == null ? "NULL" : v.toString();
  }
}
