package dev.causality.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.causality.event.Event;
import dev.causality.event.Events;
import dev.causality.warehouse.DuckDbWarehouse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Trends with a breakdown on random events, against the question answered in plain Java over the
 * same events: top N groups by the exact metric over the range (ties by name), the rest as one
 * {@code $other} group, users as the user id else the anonymous id (strings, not keys). Users
 * appear in several countries, so a distinct count of $other is not the sum of its groups.
 */
class TrendsReferenceTest {
  @org.junit.jupiter.api.io.TempDir static Path dir;
  static DuckDbWarehouse warehouse;
  static QueryEngine engine;
  static final List<Event> EVENTS = new ArrayList<>();
  static final Instant NOW = Instant.parse("2026-03-31T12:00:00Z");

  /** An event as the reference sees it. */
  record Row(LocalDateTime day, String country, String user, String session, Double amount) {}

  static final List<Row> ROWS = new ArrayList<>();

  @BeforeAll
  static void load() {
    Random random = new Random(11);
    String[] countries = {"DE", "US", "FR", "GB", "JP", "BR", "IN", null};
    for (int i = 0; i < 4000; i++) {
      int u =
          (int)
              Math.floor(
                  Math.pow(random.nextDouble(), 2) * 120); // skewed: some users far more active
      Instant at = NOW.minus(Duration.ofMinutes(random.nextInt(20 * 24 * 60)));
      String country =
          countries[
              Math.min(
                  countries.length - 1,
                  (int) Math.floor(Math.pow(random.nextDouble(), 1.5) * countries.length))];
      Events e =
          Events.track(random.nextInt(5) == 0 ? "Purchase" : "View")
              .id("e" + i)
              .app("p")
              .at(at)
              .country(country);
      String user = null;
      switch (random.nextInt(10)) {
        case 0 -> {} // neither id: counted as an event, never as a user
        case 1, 2, 3 -> {
          e.anonymous("anon-" + u);
          user = "anon-" + u;
        }
        case 4 -> {
          e.user("user-" + u).anonymous("anon-" + u);
          user = "user-" + u;
        }
        default -> {
          e.user("user-" + u);
          user = "user-" + u;
        }
      }
      String session = random.nextInt(6) == 0 ? null : "s" + random.nextInt(300);
      if (session != null) {
        e.session(session);
      }
      Double amount = random.nextInt(3) == 0 ? null : (double) random.nextInt(1000);
      if (amount != null) {
        e.properties("{\"amount\":" + amount.intValue() + "}");
      }
      EVENTS.add(e.build());
      ROWS.add(
          new Row(
              LocalDateTime.ofInstant(at, ZoneOffset.UTC).truncatedTo(ChronoUnit.DAYS),
              country == null ? "(none)" : country,
              user,
              session,
              amount));
    }
    warehouse = DuckDbWarehouse.open(dir.resolve("r.duckdb"), "256MB");
    warehouse.load(EVENTS, List.of(), 1);
    engine = new QueryEngine(warehouse, InstantSource.fixed(NOW), Duration.ofSeconds(30));
  }

  @AfterAll
  static void close() {
    warehouse.close();
  }

  static Double reference(String metric, List<Row> rows) {
    Function<Function<Row, Object>, Integer> distinct =
        f -> (int) rows.stream().map(f).filter(Objects::nonNull).distinct().count();
    return switch (metric) {
      case "count" -> (double) rows.size();
      case "unique_users" -> (double) distinct.apply(Row::user);
      case "sessions" -> (double) distinct.apply(Row::session);
      case "events_per_user" ->
          distinct.apply(Row::user) == 0 ? null : rows.size() / (double) distinct.apply(Row::user);
      case "avg" ->
          rows.stream().filter(r -> r.amount() != null).mapToDouble(Row::amount).average().stream()
              .boxed()
              .findFirst()
              .orElse(null);
      default -> throw new IllegalArgumentException(metric);
    };
  }

  @ParameterizedTest
  @CsvSource({
    "count, 3",
    "unique_users, 1",
    "unique_users, 3",
    "unique_users, 7",
    "unique_users, 20",
    "sessions, 2",
    "events_per_user, 3",
    "avg, 4",
    "count, 8"
  })
  void breakdownMatchesThePlainJavaAnswer(String metric, int limit) {
    Query.Trends q =
        new Query.Trends(
            "p",
            List.of(
                new Query.Series(
                    new Query.EventMatch(Query.EventMatch.ANY, List.of()),
                    Metric.parse(
                        "metric", metric, metric.equals("avg") ? "properties.amount" : null))),
            new DateRange.Last(14, ChronoUnit.DAYS),
            Query.Granularity.DAY,
            ZoneOffset.UTC,
            List.of(Field.parse("breakdown", "country")),
            limit,
            false,
            List.of());
    DateRange.Window w = engine.window(q);
    List<Row> inRange =
        ROWS.stream().filter(r -> !r.day().isBefore(w.from()) && r.day().isBefore(w.to())).toList();
    Map<String, List<Row>> byCountry =
        inRange.stream().collect(Collectors.groupingBy(Row::country));
    List<String> ranked = new ArrayList<>(byCountry.keySet());
    ranked.sort(
        Comparator.comparing(
                (String g) -> reference(metric, byCountry.get(g)),
                Comparator.nullsLast(Comparator.reverseOrder()))
            .thenComparing(Comparator.naturalOrder()));
    Set<String> top = new HashSet<>(ranked.subList(0, Math.min(limit, ranked.size())));
    Map<String, List<Row>> expectedGroups = new HashMap<>();
    for (Row r : inRange) {
      expectedGroups
          .computeIfAbsent(
              top.contains(r.country()) ? r.country() : "$other", k -> new ArrayList<>())
          .add(r);
    }
    boolean zeroFilled = !metric.equals("events_per_user") && !metric.equals("avg");

    QueryEngine.TrendsResult result = engine.trends(q);
    assertThat(result.series())
        .extracting(s -> s.breakdown().getFirst())
        .containsExactlyInAnyOrderElementsOf(expectedGroups.keySet());
    if (expectedGroups.containsKey("$other")) {
      assertThat(result.series().getLast().breakdown()).containsExactly("$other");
    }
    for (QueryEngine.SeriesResult s : result.series()) {
      List<Row> rows = expectedGroups.get(s.breakdown().getFirst());
      assertClose(s.total(), reference(metric, rows), s.label() + " total");
      for (int b = 0; b < result.buckets().size(); b++) {
        LocalDateTime day = LocalDateTime.parse(result.buckets().get(b));
        List<Row> inBucket = rows.stream().filter(r -> r.day().equals(day)).toList();
        Double expected =
            inBucket.isEmpty() ? (zeroFilled ? 0.0 : null) : reference(metric, inBucket);
        assertClose(s.values().get(b), expected, s.label() + " on " + day);
      }
    }
    List<String> others = ranked.stream().filter(g -> !top.contains(g)).toList();
    if (metric.equals("unique_users") && others.size() > 1) {
      // the point of computing $other again: its users are not the sum of its groups' users
      double sumOfGroups =
          others.stream().mapToDouble(g -> reference(metric, byCountry.get(g))).sum();
      assertThat(result.series().getLast().total()).isLessThan(sumOfGroups);
    }
  }

  private static void assertClose(Double actual, Double expected, String what) {
    if (expected == null) {
      assertThat(actual).as(what).isNull();
    } else {
      assertThat(actual)
          .as(what)
          .isNotNull()
          .isCloseTo(expected, within(1e-9 * Math.max(1, Math.abs(expected))));
    }
  }
}
