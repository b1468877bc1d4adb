package dev.causality.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.causality.event.Event;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The demo generator: exact, reproducible, inside its window, and telling a consistent story. */
class DemoDataTest {
  static final Instant NOW = Instant.parse("2026-11-23T15:04:05.123456Z");
  static final InstantSource CLOCK = InstantSource.fixed(NOW);
  static final long NOW_MICROS = micros(NOW);
  static final long DAY = 86_400_000_000L;
  static final ObjectMapper JSON = new ObjectMapper();

  /** One data set of 60,000 events over 90 days that most tests read. */
  static List<Event> events;

  @BeforeAll
  static void generate() {
    events = generate("shop", 60_000, 90, 7);
  }

  static List<Event> generate(String project, long n, int days, long seed) {
    return new DemoData(new DemoData.Options(project, n, days, seed), CLOCK).stream().toList();
  }

  static long micros(Instant t) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, t);
  }

  static JsonNode json(String s) {
    try {
      return JSON.readTree(s);
    } catch (java.io.IOException e) {
      throw new AssertionError(s, e);
    }
  }

  /** The events in the order they happened (ties keep the generator's order). */
  static List<Event> byTime(List<Event> list) {
    List<Event> sorted = new ArrayList<>(list);
    sorted.sort(Comparator.comparingLong(Event::timestamp));
    return sorted;
  }

  @Test
  void theSameSeedGivesTheSameEventsAndAnotherSeedOthers() {
    List<Event> a = generate("shop", 5_000, 30, 42);
    List<Event> b = generate("shop", 5_000, 30, 42);
    List<Event> c = generate("shop", 5_000, 30, 43);
    assertThat(a).isEqualTo(b);
    assertThat(c).hasSize(5_000);
    assertThat(c.getFirst()).isNotEqualTo(a.getFirst());
    Set<String> ids = a.stream().map(Event::eventId).collect(Collectors.toSet());
    assertThat(c).noneMatch(e -> ids.contains(e.eventId()));
  }

  @Test
  void producesExactlyTheRequestedNumberOfEvents() {
    for (long n : new long[] {0, 1, 2, 3, 17, 999, 12_345}) {
      for (int days : new int[] {1, 7, 90}) {
        DemoData d = new DemoData(new DemoData.Options("p", n, days, n * 31 + days), CLOCK);
        long[] seen = {0};
        d.forEachRemaining(e -> seen[0]++);
        assertThat(seen[0]).as("%d events over %d days", n, days).isEqualTo(n);
        assertThat(d.stats().events()).isEqualTo(n);
        assertThat(d.hasNext()).isFalse();
      }
    }
    assertThat(events).hasSize(60_000);
  }

  @Test
  void refusesImpossibleOptions() {
    assertThatThrownBy(() -> new DemoData.Options("p", -1, 90, 1)).hasMessageContaining("events");
    assertThatThrownBy(() -> new DemoData.Options("p", 10, 0, 1)).hasMessageContaining("days");
    assertThatThrownBy(() -> new DemoData.Options(null, 10, 90, 1))
        .hasMessageContaining("projectId");
  }

  @Test
  void everyTimeLiesInTheWindowAndNoneInTheFuture() {
    long from = NOW_MICROS - 90 * DAY;
    for (Event e : events) {
      assertThat(e.timestamp()).isGreaterThan(from).isLessThanOrEqualTo(NOW_MICROS);
      assertThat(e.receivedAt())
          .isGreaterThanOrEqualTo(e.timestamp())
          .isLessThanOrEqualTo(NOW_MICROS);
      assertThat(e.sentAt()).isLessThanOrEqualTo(e.receivedAt());
      assertThat(e.originalTimestamp()).isLessThanOrEqualTo(e.timestamp());
      // the server's clock-skew correction gives back the event's time
      assertThat(e.receivedAt() - (e.sentAt() - e.originalTimestamp())).isEqualTo(e.timestamp());
    }
    long first = events.stream().mapToLong(Event::timestamp).min().orElseThrow();
    long last = events.stream().mapToLong(Event::timestamp).max().orElseThrow();
    assertThat(first - from).isLessThan(DAY);
    assertThat(NOW_MICROS - last).isLessThan(DAY);
    List<Event> shortWindow = generate("p", 3_000, 1, 5);
    assertThat(shortWindow)
        .allSatisfy(e ->
            assertThat(e.timestamp())
                .isGreaterThan(NOW_MICROS - DAY)
                .isLessThanOrEqualTo(NOW_MICROS));
  }

  @Test
  void eventIdsAreUniqueAndEveryEventBelongsToTheProject() {
    assertThat(events.stream().map(Event::eventId).distinct().count()).isEqualTo(events.size());
    assertThat(events).allSatisfy(e -> assertThat(e.appId()).isEqualTo("shop"));
    assertThat(events)
        .allSatisfy(e ->
            assertThat(e.eventId())
                .matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"));
  }

  @Test
  void everyTypeAndTheFunnelEventsArePresent() {
    Map<String, Long> types =
        events.stream().collect(Collectors.groupingBy(Event::type, Collectors.counting()));
    assertThat(types.keySet()).containsExactlyInAnyOrderElementsOf(Event.TYPES);
    Map<String, Long> tracks =
        events.stream()
            .filter(e -> e.type().equals("track"))
            .collect(Collectors.groupingBy(Event::event, Collectors.counting()));
    assertThat(tracks)
        .containsKeys(
            "Signed Up",
            "Logged In",
            "Viewed Product",
            "Added to Cart",
            "Checkout Started",
            "Purchase",
            "Invited Teammate",
            "Products Searched",
            "Upgraded Plan",
            "Application Installed",
            "Application Opened",
            "Payment Succeeded",
            "Email Sent");
    // a funnel with drop-off at every step
    assertThat(tracks.get("Viewed Product")).isGreaterThan(tracks.get("Added to Cart"));
    assertThat(tracks.get("Added to Cart")).isGreaterThan(tracks.get("Checkout Started"));
    assertThat(tracks.get("Checkout Started")).isGreaterThan(tracks.get("Purchase"));
    assertThat(tracks.get("Purchase")).isPositive();
    // page views are the most common kind of event
    assertThat(types.get("page")).isGreaterThan(events.size() / 4);
  }

  @Test
  void identifyCallsCarryTraitsAndAUserIdFirstAppearsOnOne() {
    List<Event> identifies = events.stream().filter(e -> e.type().equals("identify")).toList();
    assertThat(identifies)
        .isNotEmpty()
        .allSatisfy(e -> {
          JsonNode t = json(e.traits());
          assertThat(e.userId()).startsWith("usr_");
          assertThat(e.anonymousId()).isNotNull();
          assertThat(t.path("email").asText())
              .matches("[a-z]+\\.[a-z]+\\d+@[a-z]+\\.(example|com|net|org)");
          assertThat(t.path("plan").asText()).isIn("free", "pro", "team");
          assertThat(Instant.parse(t.path("created_at").asText())).isBefore(NOW);
        });
    Map<String, Event> firstByUser = new HashMap<>();
    for (Event e : byTime(events)) {
      if (e.userId() != null) {
        firstByUser.putIfAbsent(e.userId(), e);
      }
    }
    assertThat(firstByUser).isNotEmpty();
    assertThat(firstByUser.values()).allSatisfy(e -> assertThat(e.type()).isEqualTo("identify"));
    // once a device is identified, every later event from it carries the same user id
    Map<String, String> userOfDevice = new HashMap<>();
    for (Event e : byTime(events)) {
      if (e.anonymousId() == null) {
        assertThat(e.libraryName()).isEqualTo("analytics-java");
        assertThat(e.userId()).isNotNull();
        continue;
      }
      String known = userOfDevice.get(e.anonymousId());
      if (known != null) {
        assertThat(e.userId())
            .as("event %s of device %s", e.eventId(), e.anonymousId())
            .isEqualTo(known);
      } else if (e.userId() != null) {
        userOfDevice.put(e.anonymousId(), e.userId());
      }
    }
  }

  @Test
  void peopleSignUpBeforeTheyBuyOrInviteAndBuyOnlyWhatTheyCheckedOut() {
    long windowStart = NOW_MICROS - 90 * DAY;
    Map<String, Long> signedUp = new HashMap<>();
    Map<String, Long> createdAt = new HashMap<>();
    Map<String, Event> checkouts = new HashMap<>();
    Set<String> devicesWithCart = new HashSet<>();
    int purchases = 0;
    for (Event e : byTime(events)) {
      String name = e.type().equals("track") ? e.event() : "$" + e.type();
      if (name.equals("$identify")) {
        createdAt.put(
            e.userId(), micros(Instant.parse(json(e.traits()).path("created_at").asText())));
      }
      switch (name) {
        case "Signed Up" -> {
          assertThat(signedUp).as("signs up once").doesNotContainKey(e.userId());
          signedUp.put(e.userId(), e.timestamp());
          assertThat(createdAt.get(e.userId()))
              .isGreaterThan(windowStart)
              .isLessThanOrEqualTo(e.timestamp());
        }
        case "Added to Cart" -> devicesWithCart.add(e.anonymousId());
        case "Checkout Started", "Purchase", "Invited Teammate" -> {
          assertThat(e.userId()).isNotNull();
          if (!signedUp.containsKey(e.userId())) {
            assertThat(createdAt.get(e.userId()))
                .as("%s of %s who signed up before the window", name, e.userId())
                .isLessThan(windowStart);
          }
          if (name.equals("Checkout Started")) {
            assertThat(devicesWithCart).contains(e.anonymousId());
            checkouts.put(json(e.properties()).path("order_id").asText(), e);
          }
          if (name.equals("Purchase")) {
            purchases++;
            JsonNode p = json(e.properties());
            Event checkout = checkouts.get(p.path("order_id").asText());
            assertThat(checkout).as("the checkout of %s", p.path("order_id").asText()).isNotNull();
            assertThat(checkout.sessionId()).isEqualTo(e.sessionId());
            assertThat(p.path("revenue").asDouble())
                .isPositive()
                .isLessThanOrEqualTo(p.path("price").asDouble());
            assertThat(p.path("currency").asText()).isEqualTo("USD");
            assertThat(p.path("products").size())
                .isEqualTo(p.path("quantity").asInt())
                .isPositive();
          }
        }
        default -> {}
      }
    }
    assertThat(signedUp).hasSizeGreaterThan(100);
    assertThat(purchases).isGreaterThan(50);
  }

  @Test
  void sessionsAreOneDeviceEventsSecondsApartAndNeverOverlap() {
    Map<String, List<Event>> sessions =
        events.stream()
            .filter(e -> e.sessionId() != null)
            .collect(Collectors.groupingBy(Event::sessionId));
    assertThat(sessions.size()).isGreaterThan(5_000);
    Map<String, List<long[]>> spansByDevice = new HashMap<>();
    for (List<Event> s : sessions.values()) {
      assertThat(s.stream().map(Event::anonymousId).distinct()).hasSize(1);
      List<Event> sorted = byTime(s);
      for (int i = 1; i < sorted.size(); i++) {
        assertThat(sorted.get(i).timestamp() - sorted.get(i - 1).timestamp())
            .isGreaterThanOrEqualTo(1_000_000L);
      }
      spansByDevice
          .computeIfAbsent(s.getFirst().anonymousId(), k -> new ArrayList<>())
          .add(new long[] {sorted.getFirst().timestamp(), sorted.getLast().timestamp()});
    }
    for (List<long[]> spans : spansByDevice.values()) {
      spans.sort(Comparator.comparingLong(x -> x[0]));
      for (int i = 1; i < spans.size(); i++) {
        assertThat(spans.get(i)[0]).isGreaterThan(spans.get(i - 1)[1]);
      }
    }
    // backend events have no session, and only they
    assertThat(events.stream().filter(e -> e.sessionId() == null))
        .isNotEmpty()
        .allSatisfy(e -> assertThat(e.service()).isIn("billing", "notifications"));
  }

  @Test
  void promotedColumnsMatchTheContextTheyCameFrom() {
    for (Event e : events) {
      JsonNode c = json(e.context());
      assertThat(e.libraryName()).isEqualTo(c.path("library").path("name").asText());
      assertThat(e.libraryVersion()).isEqualTo(c.path("library").path("version").asText());
      if (e.service() != null) {
        assertThat(c.path("service").asText()).isEqualTo(e.service());
        assertThat(e.country()).isNull();
        continue;
      }
      assertThat(c.path("sessionId").asText()).isEqualTo(e.sessionId());
      assertThat(e.country()).isEqualTo(c.path("location").path("country").asText());
      assertThat(e.city()).isEqualTo(c.path("location").path("city").asText());
      assertThat(e.region()).isEqualTo(c.path("location").path("region").textValue());
      assertThat(e.locale()).isEqualTo(c.path("locale").asText());
      assertThat(e.timezone()).isEqualTo(c.path("timezone").asText());
      assertThat(e.screenWidth()).isEqualTo(c.path("screen").path("width").asInt());
      assertThat(e.groupId())
          .isEqualTo(e.type().equals("group") ? e.groupId() : c.path("groupId").textValue());
      if (e.libraryName().equals("analytics.js")) {
        assertThat(e.pageUrl())
            .isEqualTo(c.path("page").path("url").asText())
            .startsWith("https://pixelmart.example/");
        assertThat(c.path("userAgent").asText()).startsWith("Mozilla/5.0 (");
        assertThat(e.browser()).isNotNull();
      } else {
        assertThat(e.appVersion()).isEqualTo(c.path("app").path("version").asText());
        assertThat(e.os()).isEqualTo(c.path("os").path("name").asText());
        assertThat(e.deviceModel()).isEqualTo(c.path("device").path("model").asText());
        assertThat(e.pageUrl()).isNull();
      }
    }
  }

  @Test
  void peopleComeFromManyPlacesPlatformsAndCampaigns() {
    assertThat(distinct(Event::country))
        .hasSizeGreaterThanOrEqualTo(12)
        .contains("US", "DE", "IN", "BR", "JP");
    assertThat(distinct(Event::timezone)).hasSizeGreaterThanOrEqualTo(12);
    assertThat(distinct(Event::locale)).hasSizeGreaterThanOrEqualTo(10);
    assertThat(distinct(Event::libraryName))
        .containsExactlyInAnyOrder(
            "analytics.js", "analytics-ios", "analytics-android", "analytics-java");
    assertThat(distinct(Event::deviceType)).contains("desktop", "mobile", "tablet");
    assertThat(distinct(Event::browser)).contains("Chrome", "Safari", "Firefox", "Edge");
    assertThat(distinct(Event::os)).contains("Windows NT", "Mac OS", "iOS", "Android");
    assertThat(distinct(Event::service)).containsExactlyInAnyOrder("billing", "notifications");
    assertThat(
            events.stream()
                .filter(e -> "analytics-ios".equals(e.libraryName()))
                .map(Event::appVersion)
                .distinct()
                .count())
        .isGreaterThanOrEqualTo(3);
    assertThat(distinct(Event::utmSource)).contains("google", "newsletter", "producthunt");
    assertThat(events.stream().filter(e -> e.utmSource() != null).count())
        .isBetween(events.size() / 200L, events.size() / 5L);
    assertThat(events.stream().filter(e -> e.type().equals("group")))
        .isNotEmpty()
        .allSatisfy(e -> assertThat(json(e.traits()).path("name").asText()).isNotBlank());
    long people =
        events.stream()
            .map(e -> e.anonymousId() != null ? e.anonymousId() : e.userId())
            .distinct()
            .count();
    assertThat(people).isBetween(2_000L, 20_000L);
  }

  @Test
  void activityGrowsDipsAtWeekendsAndSpikesOnLaunchDay() {
    long from = NOW_MICROS - 90 * DAY;
    long[] perDay = new long[90];
    for (Event e : events) {
      perDay[(int) ((e.timestamp() - from) / DAY)]++;
    }
    long first30 = java.util.Arrays.stream(perDay, 0, 30).sum();
    long last30 = java.util.Arrays.stream(perDay, 60, 90).sum();
    assertThat(last30).isGreaterThan(first30 * 13 / 10);
    double weekend = 0;
    double weekdays = 0;
    int weekendDays = 0;
    for (int d = 1; d < 89; d++) {
      DayOfWeek dow =
          Instant.EPOCH
              .plus(from + d * DAY + DAY / 2, ChronoUnit.MICROS)
              .atZone(ZoneOffset.UTC)
              .getDayOfWeek();
      if (dow == DayOfWeek.SATURDAY || dow == DayOfWeek.SUNDAY) {
        weekend += perDay[d];
        weekendDays++;
      } else {
        weekdays += perDay[d];
      }
    }
    assertThat(weekend / weekendDays).isLessThan(0.85 * weekdays / (88 - weekendDays));
    long[] sorted = perDay.clone();
    java.util.Arrays.sort(sorted);
    assertThat(sorted[89]).isGreaterThan(sorted[45] * 3 / 2);
  }

  static <T> Set<T> distinct(java.util.function.Function<Event, T> f) {
    Set<T> out = new HashSet<>();
    for (Event e : events) {
      T v = f.apply(e);
      if (v != null) {
        out.add(v);
      }
    }
    return out;
  }
}
