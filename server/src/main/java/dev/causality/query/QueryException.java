package dev.causality.query;

/**
 * A query that cannot run: {@code field} names the part of the request that is wrong (a JSON
 * path such as {@code series[0].metric}), or is empty for errors of the whole query.
 * {@code code} is stable: {@code invalid_query}, {@code timeout}, {@code sql_error}, and for SQL
 * written by people {@code sql_refused} (a statement the sandbox does not run).
 */
public final class QueryException extends RuntimeException {
  private final String code;
  private final String field;
  private final int status;

  public QueryException(int status, String code, String field, String message) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
  }

  static QueryException invalid(String field, String message) {
    return new QueryException(400, "invalid_query", field, field + ": " + message);
  }

  public String code() {
    return code;
  }

  public String field() {
    return field;
  }

  public int status() {
    return status;
  }
}
