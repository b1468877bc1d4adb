package dev.causality.query;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Locale;

/** A condition on a field: {@code country eq "DE"}, {@code properties.plan in ["pro","team"]}. */
public record Filter(Field field, Op op, List<String> values) {

  /** The comparison operators. */
  public enum Op {
    EQ,
    NEQ,
    IN,
    NOT_IN,
    CONTAINS,
    NOT_CONTAINS,
    REGEX,
    GT,
    GTE,
    LT,
    LTE,
    IS_SET,
    IS_NOT_SET;

    static Op parse(String where, String s) {
      try {
        return valueOf(s.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw QueryException.invalid(
            where,
            "unknown operator '"
                + s
                + "'; use eq, neq, in, not_in, contains,"
                + " not_contains, regex, gt, gte, lt, lte, is_set or is_not_set");
      }
    }

    boolean numeric() {
      return this == GT || this == GTE || this == LT || this == LTE;
    }

    int arity() {
      return switch (this) {
        case IS_SET, IS_NOT_SET -> 0;
        case IN, NOT_IN -> -1;
        case EQ, NEQ, CONTAINS, NOT_CONTAINS, REGEX, GT, GTE, LT, LTE -> 1;
      };
    }
  }

  public Filter {
    requireNonNull(field, "field is null");
    requireNonNull(op, "op is null");
    values = List.copyOf(values);
  }

  /** Appends this filter's SQL condition, with its values as parameters. */
  void appendSql(Sql sql) {
    String e = field.sql();
    switch (op) {
      case EQ -> sql.append("CAST(" + e + " AS VARCHAR) = ?", values.getFirst());
      case NEQ ->
          sql.append("(" + e + " IS NULL OR CAST(" + e + " AS VARCHAR) <> ?)", values.getFirst());
      case IN ->
          sql.append("CAST(" + e + " AS VARCHAR) IN (" + placeholders() + ")", values.toArray());
      case NOT_IN ->
          sql.append(
              "(" + e + " IS NULL OR CAST(" + e + " AS VARCHAR) NOT IN (" + placeholders() + "))",
              values.toArray());
      case CONTAINS ->
          sql.append("contains(lower(CAST(" + e + " AS VARCHAR)), lower(?))", values.getFirst());
      case NOT_CONTAINS ->
          sql.append(
              "(" + e + " IS NULL OR NOT contains(lower(CAST(" + e + " AS VARCHAR)), lower(?)))",
              values.getFirst());
      case REGEX -> sql.append("regexp_matches(CAST(" + e + " AS VARCHAR), ?)", values.getFirst());
      case GT -> sql.append("TRY_CAST(" + e + " AS DOUBLE) > ?", number());
      case GTE -> sql.append("TRY_CAST(" + e + " AS DOUBLE) >= ?", number());
      case LT -> sql.append("TRY_CAST(" + e + " AS DOUBLE) < ?", number());
      case LTE -> sql.append("TRY_CAST(" + e + " AS DOUBLE) <= ?", number());
      case IS_SET -> sql.append(e + " IS NOT NULL");
      case IS_NOT_SET -> sql.append(e + " IS NULL");
    }
  }

  private String placeholders() {
    return String.join(", ", java.util.Collections.nCopies(values.size(), "?"));
  }

  private Double number() {
    return Double.valueOf(values.getFirst());
  }
}
