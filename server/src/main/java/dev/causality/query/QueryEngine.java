package dev.causality.query;

import static java.util.Objects.requireNonNull;

import dev.causality.warehouse.QueryResult;
import dev.causality.warehouse.QueryTimeoutException;
import dev.causality.warehouse.Warehouse;
import dev.causality.warehouse.WarehouseException;
import java.time.Duration;
import java.time.InstantSource;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The query engine: compiles each {@link Query} kind to the warehouse's SQL (DuckDB's dialect),
 * runs it with a time limit, and shapes the answer (zero-filled buckets, top-N breakdowns, funnel
 * steps, retention triangles). The web app, the APIs, dashboards and the LLM all go through here.
 */
public final class QueryEngine {

  /** A trend: the bucket labels and one value list per series (and breakdown group). */
  public record TrendsResult(
      List<String> buckets, List<String> compareBuckets, List<SeriesResult> series) {}

  /** One line of a trend chart; {@code total} is the metric over the whole range. */
  public record SeriesResult(
      String label,
      String event,
      String metric,
      List<String> breakdown,
      boolean compare,
      List<Double> values,
      Double total) {}

  /** A funnel, overall and per breakdown group. */
  public record FunnelResult(List<String> steps, List<FunnelGroup> groups) {}

  /** Counts per step; {@code medianSeconds[i]} is the median time from step i-1 to step i. */
  public record FunnelGroup(
      String breakdown,
      List<Long> counts,
      List<Double> conversion,
      List<Double> conversionFromPrevious,
      List<Double> medianSeconds) {}

  /** The retention triangle: one row per cohort, {@code null} for periods not yet elapsed. */
  public record RetentionResult(String period, List<Cohort> cohorts) {}

  /** A cohort: when it started, how many, and how many returned in each period after. */
  public record Cohort(String start, long size, List<Long> returned, List<Double> rates) {}

  private final Warehouse warehouse;
  private final InstantSource clock;
  private final Duration timeout;

  public QueryEngine(Warehouse warehouse, InstantSource clock, Duration timeout) {
    this.warehouse = requireNonNull(warehouse, "warehouse is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.timeout = requireNonNull(timeout, "timeout is null");
  }

  /** Runs any query kind. */
  public Object run(Query q) {
    return switch (q) {
      case Query.Trends t -> trends(t);
      case Query.Funnel f -> funnel(f);
      case Query.Retention r -> retention(r);
      case Query.Table t -> table(t);
    };
  }

  DateRange.Window window(Query q) {
    return q.range().resolve(ZonedDateTime.ofInstant(clock.instant(), q.zone()));
  }

  // ---------------------------------------------------------------- trends

  public TrendsResult trends(Query.Trends q) {
    DateRange.Window w = window(q);
    List<LocalDateTime> buckets = buckets(w, q.granularity());
    List<SeriesResult> out = new ArrayList<>();
    List<LocalDateTime> previous =
        q.compare() ? buckets(w.shiftedBack(), q.granularity()) : List.of();
    for (Query.Series s : q.series()) {
      out.addAll(series(q, s, w, buckets, false));
      if (q.compare()) {
        out.addAll(series(q, s, w.shiftedBack(), previous, true));
      }
    }
    return new TrendsResult(labels(buckets), labels(previous), out);
  }

  private List<SeriesResult> series(
      Query.Trends q,
      Query.Series s,
      DateRange.Window w,
      List<LocalDateTime> buckets,
      boolean compare) {
    int nb = q.breakdowns().size();
    boolean distinct = s.metric().distinctCount();
    Sql sql = new Sql();
    // f holds only what the aggregates need: DuckDB materialises a CTE used twice, and a
    // `SELECT *` would copy every JSON column of every row in range. A distinct count gives the
    // same answer over rows deduplicated on (bucket, value, groups), of which there are fewer.
    sql.append(
        "WITH f AS (SELECT "
            + (distinct ? "DISTINCT " : "")
            + "date_trunc('"
            + q.granularity().unit()
            + "', "
            + local(q.zone())
            + ") AS __b, "
            + s.metric().input()
            + " AS __v");
    for (int i = 0; i < nb; i++) {
      sql.append(
          ", coalesce(CAST(" + q.breakdowns().get(i).sql() + " AS VARCHAR), '(none)') AS __g" + i);
    }
    sql.append(" FROM events WHERE ");
    where(sql, q, w);
    sql.append(" AND (");
    s.events().appendSql(sql);
    sql.append("))");
    String agg = s.metric().aggregate("__v");
    if (nb == 0) {
      sql.append(
          " SELECT __b, GROUPING(__b) AS __total, "
              + agg
              + " AS v FROM f GROUP BY GROUPING SETS ((__b), ())");
    } else {
      // The top N groups by their exact total over the range keep their own values; the rows of
      // the other groups are aggregated again as one $other group (a distinct count of several
      // groups is not the sum of theirs). Over deduplicated rows a group's distinct count in a
      // bucket is a plain count.
      String gs = cols("__g", nb);
      String on =
          java.util.stream.IntStream.range(0, nb)
              .mapToObj(i -> "x.__g" + i + " = top.__g" + i)
              .collect(java.util.stream.Collectors.joining(" AND "));
      sql.append(", t AS (SELECT " + gs + ", " + agg + " AS v FROM f GROUP BY " + gs + ")");
      sql.append(
          ", top AS (SELECT "
              + gs
              + " FROM t ORDER BY v DESC NULLS LAST, "
              + gs
              + " LIMIT "
              + q.breakdownLimit()
              + ")");
      sql.append(
          " SELECT NULL AS __b, 1 AS __total, " + gs + ", v FROM t x SEMI JOIN top ON " + on);
      sql.append(
          " UNION ALL SELECT __b, 0, "
              + gs
              + ", "
              + (distinct ? "count(__v)" : agg)
              + " FROM f x SEMI JOIN top ON "
              + on
              + " GROUP BY __b, "
              + gs);
      sql.append(
          " UNION ALL SELECT __b, GROUPING(__b), "
              + "'$other', ".repeat(nb)
              + agg
              + " FROM f x ANTI JOIN top ON "
              + on
              + " GROUP BY GROUPING SETS ((__b), ()) HAVING count(*) > 0");
    }
    QueryResult r = execute(sql);
    Map<List<String>, Map<LocalDateTime, Double>> byGroup = new LinkedHashMap<>();
    Map<List<String>, Double> totals = new HashMap<>();
    for (List<Object> row : r.rows()) {
      List<String> group = new ArrayList<>();
      for (int i = 0; i < nb; i++) {
        group.add((String) row.get(2 + i));
      }
      Double v = row.get(2 + nb) == null ? null : ((Number) row.get(2 + nb)).doubleValue();
      boolean total = ((Number) row.get(1)).intValue() == 1;
      if (total) {
        totals.put(group, v);
      } else {
        byGroup.computeIfAbsent(group, k -> new HashMap<>()).put(toLocal(row.get(0)), v);
      }
    }
    List<List<String>> groups = new ArrayList<>(totals.keySet());
    groups.sort((a, b) -> {
      boolean ao = a.contains("$other"), bo = b.contains("$other");
      if (ao != bo) {
        return ao ? 1 : -1;
      }
      return Double.compare(nz(totals.get(b)), nz(totals.get(a)));
    });
    if (groups.isEmpty() && nb == 0) {
      groups.add(List.of());
    }
    List<SeriesResult> out = new ArrayList<>();
    boolean zeroIsEmpty =
        switch (s.metric().kind()) {
          case COUNT, UNIQUE_USERS, SESSIONS -> true;
          default -> false;
        };
    for (List<String> group : groups) {
      Map<LocalDateTime, Double> values = byGroup.getOrDefault(group, Map.of());
      List<Double> filled = new ArrayList<>(buckets.size());
      for (LocalDateTime b : buckets) {
        Double v = values.get(b);
        filled.add(v == null && zeroIsEmpty ? Double.valueOf(0) : v);
      }
      Double total = totals.get(group);
      out.add(
          new SeriesResult(
              s.events().label()
                  + " · "
                  + s.metric().label()
                  + (group.isEmpty() ? "" : " · " + String.join(" / ", group))
                  + (compare ? " (previous period)" : ""),
              s.events().event(),
              s.metric().label(),
              group,
              compare,
              filled,
              total == null && zeroIsEmpty ? Double.valueOf(0) : total));
    }
    return out;
  }

  private static double nz(Double d) {
    return d == null ? Double.NEGATIVE_INFINITY : d;
  }

  // ---------------------------------------------------------------- funnels

  public FunnelResult funnel(Query.Funnel q) {
    DateRange.Window w = window(q);
    int n = q.steps().size();
    long windowMicros = TimeUnit.MILLISECONDS.toMicros(q.window().toMillis());
    Sql sql = new Sql();
    sql.append("WITH e AS (SELECT " + Metric.ACTOR + " AS __a, \"timestamp\" AS __t, ");
    sql.append(
        q.breakdown()
                .map(b -> "coalesce(CAST(" + b.sql() + " AS VARCHAR), '(none)')")
                .orElse("'all'")
            + " AS __g");
    for (int i = 0; i < n; i++) {
      sql.append(", (");
      q.steps().get(i).appendSql(sql);
      sql.append(") AS __s" + i);
    }
    sql.append(
        " FROM events WHERE \"app_id\" = ? AND \"timestamp\" >= make_timestamp(?) AND \"timestamp\" < make_timestamp(?) AND "
            + Metric.ACTOR
            + " IS NOT NULL",
        q.projectId(),
        utcMicros(w.from(), q.zone()),
        utcMicros(w.to(), q.zone()) + windowMicros);
    sql.append(" AND (");
    for (int i = 0; i < n; i++) {
      sql.append(i > 0 ? " OR (" : "(");
      q.steps().get(i).appendSql(sql);
      sql.append(")");
    }
    sql.append(")");
    for (Filter f : q.filters()) {
      sql.append(" AND ");
      f.appendSql(sql);
    }
    sql.append(")");
    sql.append(
        ", f0 AS (SELECT __a, min(__t) AS t0, arg_min(__g, __t) AS g FROM e WHERE __s0 AND __t < make_timestamp(?) GROUP BY __a)",
        utcMicros(w.to(), q.zone()));
    // each step keeps only the users who reached it (inner joins), carrying step 1's time and group
    for (int i = 1; i < n; i++) {
      sql.append(
          ", f"
              + i
              + " AS (SELECT p.__a, any_value(p.g) AS g, any_value(p.t0) AS t0, any_value(p.t"
              + (i - 1)
              + ") AS tp, min(e.__t) AS t"
              + i
              + " FROM f"
              + (i - 1)
              + " p JOIN e ON e.__a = p.__a AND e.__s"
              + i
              + " AND e.__t > p.t"
              + (i - 1)
              + " AND e.__t <= p.t0 + to_microseconds(?::BIGINT) GROUP BY p.__a)",
          windowMicros);
    }
    String grouping =
        q.breakdown().isPresent() ? " GROUP BY GROUPING SETS ((g), ())" : " GROUP BY g";
    sql.append(
        " SELECT 0 AS step, g, "
            + (q.breakdown().isPresent() ? "GROUPING(g)" : "1")
            + " AS __total, count(*), NULL::DOUBLE FROM f0"
            + grouping);
    for (int i = 1; i < n; i++) {
      sql.append(
          " UNION ALL SELECT "
              + i
              + ", g, "
              + (q.breakdown().isPresent() ? "GROUPING(g)" : "1")
              + ", count(*), median(epoch(t"
              + i
              + ") - epoch(tp)) FROM f"
              + i
              + grouping);
    }
    QueryResult r = execute(sql);
    Map<String, long[]> counts = new LinkedHashMap<>();
    Map<String, Double[]> medians = new HashMap<>();
    for (List<Object> row : r.rows()) {
      int step = ((Number) row.get(0)).intValue();
      String name = ((Number) row.get(2)).intValue() == 1 ? "$all" : (String) row.get(1);
      counts.computeIfAbsent(name, k -> new long[n])[step] = ((Number) row.get(3)).longValue();
      medians.computeIfAbsent(name, k -> new Double[n])[step] =
          row.get(4) == null ? null : ((Number) row.get(4)).doubleValue();
    }
    List<FunnelGroup> groups = new ArrayList<>();
    FunnelGroup overall = null;
    for (Map.Entry<String, long[]> e : counts.entrySet()) {
      List<Long> c = java.util.Arrays.stream(e.getValue()).boxed().toList();
      FunnelGroup g = group(e.getKey(), c, java.util.Arrays.asList(medians.get(e.getKey())));
      if (e.getKey().equals("$all")) {
        overall = g;
      } else {
        groups.add(g);
      }
    }
    if (overall == null) {
      List<Long> zeros = new ArrayList<>();
      List<Double> nulls = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        zeros.add(0L);
        nulls.add(null);
      }
      overall = group("$all", zeros, nulls);
    }
    groups.sort((a, b) -> Long.compare(b.counts().getFirst(), a.counts().getFirst()));
    groups.addFirst(overall);
    return new FunnelResult(q.steps().stream().map(Query.EventMatch::label).toList(), groups);
  }

  private static FunnelGroup group(String name, List<Long> counts, List<Double> medians) {
    List<Double> conv = new ArrayList<>();
    List<Double> prev = new ArrayList<>();
    for (int i = 0; i < counts.size(); i++) {
      conv.add(counts.getFirst() == 0 ? 0.0 : counts.get(i) / (double) counts.getFirst());
      long before = i == 0 ? counts.getFirst() : counts.get(i - 1);
      prev.add(before == 0 ? 0.0 : counts.get(i) / (double) before);
    }
    return new FunnelGroup(name, counts, conv, prev, medians);
  }

  // ---------------------------------------------------------------- retention

  public RetentionResult retention(Query.Retention q) {
    DateRange.Window w = window(q);
    String unit = q.period().unit();
    // c and r each read events with their own predicates: a shared CTE of every event in range
    // would be materialised, and cost a quarter more than reading twice
    String lt = local(q.zone());
    Sql sql = new Sql();
    sql.append(
        "WITH c AS (SELECT "
            + Metric.ACTOR
            + " AS __a, date_trunc('"
            + unit
            + "', min("
            + lt
            + ")) AS cohort FROM events WHERE ");
    retentionWhere(sql, q, w);
    sql.append(" AND (");
    q.cohort().appendSql(sql);
    sql.append(") AND " + lt + " < ?::TIMESTAMP GROUP BY __a)", w.to());
    sql.append(
        ", r AS (SELECT DISTINCT "
            + Metric.ACTOR
            + " AS __a, date_trunc('"
            + unit
            + "', "
            + lt
            + ") AS p FROM events WHERE ");
    retentionWhere(sql, q, w);
    sql.append(" AND (");
    q.returning().appendSql(sql);
    sql.append("))");
    sql.append(" SELECT c.cohort, -1 AS k, count(*) AS n FROM c GROUP BY c.cohort");
    sql.append(
        " UNION ALL SELECT c.cohort, datediff('"
            + unit
            + "', c.cohort, r.p) AS k, count(DISTINCT r.__a) AS n FROM c JOIN r ON r.__a = c.__a AND r.p >= c.cohort"
            + " GROUP BY ALL ORDER BY 1, 2");
    QueryResult r = execute(sql);
    Map<LocalDateTime, long[]> byCohort = new LinkedHashMap<>();
    Map<LocalDateTime, Long> sizes = new HashMap<>();
    for (List<Object> row : r.rows()) {
      LocalDateTime cohort = toLocal(row.getFirst());
      int k = ((Number) row.get(1)).intValue();
      long n = ((Number) row.get(2)).longValue();
      if (k < 0) {
        sizes.put(cohort, n);
      } else if (k < q.periods()) {
        byCohort.computeIfAbsent(cohort, c -> new long[q.periods()])[k] = n;
      }
    }
    LocalDateTime now = LocalDateTime.ofInstant(clock.instant(), q.zone());
    List<Cohort> cohorts = new ArrayList<>();
    for (LocalDateTime start : buckets(w, q.period())) {
      long size = sizes.getOrDefault(start, 0L);
      long[] counts = byCohort.getOrDefault(start, new long[q.periods()]);
      List<Long> returned = new ArrayList<>();
      List<Double> rates = new ArrayList<>();
      for (int k = 0; k < q.periods(); k++) {
        boolean elapsed = !plus(start, q.period(), k).isAfter(now);
        returned.add(elapsed ? counts[k] : null);
        rates.add(elapsed ? (size == 0 ? 0.0 : counts[k] / (double) size) : null);
      }
      cohorts.add(new Cohort(start.toString(), size, returned, rates));
    }
    return new RetentionResult(unit, cohorts);
  }

  /**
   * The rows a retention query reads: the project's events from the range's start on, of a known
   * person.
   */
  private static void retentionWhere(Sql sql, Query.Retention q, DateRange.Window w) {
    sql.append(
        "\"app_id\" = ? AND \"timestamp\" >= make_timestamp(?) AND "
            + Metric.ACTOR
            + " IS NOT NULL",
        q.projectId(),
        utcMicros(w.from(), q.zone()));
    for (Filter f : q.filters()) {
      sql.append(" AND ");
      f.appendSql(sql);
    }
  }

  // ---------------------------------------------------------------- tables

  /** Rows of a table query: one map per group, dimension and metric names as keys. */
  public record TableResult(
      List<String> columns, List<Map<String, Object>> rows, boolean truncated) {}

  public TableResult table(Query.Table q) {
    DateRange.Window w = window(q);
    List<String> selects = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (String d : q.dimensions()) {
      java.util.Optional<Query.Granularity> g =
          java.util.Arrays.stream(Query.Granularity.values())
              .filter(x -> x.unit().equals(d))
              .findFirst();
      selects.add(
          g.map(x -> "date_trunc('" + x.unit() + "', " + local(q.zone()) + ")")
              .orElseGet(() -> Field.parse("dimensions", d).sql()));
      names.add(d);
    }
    for (Metric m : q.metrics()) {
      selects.add(m.sql());
      names.add(m.label());
    }
    Sql sql = new Sql();
    sql.append("SELECT ");
    for (int i = 0; i < selects.size(); i++) {
      sql.append((i > 0 ? ", " : "") + selects.get(i) + " AS \"c" + i + "\"");
    }
    sql.append(" FROM events WHERE ");
    where(sql, q, w);
    if (!q.dimensions().isEmpty()) {
      String positions =
          java.util.stream.IntStream.rangeClosed(1, q.dimensions().size())
              .mapToObj(Integer::toString)
              .collect(java.util.stream.Collectors.joining(", "));
      sql.append(" GROUP BY " + positions + " ORDER BY " + positions);
    }
    sql.append(" LIMIT " + (q.limit() + 1));
    QueryResult r = execute(sql);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (List<Object> row : r.rows().subList(0, Math.min(q.limit(), r.rows().size()))) {
      Map<String, Object> m = new LinkedHashMap<>();
      for (int i = 0; i < names.size(); i++) {
        Object v = row.get(i);
        m.put(
            names.get(i),
            v instanceof LocalDateTime || v instanceof java.sql.Timestamp
                ? toLocal(v).toString()
                : v);
      }
      rows.add(m);
    }
    return new TableResult(names, rows, r.rows().size() > q.limit());
  }

  // ---------------------------------------------------------------- shared

  /** The event's timestamp as local time in {@code zone} (stored timestamps are UTC). */
  static String local(ZoneId zone) {
    if (zone.normalized().equals(ZoneOffset.UTC)) {
      return "\"timestamp\"";
    }
    return "timezone('" + zone.getId() + "', \"timestamp\" AT TIME ZONE 'UTC')";
  }

  private static void where(Sql sql, Query q, DateRange.Window w) {
    sql.append(
        "\"app_id\" = ? AND \"timestamp\" >= make_timestamp(?) AND \"timestamp\" < make_timestamp(?)",
        q.projectId(),
        utcMicros(w.from(), q.zone()),
        utcMicros(w.to(), q.zone()));
    for (Filter f : q.filters()) {
      sql.append(" AND ");
      f.appendSql(sql);
    }
  }

  static long utcMicros(LocalDateTime local, ZoneId zone) {
    java.time.Instant i = local.atZone(zone).toInstant();
    return TimeUnit.SECONDS.toMicros(i.getEpochSecond()) + i.getNano() / 1000;
  }

  private QueryResult execute(Sql sql) {
    try {
      return warehouse.query(sql.text(), sql.params(), 1_000_000, timeout);
    } catch (QueryTimeoutException e) {
      throw new QueryException(
          408,
          "timeout",
          "",
          "the query took longer than "
              + timeout.toSeconds()
              + " s and was cancelled; narrow the date range or the filters");
    } catch (WarehouseException e) {
      throw new QueryException(
          500,
          "sql_error",
          "",
          "the warehouse could not run the query: "
              + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
    }
  }

  static List<LocalDateTime> buckets(DateRange.Window w, Query.Granularity g) {
    List<LocalDateTime> out = new ArrayList<>();
    LocalDateTime b = truncate(w.from(), g);
    while (b.isBefore(w.to())) {
      out.add(b);
      b = plus(b, g, 1);
      if (out.size() > 100_000) {
        throw QueryException.invalid(
            "granularity",
            "more than 100000 buckets; use a coarser granularity or a shorter range");
      }
    }
    return out;
  }

  static LocalDateTime truncate(LocalDateTime t, Query.Granularity g) {
    return switch (g) {
      case MINUTE -> t.truncatedTo(ChronoUnit.MINUTES);
      case HOUR -> t.truncatedTo(ChronoUnit.HOURS);
      case DAY -> t.truncatedTo(ChronoUnit.DAYS);
      case WEEK ->
          t.truncatedTo(ChronoUnit.DAYS)
              .with(TemporalAdjusters.previousOrSame(java.time.DayOfWeek.MONDAY));
      case MONTH -> t.truncatedTo(ChronoUnit.DAYS).withDayOfMonth(1);
    };
  }

  static LocalDateTime plus(LocalDateTime t, Query.Granularity g, long n) {
    return switch (g) {
      case MINUTE -> t.plusMinutes(n);
      case HOUR -> t.plusHours(n);
      case DAY -> t.plusDays(n);
      case WEEK -> t.plusWeeks(n);
      case MONTH -> t.plusMonths(n);
    };
  }

  private static LocalDateTime toLocal(Object v) {
    if (v instanceof LocalDateTime l) {
      return l;
    }
    if (v instanceof java.sql.Timestamp ts) {
      return ts.toLocalDateTime();
    }
    if (v instanceof java.time.OffsetDateTime o) {
      return o.toLocalDateTime();
    }
    return LocalDateTime.parse(String.valueOf(v).replace(' ', 'T'));
  }

  private static List<String> labels(List<LocalDateTime> buckets) {
    return buckets.stream().map(LocalDateTime::toString).toList();
  }

  /** {@code prefix0, prefix1, …} for {@code n} columns. */
  private static String cols(String prefix, int n) {
    return java.util.stream.IntStream.range(0, n)
        .mapToObj(i -> prefix + i)
        .collect(java.util.stream.Collectors.joining(", "));
  }
}
