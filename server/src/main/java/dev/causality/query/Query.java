package dev.causality.query;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The analysis questions Causality answers; each is compiled to the warehouse's SQL. */
public sealed interface Query permits Query.Trends, Query.Funnel, Query.Retention, Query.Table {

  String projectId();

  DateRange range();

  ZoneId zone();

  /** Filters that apply to every event of the query. */
  List<Filter> filters();

  /** Which events a series or step counts: one named event, any event, or page / screen calls. */
  record EventMatch(String event, List<Filter> filters) {
    public static final String ANY = "$any";
    public static final String PAGE = "$pageview";
    public static final String SCREEN = "$screen";

    public EventMatch {
      requireNonNull(event, "event is null");
      filters = List.copyOf(filters);
    }

    void appendSql(Sql sql) {
      switch (event) {
        case ANY -> sql.append("TRUE");
        case PAGE -> sql.append("\"type\" = 'page'");
        case SCREEN -> sql.append("\"type\" = 'screen'");
        default -> sql.append("\"event\" = ?", event);
      }
      for (Filter f : filters) {
        sql.append(" AND ");
        f.appendSql(sql);
      }
    }

    String label() {
      return event;
    }
  }

  /** Time buckets of a trend. */
  enum Granularity {
    MINUTE,
    HOUR,
    DAY,
    WEEK,
    MONTH;

    String unit() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** A series of a trend: which events and what to measure of them. */
  record Series(EventMatch events, Metric metric) {}

  /** Trends / segmentation: series over time buckets, optionally broken down and compared. */
  record Trends(
      String projectId,
      List<Series> series,
      DateRange range,
      Granularity granularity,
      ZoneId zone,
      List<Field> breakdowns,
      int breakdownLimit,
      boolean compare,
      List<Filter> filters)
      implements Query {
    public Trends {
      series = List.copyOf(series);
      breakdowns = List.copyOf(breakdowns);
      filters = List.copyOf(filters);
    }
  }

  /** An ordered funnel of 2–10 steps, each within {@code window} of the first. */
  record Funnel(
      String projectId,
      List<EventMatch> steps,
      Duration window,
      DateRange range,
      ZoneId zone,
      Optional<Field> breakdown,
      List<Filter> filters)
      implements Query {
    public Funnel {
      steps = List.copyOf(steps);
      filters = List.copyOf(filters);
    }
  }

  /** Retention: cohorts by first occurrence of {@code cohort}, returning with {@code returning}. */
  record Retention(
      String projectId,
      EventMatch cohort,
      EventMatch returning,
      Granularity period,
      int periods,
      DateRange range,
      ZoneId zone,
      List<Filter> filters)
      implements Query {}

  /**
   * A flat table: metrics grouped by dimensions (the FlowMind query shape). A dimension is a field
   * or a time bucket ({@code minute}, {@code hour}, {@code day}, {@code week}, {@code month}).
   */
  record Table(
      String projectId,
      List<Metric> metrics,
      List<String> dimensions,
      DateRange range,
      ZoneId zone,
      List<Filter> filters,
      int limit)
      implements Query {
    public Table {
      metrics = List.copyOf(metrics);
      dimensions = List.copyOf(dimensions);
      filters = List.copyOf(filters);
    }
  }
}
