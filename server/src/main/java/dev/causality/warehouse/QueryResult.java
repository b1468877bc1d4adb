package dev.causality.warehouse;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** Columns (name and SQL type) and rows of a query; {@code truncated} when rows were cut off. */
public record QueryResult(
    List<String> columns, List<String> types, List<List<Object>> rows, boolean truncated) {
  public QueryResult {
    requireNonNull(columns, "columns is null");
    requireNonNull(types, "types is null");
    requireNonNull(rows, "rows is null");
  }
}
