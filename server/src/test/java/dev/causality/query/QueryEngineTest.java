package dev.causality.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.causality.event.Event;
import dev.causality.event.Events;
import dev.causality.warehouse.DuckDbWarehouse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every query kind against a small fixed data set whose answers are worked out by hand below. "Now"
 * is 2026-03-31 12:00 UTC; Europe/Berlin switched to summer time on 2026-03-29 at 01:00 UTC.
 */
class QueryEngineTest {
  @TempDir static Path dir;
  static DuckDbWarehouse warehouse;
  static QueryEngine engine;
  static final ZoneId UTC = ZoneOffset.UTC;
  static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  @BeforeAll
  static void load() {
    warehouse = DuckDbWarehouse.open(dir.resolve("q.duckdb"), "256MB");
    List<Event> events =
        List.of(
            Events.track("Signed Up")
                .app("p")
                .user("u1")
                .at("2026-03-25T10:00:00Z")
                .country("DE")
                .session("s1")
                .properties("{\"plan\":\"pro\",\"amount\":10}")
                .build(),
            Events.track("Purchase")
                .app("p")
                .user("u1")
                .at("2026-03-25T11:00:00Z")
                .country("DE")
                .session("s1")
                .properties("{\"amount\":30,\"item\":{\"sku\":\"A-1\"}}")
                .build(),
            Events.track("Signed Up")
                .app("p")
                .user("u2")
                .at("2026-03-26T09:00:00Z")
                .country("US")
                .session("s2")
                .properties("{\"plan\":\"free\"}")
                .build(),
            Events.track("Purchase")
                .app("p")
                .user("u2")
                .at("2026-03-28T09:00:00Z")
                .country("US")
                .session("s3")
                .properties("{\"amount\":50,\"item\":{\"sku\":\"B-2\"}}")
                .build(),
            // a user known only by an anonymous id, who bought before signing up (out of order)
            Events.track("Signed Up")
                .app("p")
                .anonymous("a3")
                .at("2026-03-29T00:30:00Z")
                .country("US")
                .build(),
            Events.track("Purchase")
                .app("p")
                .anonymous("a3")
                .at("2026-03-20T10:00:00Z")
                .country("US")
                .properties("{\"amount\":20}")
                .build(),
            // 23:30 UTC on the 30th is 01:30 on the 31st in Berlin (summer time, +2)
            Events.track(null)
                .type("page")
                .app("p")
                .user("u1")
                .at("2026-03-30T23:30:00Z")
                .country("DE")
                .build(),
            // another project: never counted
            Events.track("Signed Up").app("q").user("u9").at("2026-03-30T10:00:00Z").build());
    warehouse.load(events, List.of(), 1);
    engine =
        new QueryEngine(
            warehouse,
            InstantSource.fixed(Instant.parse("2026-03-31T12:00:00Z")),
            Duration.ofSeconds(30));
  }

  @AfterAll
  static void close() {
    warehouse.close();
  }

  static Query.Series series(String event, Metric metric, Filter... filters) {
    return new Query.Series(new Query.EventMatch(event, List.of(filters)), metric);
  }

  static Metric metric(String kind, String property) {
    return Metric.parse("metric", kind, property);
  }

  static Query.Trends trends(
      List<Query.Series> series,
      DateRange range,
      ZoneId zone,
      List<String> breakdowns,
      int limit,
      boolean compare,
      Filter... filters) {
    return new Query.Trends(
        "p",
        series,
        range,
        Query.Granularity.DAY,
        zone,
        breakdowns.stream().map(b -> Field.parse("breakdown", b)).toList(),
        limit,
        compare,
        List.of(filters));
  }

  static Filter filter(String field, String op, String... values) {
    return new Filter(
        Field.parse("filters[0].field", field), Filter.Op.parse("op", op), List.of(values));
  }

  static List<Double> d(double... v) {
    return Arrays.stream(v).boxed().toList();
  }

  @Test
  void dailyCountsAreZeroFilledAndScopedToTheProject() {
    var r =
        engine.trends(
            trends(
                List.of(series("Signed Up", metric("count", null))),
                new DateRange.Last(7, ChronoUnit.DAYS),
                UTC,
                List.of(),
                10,
                false));
    assertThat(r.buckets()).first().isEqualTo("2026-03-25T00:00");
    assertThat(r.buckets()).hasSize(7).last().isEqualTo("2026-03-31T00:00");
    assertThat(r.series())
        .singleElement()
        .satisfies(s -> {
          assertThat(s.values()).isEqualTo(d(1, 1, 0, 0, 1, 0, 0));
          assertThat(s.total()).isEqualTo(3.0);
        });
  }

  @Test
  void timeZoneMovesEventsAcrossTheDayBoundaryAfterTheDstSwitch() {
    var utc =
        engine.trends(
            trends(
                List.of(series(Query.EventMatch.PAGE, metric("count", null))),
                new DateRange.Last(2, ChronoUnit.DAYS),
                UTC,
                List.of(),
                10,
                false));
    var berlin =
        engine.trends(
            trends(
                List.of(series(Query.EventMatch.PAGE, metric("count", null))),
                new DateRange.Last(2, ChronoUnit.DAYS),
                BERLIN,
                List.of(),
                10,
                false));
    assertThat(utc.series().getFirst().values()).isEqualTo(d(1, 0));
    assertThat(berlin.series().getFirst().values()).isEqualTo(d(0, 1));
    // the Berlin day of the switch is 23 hours long: its hourly buckets say so
    var hours =
        engine.trends(
            new Query.Trends(
                "p",
                List.of(series(Query.EventMatch.ANY, metric("count", null))),
                new DateRange.Absolute(
                    LocalDateTime.parse("2026-03-29T00:00"),
                    LocalDateTime.parse("2026-03-30T00:00")),
                Query.Granularity.HOUR,
                BERLIN,
                List.of(),
                10,
                false,
                List.of()));
    assertThat(hours.buckets())
        .hasSize(24); // local wall-clock labels; 02:00 does not exist that day
    assertThat(hours.series().getFirst().values().get(1))
        .isEqualTo(1.0); // a3 signed up at 01:30 CET
  }

  @Test
  void uniqueUsersFallBackToAnonymousIdsAndSessionsCountDistinct() {
    var r =
        engine.trends(
            trends(
                List.of(
                    series(Query.EventMatch.ANY, metric("unique_users", null)),
                    series(Query.EventMatch.ANY, metric("sessions", null)),
                    series(Query.EventMatch.ANY, metric("events_per_user", null))),
                new DateRange.Last(14, ChronoUnit.DAYS),
                UTC,
                List.of(),
                10,
                false));
    assertThat(r.series().get(0).total()).isEqualTo(3.0); // u1, u2, a3
    assertThat(r.series().get(1).total()).isEqualTo(3.0); // s1, s2, s3
    assertThat(r.series().get(2).total()).isEqualTo(7.0 / 3);
  }

  @Test
  void numericPropertyStatistics() {
    DateRange last14 = new DateRange.Last(14, ChronoUnit.DAYS);
    var r =
        engine.trends(
            trends(
                List.of(
                    series("Purchase", metric("sum", "properties.amount")),
                    series("Purchase", metric("avg", "properties.amount")),
                    series("Purchase", metric("max", "properties.amount")),
                    series("Purchase", metric("p50", "properties.amount"))),
                last14,
                UTC,
                List.of(),
                10,
                false));
    assertThat(r.series())
        .extracting(QueryEngine.SeriesResult::total)
        .containsExactly(100.0, 100.0 / 3, 50.0, 30.0);
    assertThat(r.series().getFirst().values().get(r.buckets().indexOf("2026-03-28T00:00")))
        .isEqualTo(50.0);
  }

  @Test
  void breakdownKeepsTopNAndGroupsTheRestAsOther() {
    var r =
        engine.trends(
            trends(
                List.of(series("Signed Up", metric("count", null))),
                new DateRange.Last(7, ChronoUnit.DAYS),
                UTC,
                List.of("country"),
                1,
                false));
    assertThat(r.series())
        .extracting(QueryEngine.SeriesResult::breakdown)
        .containsExactly(List.of("US"), List.of("$other"));
    assertThat(r.series()).extracting(QueryEngine.SeriesResult::total).containsExactly(2.0, 1.0);
    var two =
        engine.trends(
            trends(
                List.of(series("Signed Up", metric("count", null))),
                new DateRange.Last(7, ChronoUnit.DAYS),
                UTC,
                List.of("country", "properties.plan"),
                10,
                false));
    assertThat(two.series())
        .extracting(QueryEngine.SeriesResult::breakdown)
        .containsExactlyInAnyOrder(
            List.of("DE", "pro"), List.of("US", "free"), List.of("US", "(none)"));
  }

  @Test
  void comparisonWithThePreviousPeriod() {
    var r =
        engine.trends(
            trends(
                List.of(series("Purchase", metric("count", null))),
                new DateRange.Last(7, ChronoUnit.DAYS),
                UTC,
                List.of(),
                10,
                true));
    assertThat(r.compareBuckets()).first().isEqualTo("2026-03-18T00:00");
    assertThat(r.series()).hasSize(2);
    assertThat(r.series().get(0).total()).isEqualTo(2.0);
    assertThat(r.series().get(1).compare()).isTrue();
    assertThat(r.series().get(1).total()).isEqualTo(1.0); // a3's purchase on the 20th
  }

  @Test
  void filtersOnPropertiesNestedPathsAndColumns() {
    DateRange last14 = new DateRange.Last(14, ChronoUnit.DAYS);
    Query.Series any = series(Query.EventMatch.ANY, metric("count", null));
    assertThat(
            total(
                trends(
                    List.of(any),
                    last14,
                    UTC,
                    List.of(),
                    10,
                    false,
                    filter("country", "eq", "DE"))))
        .isEqualTo(3.0);
    assertThat(
            total(
                trends(
                    List.of(any),
                    last14,
                    UTC,
                    List.of(),
                    10,
                    false,
                    filter("country", "neq", "DE"))))
        .isEqualTo(4.0);
    assertThat(
            total(
                trends(
                    List.of(any),
                    last14,
                    UTC,
                    List.of(),
                    10,
                    false,
                    filter("properties.plan", "in", "pro", "team"))))
        .isEqualTo(1.0);
    assertThat(
            total(
                trends(
                    List.of(any),
                    last14,
                    UTC,
                    List.of(),
                    10,
                    false,
                    filter("properties.plan", "not_in", "pro"))))
        .isEqualTo(6.0);
    assertThat(
            total(
                trends(
                    List.of(any),
                    last14,
                    UTC,
                    List.of(),
                    10,
                    false,
                    filter("properties.item.sku", "contains", "b-"))))
        .isEqualTo(1.0);
    assertThat(
            total(
                trends(
                    List.of(any),
                    last14,
                    UTC,
                    List.of(),
                    10,
                    false,
                    filter("properties.item.sku", "not_contains", "b-"))))
        .isEqualTo(6.0);
    assertThat(
            total(
                trends(
                    List.of(any),
                    last14,
                    UTC,
                    List.of(),
                    10,
                    false,
                    filter("properties.item.sku", "regex", "^[AB]-\\d$"))))
        .isEqualTo(2.0);
    assertThat(
            total(
                trends(
                    List.of(any),
                    last14,
                    UTC,
                    List.of(),
                    10,
                    false,
                    filter("properties.amount", "gt", "20"))))
        .isEqualTo(2.0);
    assertThat(
            total(
                trends(
                    List.of(any),
                    last14,
                    UTC,
                    List.of(),
                    10,
                    false,
                    filter("properties.amount", "gte", "20"))))
        .isEqualTo(3.0);
    assertThat(
            total(
                trends(
                    List.of(any),
                    last14,
                    UTC,
                    List.of(),
                    10,
                    false,
                    filter("properties.amount", "lt", "20"))))
        .isEqualTo(1.0);
    assertThat(
            total(
                trends(
                    List.of(any),
                    last14,
                    UTC,
                    List.of(),
                    10,
                    false,
                    filter("properties.amount", "lte", "20"))))
        .isEqualTo(2.0);
    assertThat(
            total(
                trends(
                    List.of(any),
                    last14,
                    UTC,
                    List.of(),
                    10,
                    false,
                    filter("properties.amount", "is_set"))))
        .isEqualTo(4.0);
    assertThat(
            total(
                trends(
                    List.of(any),
                    last14,
                    UTC,
                    List.of(),
                    10,
                    false,
                    filter("user_id", "is_not_set"))))
        .isEqualTo(2.0);
  }

  private static double total(Query.Trends q) {
    return engine.trends(q).series().getFirst().total();
  }

  @Test
  void emptyRangesGiveZerosNotErrors() {
    var r =
        engine.trends(
            trends(
                List.of(
                    series("Signed Up", metric("count", null)),
                    series("Purchase", metric("avg", "properties.amount"))),
                new DateRange.Named("last_month"),
                UTC,
                List.of(),
                10,
                false));
    assertThat(r.buckets()).hasSize(28);
    assertThat(r.series().get(0).values()).containsOnly(0.0);
    assertThat(r.series().get(1).values()).containsOnlyNulls();
  }

  static Query.Funnel funnel(List<String> steps, Duration window, Optional<String> breakdown) {
    return new Query.Funnel(
        "p",
        steps.stream().map(s -> new Query.EventMatch(s, List.of())).toList(),
        window,
        new DateRange.Last(14, ChronoUnit.DAYS),
        UTC,
        breakdown.map(b -> Field.parse("breakdown", b)),
        List.of());
  }

  @Test
  void funnelCountsOrderedStepsWithinTheWindow() {
    var r =
        engine.funnel(
            funnel(List.of("Signed Up", "Purchase"), Duration.ofDays(7), Optional.empty()));
    QueryEngine.FunnelGroup all = r.groups().getFirst();
    assertThat(all.counts()).containsExactly(3L, 2L); // a3 bought before signing up: not converted
    assertThat(all.conversion()).containsExactly(1.0, 2.0 / 3);
    assertThat(all.medianSeconds().get(1)).isEqualTo((3600 + 172_800) / 2.0);
    var tight =
        engine.funnel(
            funnel(List.of("Signed Up", "Purchase"), Duration.ofDays(1), Optional.empty()));
    assertThat(tight.groups().getFirst().counts()).containsExactly(3L, 1L); // u2 took two days
  }

  @Test
  void funnelWithRepeatedStepsAndBreakdown() {
    var repeated =
        engine.funnel(
            funnel(List.of("Signed Up", "Signed Up"), Duration.ofDays(7), Optional.empty()));
    assertThat(repeated.groups().getFirst().counts()).containsExactly(3L, 0L);
    var byCountry =
        engine.funnel(
            funnel(List.of("Signed Up", "Purchase"), Duration.ofDays(7), Optional.of("country")));
    assertThat(byCountry.groups())
        .extracting(QueryEngine.FunnelGroup::breakdown)
        .containsExactly("$all", "US", "DE");
    assertThat(byCountry.groups().get(1).counts()).containsExactly(2L, 1L);
    assertThat(byCountry.groups().get(2).counts()).containsExactly(1L, 1L);
  }

  @Test
  void retentionTriangleWithUnelapsedPeriodsLeftOpen() {
    var r =
        engine.retention(
            new Query.Retention(
                "p",
                new Query.EventMatch("Signed Up", List.of()),
                new Query.EventMatch(Query.EventMatch.ANY, List.of()),
                Query.Granularity.DAY,
                3,
                new DateRange.Last(7, ChronoUnit.DAYS),
                UTC,
                List.of()));
    assertThat(r.cohorts())
        .extracting(QueryEngine.Cohort::start)
        .first()
        .isEqualTo("2026-03-25T00:00");
    assertThat(r.cohorts())
        .extracting(QueryEngine.Cohort::size)
        .containsExactly(1L, 1L, 0L, 0L, 1L, 0L, 0L);
    assertThat(r.cohorts().get(0).returned()).containsExactly(1L, 0L, 0L);
    assertThat(r.cohorts().get(1).returned()).containsExactly(1L, 0L, 1L);
    assertThat(r.cohorts().get(1).rates()).containsExactly(1.0, 0.0, 1.0);
    assertThat(r.cohorts().get(4).returned())
        .containsExactly(1L, 0L, 0L); // a3's earlier purchase does not count
    assertThat(r.cohorts().get(5).returned()).containsExactly(0L, 0L, null);
    assertThat(r.cohorts().get(6).returned()).isEqualTo(Arrays.asList(0L, null, null));
    var weekly =
        engine.retention(
            new Query.Retention(
                "p",
                new Query.EventMatch("Signed Up", List.of()),
                new Query.EventMatch("Purchase", List.of()),
                Query.Granularity.WEEK,
                2,
                new DateRange.Last(2, ChronoUnit.WEEKS),
                UTC,
                List.of()));
    // weeks start on Monday 2026-03-23: all three signed up that week; u1 and u2 bought that week
    assertThat(weekly.cohorts())
        .extracting(QueryEngine.Cohort::start)
        .containsExactly("2026-03-23T00:00", "2026-03-30T00:00");
    assertThat(weekly.cohorts().getFirst().size()).isEqualTo(3);
    assertThat(weekly.cohorts().getFirst().returned()).containsExactly(2L, 0L);
    assertThat(weekly.cohorts().get(1).returned())
        .isEqualTo(Arrays.asList(0L, null)); // next week has not begun
  }

  @Test
  void retentionFiltersApplyToCohortAndReturningEvents() {
    var us =
        engine.retention(
            new Query.Retention(
                "p",
                new Query.EventMatch("Signed Up", List.of()),
                new Query.EventMatch(Query.EventMatch.ANY, List.of()),
                Query.Granularity.DAY,
                3,
                new DateRange.Last(7, ChronoUnit.DAYS),
                UTC,
                List.of(filter("country", "eq", "US"))));
    // u1 (DE) is no cohort; u2 signed up on the 26th and bought on the 28th; a3 signed up on the
    // 29th
    assertThat(us.cohorts())
        .extracting(QueryEngine.Cohort::size)
        .containsExactly(0L, 1L, 0L, 0L, 1L, 0L, 0L);
    assertThat(us.cohorts().get(1).returned()).containsExactly(1L, 0L, 1L);
    assertThat(us.cohorts().get(4).returned()).containsExactly(1L, 0L, 0L);
    // a returning event must pass the filters too: u1's page view on the 30th brings u1 back,
    // unless the filters keep only track calls
    var pages =
        engine.retention(
            new Query.Retention(
                "p",
                new Query.EventMatch("Signed Up", List.of()),
                new Query.EventMatch(Query.EventMatch.PAGE, List.of()),
                Query.Granularity.DAY,
                7,
                new DateRange.Last(7, ChronoUnit.DAYS),
                UTC,
                List.of()));
    assertThat(pages.cohorts().getFirst().returned().get(5)).isEqualTo(1L);
    var tracksOnly =
        engine.retention(
            new Query.Retention(
                "p",
                new Query.EventMatch("Signed Up", List.of()),
                new Query.EventMatch(Query.EventMatch.PAGE, List.of()),
                Query.Granularity.DAY,
                7,
                new DateRange.Last(7, ChronoUnit.DAYS),
                UTC,
                List.of(filter("type", "eq", "track"))));
    assertThat(tracksOnly.cohorts().getFirst().size()).isEqualTo(1L);
    assertThat(tracksOnly.cohorts().getFirst().returned().get(5)).isZero();
  }

  @Test
  void invalidPartsAreNamed() {
    assertThatThrownBy(() -> Field.parse("series[0].filters[1].field", "nope"))
        .hasMessageStartingWith("series[0].filters[1].field: unknown field 'nope'");
    assertThatThrownBy(() -> Field.parse("breakdown[0]", "properties."))
        .hasMessageContaining("invalid path segment");
    assertThatThrownBy(() -> Field.parse("breakdown[0]", "properties.a'b"))
        .hasMessageContaining("invalid path segment");
    assertThatThrownBy(() -> Metric.parse("series[0].metric", "median", null))
        .hasMessageContaining("unknown metric 'median'");
    assertThatThrownBy(() -> Metric.parse("series[0].metric", "sum", null))
        .hasMessageContaining("needs a numeric 'property'");
    assertThatThrownBy(() -> Filter.Op.parse("filters[0].op", "like"))
        .hasMessageContaining("unknown operator 'like'");
  }
}
