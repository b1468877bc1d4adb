package dev.causality.query;

import java.util.Locale;
import java.util.Optional;

/**
 * What a series measures: a count, distinct users or sessions, or a statistic of a numeric
 * property.
 */
public record Metric(Kind kind, Optional<Field> property) {

  /** The metric kinds; the statistics need a numeric property. */
  public enum Kind {
    COUNT,
    UNIQUE_USERS,
    SESSIONS,
    EVENTS_PER_USER,
    SUM,
    AVG,
    MIN,
    MAX,
    P50,
    P90,
    P95,
    P99;

    boolean needsProperty() {
      return switch (this) {
        case COUNT, UNIQUE_USERS, SESSIONS, EVENTS_PER_USER -> false;
        case SUM, AVG, MIN, MAX, P50, P90, P95, P99 -> true;
      };
    }
  }

  /**
   * The person behind an event: the user id, else the anonymous id, as the 64-bit {@code user_key}
   * the loader stores with each row (NULL when the event has neither). Counting and joining on it
   * is several times cheaper than on the strings.
   */
  static final String ACTOR = "\"user_key\"";

  static Metric parse(String where, String kind, String property) {
    Kind k;
    try {
      k = Kind.valueOf(kind.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw QueryException.invalid(
          where,
          "unknown metric '"
              + kind
              + "'; use count, unique_users, sessions,"
              + " events_per_user, sum, avg, min, max, p50, p90, p95 or p99");
    }
    if (k.needsProperty() && (property == null || property.isBlank())) {
      throw QueryException.invalid(where, "metric " + kind + " needs a numeric 'property'");
    }
    return new Metric(
        k,
        k.needsProperty()
            ? Optional.of(Field.parse(where + ".property", property))
            : Optional.empty());
  }

  /** The aggregate SQL expression over the grouped event rows. */
  String sql() {
    return aggregate(input());
  }

  /**
   * The one value per event row the aggregate needs: compilers select just this (not the whole row)
   * into intermediate results, which DuckDB may materialise.
   */
  String input() {
    return switch (kind) {
      case COUNT -> "NULL";
      case UNIQUE_USERS, EVENTS_PER_USER -> ACTOR;
      case SESSIONS -> "\"session_id\"";
      case SUM, AVG, MIN, MAX, P50, P90, P95, P99 ->
          "TRY_CAST(" + property.orElseThrow().sql() + " AS DOUBLE)";
    };
  }

  /**
   * Whether the aggregate is a distinct count, so that it gives the same answer over rows
   * deduplicated on its input and the grouping columns (fewer rows to aggregate twice).
   */
  boolean distinctCount() {
    return switch (kind) {
      case UNIQUE_USERS, SESSIONS -> true;
      case COUNT, EVENTS_PER_USER, SUM, AVG, MIN, MAX, P50, P90, P95, P99 -> false;
    };
  }

  /** The aggregate over a column {@code v} holding {@link #input()}. */
  String aggregate(String v) {
    return switch (kind) {
      case COUNT -> "count(*)";
      case UNIQUE_USERS, SESSIONS -> "count(DISTINCT " + v + ")";
      case EVENTS_PER_USER -> "count(*)::DOUBLE / nullif(count(DISTINCT " + v + "), 0)";
      case SUM -> "sum(" + v + ")";
      case AVG -> "avg(" + v + ")";
      case MIN -> "min(" + v + ")";
      case MAX -> "max(" + v + ")";
      case P50 -> "quantile_cont(" + v + ", 0.5)";
      case P90 -> "quantile_cont(" + v + ", 0.9)";
      case P95 -> "quantile_cont(" + v + ", 0.95)";
      case P99 -> "quantile_cont(" + v + ", 0.99)";
    };
  }

  String label() {
    return kind.name().toLowerCase(Locale.ROOT)
        + property.map(f -> "(" + f.name() + ")").orElse("");
  }
}
