package dev.causality.query;

import dev.causality.http.ApiException;

/**
 * A query that cannot run: {@code field} names the part of the request that is wrong (a JSON path
 * such as {@code series[0].metric}), or is empty for errors of the whole query. {@code code} is
 * stable: {@code invalid_query}, {@code timeout}, {@code sql_error}, and for SQL written by people
 * {@code sql_refused} (a statement the sandbox does not run).
 */
public final class QueryException extends ApiException {
  public QueryException(int status, String code, String field, String message) {
    super(status, code, field, message, null);
  }

  static QueryException invalid(String field, String message) {
    return new QueryException(400, "invalid_query", field, field + ": " + message);
  }
}
