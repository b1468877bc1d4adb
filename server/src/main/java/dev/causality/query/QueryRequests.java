package dev.causality.query;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads query requests (JSON) into the {@link Query} model. Every error names the JSON path of the
 * part that is wrong, e.g. {@code series[1].metric}.
 */
final class QueryRequests {
  static final String DEFAULT_PROJECT = "default";

  private QueryRequests() {}

  static Query.Trends trends(JsonNode body) {
    JsonNode series = body.path("series");
    if (!series.isArray() || series.isEmpty()) {
      throw QueryException.invalid("series", "at least one series is required");
    }
    if (series.size() > 20) {
      throw QueryException.invalid("series", "at most 20 series, got " + series.size());
    }
    List<Query.Series> list = new ArrayList<>();
    for (int i = 0; i < series.size(); i++) {
      JsonNode s = series.get(i);
      String where = "series[" + i + "]";
      list.add(
          new Query.Series(
              match(where, s),
              Metric.parse(
                  where + ".metric", text(s, "metric", "count"), text(s, "property", null))));
    }
    List<Field> breakdowns = new ArrayList<>();
    JsonNode bd = body.path("breakdown");
    List<String> names = bd.isTextual() ? List.of(bd.asText()) : new ArrayList<>();
    if (bd.isArray()) {
      bd.forEach(b -> names.add(b.asText()));
    }
    if (names.size() > 2) {
      throw QueryException.invalid(
          "breakdown", "at most two breakdown fields, got " + names.size());
    }
    for (int i = 0; i < names.size(); i++) {
      breakdowns.add(Field.parse("breakdown[" + i + "]", names.get(i)));
    }
    int limit = body.path("breakdownLimit").asInt(10);
    if (limit < 1 || limit > 100) {
      throw QueryException.invalid("breakdownLimit", "must be 1-100, was " + limit);
    }
    return new Query.Trends(
        project(body),
        list,
        range(body),
        granularity("granularity", text(body, "granularity", "day")),
        zone(body),
        breakdowns,
        limit,
        body.path("compare").asBoolean(false),
        filters("filters", body.path("filters")));
  }

  static Query.Funnel funnel(JsonNode body) {
    JsonNode steps = body.path("steps");
    if (!steps.isArray() || steps.size() < 2 || steps.size() > 10) {
      throw QueryException.invalid("steps", "a funnel needs 2 to 10 steps");
    }
    List<Query.EventMatch> list = new ArrayList<>();
    for (int i = 0; i < steps.size(); i++) {
      list.add(match("steps[" + i + "]", steps.get(i)));
    }
    Duration window = duration("window", text(body, "window", "7d"));
    Optional<Field> breakdown =
        body.hasNonNull("breakdown")
            ? Optional.of(Field.parse("breakdown", body.get("breakdown").asText()))
            : Optional.empty();
    return new Query.Funnel(
        project(body),
        list,
        window,
        range(body),
        zone(body),
        breakdown,
        filters("filters", body.path("filters")));
  }

  static Query.Retention retention(JsonNode body) {
    Query.Granularity period = granularity("period", text(body, "period", "week"));
    if (period == Query.Granularity.MINUTE || period == Query.Granularity.HOUR) {
      throw QueryException.invalid("period", "must be day, week or month");
    }
    int periods = body.path("periods").asInt(8);
    if (periods < 1 || periods > 60) {
      throw QueryException.invalid("periods", "must be 1-60, was " + periods);
    }
    return new Query.Retention(
        project(body),
        match("cohort", body.path("cohort")),
        match("returning", body.path("returning")),
        period,
        periods,
        range(body),
        zone(body),
        filters("filters", body.path("filters")));
  }

  /**
   * The FlowMind shape: {@code metrics}, {@code dimensions}, {@code filters} with {@code value},
   * {@code dateRange}.
   */
  static Query.Table table(JsonNode body) {
    JsonNode metrics = body.path("metrics");
    List<Metric> list = new ArrayList<>();
    if (metrics.isTextual()) {
      list.add(Metric.parse("metrics[0]", metrics.asText(), null));
    } else if (metrics.isArray() && !metrics.isEmpty()) {
      for (int i = 0; i < metrics.size(); i++) {
        JsonNode m = metrics.get(i);
        list.add(
            m.isObject()
                ? Metric.parse(
                    "metrics[" + i + "]", text(m, "type", "count"), text(m, "property", null))
                : Metric.parse("metrics[" + i + "]", m.asText(), null));
      }
    } else {
      throw QueryException.invalid("metrics", "at least one metric is required, e.g. [\"count\"]");
    }
    List<String> dims = new ArrayList<>();
    JsonNode d = body.path("dimensions");
    for (int i = 0; i < d.size(); i++) {
      String dim = d.get(i).asText();
      boolean time =
          java.util.Arrays.stream(Query.Granularity.values()).anyMatch(g -> g.unit().equals(dim));
      if (!time) {
        Field.parse("dimensions[" + i + "]", dim);
      }
      dims.add(dim);
    }
    int limit = body.path("limit").asInt(10_000);
    if (limit < 1 || limit > 100_000) {
      throw QueryException.invalid("limit", "must be 1-100000, was " + limit);
    }
    return new Query.Table(
        project(body),
        list,
        dims,
        range(body),
        zone(body),
        filters("filters", body.path("filters")),
        limit);
  }

  private static String project(JsonNode body) {
    return text(body, "project", text(body, "projectId", text(body, "app_id", DEFAULT_PROJECT)));
  }

  static Query.EventMatch match(String where, JsonNode n) {
    if (!n.isObject()) {
      throw QueryException.invalid(where, "must be an object with an 'event'");
    }
    String event = text(n, "event", null);
    if (event == null || event.isBlank()) {
      throw QueryException.invalid(
          where + ".event",
          "an event name is required ($any, $pageview and $screen match any event, page and screen calls)");
    }
    return new Query.EventMatch(event, filters(where + ".filters", n.path("filters")));
  }

  static List<Filter> filters(String where, JsonNode n) {
    if (n.isMissingNode() || n.isNull()) {
      return List.of();
    }
    if (!n.isArray()) {
      throw QueryException.invalid(where, "must be an array of {field, op, value}");
    }
    List<Filter> out = new ArrayList<>();
    for (int i = 0; i < n.size(); i++) {
      String w = where + "[" + i + "]";
      JsonNode f = n.get(i);
      Field field = Field.parse(w + ".field", text(f, "field", null));
      Filter.Op op = Filter.Op.parse(w + ".op", text(f, "op", "eq"));
      JsonNode v = f.has("values") ? f.get("values") : f.path("value");
      List<String> values = new ArrayList<>();
      if (v.isArray()) {
        v.forEach(x -> values.add(x.asText()));
      } else if (!v.isMissingNode() && !v.isNull()) {
        values.add(v.asText());
      }
      int arity = op.arity();
      if (arity == 0 && !values.isEmpty()) {
        throw QueryException.invalid(
            w + ".value", "operator " + op.name().toLowerCase(Locale.ROOT) + " takes no value");
      }
      if (arity == 1 && values.size() != 1) {
        throw QueryException.invalid(
            w + ".value",
            "operator " + op.name().toLowerCase(Locale.ROOT) + " takes exactly one value");
      }
      if (arity < 0 && (values.isEmpty() || values.size() > 1000)) {
        throw QueryException.invalid(
            w + ".value",
            "operator " + op.name().toLowerCase(Locale.ROOT) + " takes 1-1000 values");
      }
      if (op.numeric()) {
        try {
          Double.parseDouble(values.getFirst());
        } catch (NumberFormatException e) {
          throw QueryException.invalid(
              w + ".value", "must be a number for " + op.name().toLowerCase(Locale.ROOT));
        }
      }
      if (op == Filter.Op.REGEX && values.getFirst().length() > 1000) {
        throw QueryException.invalid(w + ".value", "regex longer than 1000 characters");
      }
      out.add(new Filter(field, op, values));
    }
    return out;
  }

  static DateRange range(JsonNode body) {
    JsonNode r = body.path("dateRange");
    if (r.isMissingNode() || r.isNull()) {
      return new DateRange.Last(30, ChronoUnit.DAYS);
    }
    if (r.isTextual()) {
      String s = r.asText();
      if (s.matches("last_\\d+_(days|weeks|months|hours)")) {
        String[] parts = s.split("_");
        return last(Integer.parseInt(parts[1]), parts[2]);
      }
      return new DateRange.Named(s);
    }
    if (r.has("last")) {
      return last(r.path("last").asInt(), text(r, "unit", "days"));
    }
    if (r.has("from")) {
      LocalDateTime from = dateTime("dateRange.from", r.get("from").asText(), false);
      LocalDateTime to =
          r.hasNonNull("to")
              ? dateTime("dateRange.to", r.get("to").asText(), true)
              : LocalDateTime.now(ZoneOffset.UTC).plusDays(1);
      if (!to.isAfter(from)) {
        throw QueryException.invalid("dateRange", "'to' must be after 'from'");
      }
      if (java.time.Duration.between(from, to).toDays() > 3660) {
        throw QueryException.invalid("dateRange", "at most 10 years");
      }
      return new DateRange.Absolute(from, to);
    }
    if (r.has("name")) {
      return new DateRange.Named(r.get("name").asText());
    }
    throw QueryException.invalid(
        "dateRange",
        "use {\"last\":30,\"unit\":\"days\"}, {\"from\":\"2026-01-01\",\"to\":\"2026-01-31\"} or a name such as this_month");
  }

  private static DateRange last(int n, String unit) {
    if (n < 1 || n > 3660) {
      throw QueryException.invalid("dateRange.last", "must be 1-3660, was " + n);
    }
    ChronoUnit u =
        switch (unit.toLowerCase(Locale.ROOT).replaceAll("s$", "")) {
          case "hour" -> ChronoUnit.HOURS;
          case "day" -> ChronoUnit.DAYS;
          case "week" -> ChronoUnit.WEEKS;
          case "month" -> ChronoUnit.MONTHS;
          default ->
              throw QueryException.invalid(
                  "dateRange.unit", "must be hours, days, weeks or months, was '" + unit + "'");
        };
    return new DateRange.Last(n, u);
  }

  /** A date (whole day; {@code to} is inclusive) or a local date-time. */
  private static LocalDateTime dateTime(String where, String s, boolean end) {
    try {
      if (s.length() == 10) {
        LocalDate d = LocalDate.parse(s);
        return end ? d.plusDays(1).atStartOfDay() : d.atStartOfDay();
      }
      if (s.endsWith("Z") || s.matches(".*[+-]\\d\\d:\\d\\d$")) {
        return java.time.OffsetDateTime.parse(s)
            .atZoneSameInstant(ZoneOffset.UTC)
            .toLocalDateTime();
      }
      return LocalDateTime.parse(s);
    } catch (DateTimeException e) {
      throw QueryException.invalid(
          where, "'" + s + "' is not a date (2026-01-31) or date-time (2026-01-31T12:00:00)");
    }
  }

  static ZoneId zone(JsonNode body) {
    String z = text(body, "timezone", "UTC");
    try {
      return ZoneId.of(z);
    } catch (DateTimeException e) {
      throw QueryException.invalid(
          "timezone", "unknown time zone '" + z + "'; use an IANA name such as Europe/Berlin");
    }
  }

  static Query.Granularity granularity(String where, String s) {
    try {
      return Query.Granularity.valueOf(s.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw QueryException.invalid(
          where, "must be minute, hour, day, week or month, was '" + s + "'");
    }
  }

  private static Duration duration(String where, String s) {
    try {
      long n = Long.parseLong(s.substring(0, s.length() - 1));
      Duration d =
          switch (s.charAt(s.length() - 1)) {
            case 'd' -> Duration.ofDays(n);
            case 'h' -> Duration.ofHours(n);
            case 'm' -> Duration.ofMinutes(n);
            case 's' -> Duration.ofSeconds(n);
            default -> throw new NumberFormatException();
          };
      if (d.isNegative() || d.isZero() || d.toDays() > 366) {
        throw QueryException.invalid(where, "must be between 1 second and 366 days");
      }
      return d;
    } catch (RuntimeException e) {
      if (e instanceof QueryException q) {
        throw q;
      }
      throw QueryException.invalid(
          where, "must be a duration such as 7d, 12h, 30m; was '" + s + "'");
    }
  }

  private static String text(JsonNode n, String field, String fallback) {
    JsonNode v = n.path(field);
    return v.isMissingNode() || v.isNull() ? fallback : v.asText();
  }
}
