package dev.causality.demo;

import static java.util.Objects.requireNonNull;

import dev.causality.demo.World.Browser;
import dev.causality.demo.World.Company;
import dev.causality.demo.World.Device;
import dev.causality.demo.World.Place;
import dev.causality.demo.World.Platform;
import dev.causality.demo.World.Product;
import dev.causality.demo.World.Release;
import dev.causality.demo.World.Source;
import dev.causality.event.Event;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneId;
import java.time.zone.ZoneRules;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Realistic generated events for one project: people visiting Pixelmart (a made-up marketplace of
 * design assets) on the web and in its iOS and Android apps over the last {@code days} days.
 * Exactly {@code events} events, produced lazily in roughly time order, and the same events for the
 * same seed and "now" ({@code causality demo}; benchmarks can replay a seed).
 *
 * <p>What it models: a population that grows over the window (with a launch spike two thirds in) on
 * top of people who were there before it; returning visits that decay with age and idleness, more
 * for engaged people and those with an account; weekday/weekend seasonality and a daily rhythm in
 * each person's local time zone; sessions of page views or screens with product views, searches,
 * carts, checkouts and purchases (with drop-off at each step), sign-ups (identify with e-mail,
 * name, plan and company traits, then {@code Signed Up}), group calls for people at a company,
 * teammate invitations, plan upgrades, logins, app installs and opens, and the events the {@code
 * billing} and {@code notifications} services send with {@code analytics-java}; first visits from
 * search, social, referral, newsletter and paid campaigns (UTM tags on the landing page); desktop
 * and mobile browsers whose versions advance with the calendar, phones and tablets whose app
 * version follows the releases, 33 cities in 15 countries with their locales. The promoted columns
 * are exactly what ingestion would derive from each event's context, which holds the library, page,
 * user agent or app/device/os, locale, time zone, screen, {@code location} (what GeoIP would have
 * found), {@code sessionId} and {@code groupId}.
 *
 * <p>What the stream promises (and {@code DemoDataTest} checks): every event lies in {@code (now -
 * days, now]}; event ids are unique; a {@code user_id} first appears on an identify call, and from
 * then on every event of that person's device carries it; a person who signs up in the window has
 * {@code Signed Up} before any {@code Checkout Started}, {@code Purchase} or {@code Invited
 * Teammate}; every {@code Purchase} follows a {@code Checkout Started} with the same {@code
 * order_id} in the same session, which follows an {@code Added to Cart}; a session's events are at
 * least a second apart and never overlap another session of the same person.
 */
public final class DemoData implements Iterator<Event> {
  /*
   * Implementation note. The window is cut into days; each day gets a share of the requested
   * events (growth × weekday × noise, plus a launch spike), so the total is exact and the charts
   * have shape. A day is planned first: returning people are drawn from the pool by a retention
   * curve (up to RETURNING_SHARE of the day's events), then new people arrive until the day's
   * share is used up. Every planned session has a fixed length and a seed from which its gaps are
   * drawn, so its end is known at planning time (sessions of a person never overlap and never end
   * after "now"); the session then walks its platform's state machine and emits exactly that many
   * events, choosing only steps that fit the room left. Only the pool of people who may still
   * return and one day's plan are held in memory; people who churned leave the pool.
   */

  /** What to generate. {@code seed} makes the stream reproducible (with the same "now"). */
  public record Options(String projectId, long events, int days, long seed) {
    public Options {
      requireNonNull(projectId, "projectId is null");
      if (events < 0) {
        throw new IllegalArgumentException("events must be 0 or more; was " + events);
      }
      if (days < 1 || days > 3650) {
        throw new IllegalArgumentException("days must be between 1 and 3650; was " + days);
      }
    }
  }

  /** What has been generated so far. */
  public record Stats(
      long events, long people, long signUps, long orders, double revenue, long sessions) {}

  static final long SECOND = 1_000_000L;
  static final long MINUTE = 60 * SECOND;
  static final long HOUR = 60 * MINUTE;
  static final long DAY = 24 * HOUR;

  private static final double RETURNING_SHARE = 0.7;
  private static final int MAX_SESSION = 48;

  /** Relative activity by local hour of day. */
  private static final double[] DIURNAL = {
    0.16, 0.10, 0.07, 0.05, 0.05, 0.08, 0.18, 0.38, 0.62, 0.82, 0.94, 1.0,
    0.94, 0.95, 0.96, 0.92, 0.86, 0.80, 0.78, 0.84, 0.90, 0.80, 0.56, 0.30
  };

  /** Relative activity by day of week, Monday first. */
  private static final double[] WEEKDAY = {1.08, 1.10, 1.08, 1.04, 0.95, 0.70, 0.68};

  private final Options options;
  private final long now;
  private final long windowStart;
  private final long[] budgets;
  private final int launchDay;
  private final SplittableRandom plan;
  private final long salt;
  private final ZoneRules[] zones;
  private final int[] offsets;

  private final List<Person> pool = new ArrayList<>();
  private final ArrayDeque<Event> pending = new ArrayDeque<>();
  private List<Slot> slots = List.of();
  private int nextSlot;
  private int day = -1;

  private long emitted;
  private long people;
  private long signUps;
  private long orders;
  private double revenue;
  private long sessionCount;
  private long personCount;
  private long orderCount;

  public DemoData(Options options, InstantSource clock) {
    this.options = requireNonNull(options, "options is null");
    Instant at = requireNonNull(clock, "clock is null").instant();
    this.now = TimeUnit.SECONDS.toMicros(at.getEpochSecond()) + at.getNano() / 1000;
    this.windowStart = now - options.days() * DAY;
    this.plan = new SplittableRandom(options.seed());
    this.salt = mix(options.seed() ^ 0x6A09E667F3BCC909L);
    this.zones =
        World.PLACES.stream()
            .map(p -> ZoneId.of(p.timezone()).getRules())
            .toArray(ZoneRules[]::new);
    this.offsets = new int[World.PLACES.size()];
    this.launchDay = options.days() >= 14 ? (int) (options.days() * 0.68) : -10;
    this.budgets = budgets();
    seedPool();
  }

  /** The events as a sequential stream (single use, like the iterator). */
  public Stream<Event> stream() {
    return StreamSupport.stream(
        Spliterators.spliterator(
            this, options.events(), Spliterator.ORDERED | Spliterator.NONNULL | Spliterator.SIZED),
        false);
  }

  /** The start of the window: no event is earlier. */
  public Instant from() {
    return Instant.EPOCH.plus(windowStart, java.time.temporal.ChronoUnit.MICROS);
  }

  /** "Now": no event is later. */
  public Instant to() {
    return Instant.EPOCH.plus(now, java.time.temporal.ChronoUnit.MICROS);
  }

  public Stats stats() {
    return new Stats(
        emitted, people, signUps, orders, Math.round(revenue * 100) / 100.0, sessionCount);
  }

  @Override
  public boolean hasNext() {
    while (pending.isEmpty()) {
      if (emitted == options.events()) {
        return false;
      }
      if (nextSlot < slots.size()) {
        runSession(slots.get(nextSlot++));
      } else if (day + 1 < options.days()) {
        planDay(++day);
      } else {
        throw new IllegalStateException(
            "the plan produced " + emitted + " of " + options.events() + " events");
      }
    }
    return true;
  }

  @Override
  public Event next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return pending.removeFirst();
  }

  // ------------------------------------------------------------------ people

  /** One person on one device, with what they have done so far. */
  private static final class Person {
    final long n;
    final int arrivalDay;
    final boolean existing;
    Platform platform;
    int place;
    Browser browser;
    Device device;
    int screenWidth;
    int screenHeight;
    int density;
    int lagDays;
    int androidVersion;
    double engagement;
    boolean intendsToSignUp;
    boolean buyer;
    Company company;
    int firstName;
    int lastName;
    int personalDomain;
    long clockSkew;
    Source source;

    boolean seen;
    boolean signedUp;
    boolean identified;
    boolean installed;
    boolean grouped;
    long signedUpAt;
    String plan = "free";
    final int[] cart = new int[4];
    int cartSize;
    int sessions;
    int lastDay;
    long busyUntil;

    Person(long n, int arrivalDay, boolean existing) {
      this.n = n;
      this.arrivalDay = arrivalDay;
      this.existing = existing;
      this.lastDay = arrivalDay;
    }
  }

  private static final Browser[] DESKTOP = {
    Browser.CHROME_WINDOWS,
    Browser.CHROME_MAC,
    Browser.SAFARI_MAC,
    Browser.EDGE_WINDOWS,
    Browser.FIREFOX_WINDOWS,
    Browser.CHROME_LINUX,
    Browser.FIREFOX_UBUNTU
  };
  private static final int[] DESKTOP_WEIGHTS =
      java.util.Arrays.stream(DESKTOP).mapToInt(b -> b.weight).toArray();
  private static final int[] IOS_WEIGHTS =
      World.IOS_DEVICES.stream().mapToInt(Device::weight).toArray();
  private static final int[] ANDROID_WEIGHTS =
      World.ANDROID_DEVICES.stream().mapToInt(Device::weight).toArray();
  private static final int[] PLACE_WEIGHTS =
      World.PLACES.stream().mapToInt(Place::weight).toArray();
  private static final int[] SOURCE_WEIGHTS =
      World.SOURCES.stream().mapToInt(Source::weight).toArray();
  private static final int[] ANDROID_VERSION_WEIGHTS = {2, 4, 4, 3};

  private Person newPerson(int arrivalDay, boolean existing) {
    SplittableRandom r = plan;
    Person p = new Person(personCount++, arrivalDay, existing);
    p.place = pick(r, PLACE_WEIGHTS);
    boolean androidLeaning =
        switch (World.PLACES.get(p.place).country()) {
          case "IN", "BR", "MX", "PL" -> true;
          default -> false;
        };
    double u = r.nextDouble();
    p.platform =
        u < 0.50
            ? Platform.WEB_DESKTOP
            : u < 0.64
                ? Platform.WEB_MOBILE
                : u < (androidLeaning ? 0.72 : 0.83) ? Platform.IOS : Platform.ANDROID;
    int[] screen =
        switch (p.platform) {
          case WEB_DESKTOP -> {
            p.browser = DESKTOP[pick(r, DESKTOP_WEIGHTS)];
            p.density = p.browser.os.equals("Mac OS") ? 2 : 1;
            yield World.DESKTOP_SCREENS[r.nextInt(World.DESKTOP_SCREENS.length)];
          }
          case WEB_MOBILE -> {
            p.browser =
                r.nextDouble() < (androidLeaning ? 0.25 : 0.55)
                    ? Browser.SAFARI_IPHONE
                    : Browser.CHROME_ANDROID;
            p.density = 3;
            yield World.PHONE_SCREENS[r.nextInt(World.PHONE_SCREENS.length)];
          }
          case IOS -> {
            p.device = World.IOS_DEVICES.get(pick(r, IOS_WEIGHTS));
            p.density = 3;
            yield new int[] {p.device.width(), p.device.height()};
          }
          case ANDROID -> {
            p.device = World.ANDROID_DEVICES.get(pick(r, ANDROID_WEIGHTS));
            p.density = 3;
            yield new int[] {p.device.width(), p.device.height()};
          }
        };
    p.screenWidth = screen[0];
    p.screenHeight = screen[1];
    p.lagDays = (int) Math.min(40, -Math.log(1 - r.nextDouble()) * 6);
    p.androidVersion = 13 + pick(r, ANDROID_VERSION_WEIGHTS);
    p.engagement = Math.pow(r.nextDouble(), 1.6);
    p.company =
        r.nextDouble() < 0.35
            ? World.COMPANIES.get((int) (World.COMPANIES.size() * Math.pow(r.nextDouble(), 2.2)))
            : null;
    p.intendsToSignUp = r.nextDouble() < 0.28 + 0.5 * p.engagement;
    p.buyer = r.nextDouble() < 0.3 + 0.4 * p.engagement;
    p.firstName = r.nextInt(World.FIRST_NAMES.size());
    p.lastName = r.nextInt(World.LAST_NAMES.size());
    p.personalDomain = r.nextInt(World.PERSONAL_DOMAINS.size());
    p.clockSkew =
        !p.platform.web() && r.nextDouble() < 0.05 ? -(2 * SECOND + r.nextLong(88 * SECOND)) : 0;
    p.source = World.SOURCES.get(pick(r, SOURCE_WEIGHTS));
    int sinceLaunch = arrivalDay - launchDay;
    if (!existing
        && p.platform.web()
        && sinceLaunch >= 0
        && sinceLaunch < 3
        && r.nextDouble() < 0.6 - 0.2 * sinceLaunch) {
      p.source = World.LAUNCH;
    }
    return p;
  }

  /** People who used Pixelmart before the window; about half have an account. */
  private void seedPool() {
    long first = budgets.length == 0 ? 0 : budgets[0];
    long n = Math.round(first * 0.55);
    for (long i = 0; i < n; i++) {
      int arrival = -1 - plan.nextInt(120);
      Person p = newPerson(arrival, true);
      p.installed = true;
      p.lastDay = -1 - plan.nextInt(Math.min(-arrival, 14));
      if (plan.nextDouble() < 0.35 + 0.5 * p.engagement) {
        p.signedUp = true;
        p.signedUpAt = windowStart + arrival * DAY + plan.nextLong(DAY);
        p.plan = initialPlan(p, plan);
        p.grouped = p.company != null;
      }
      pool.add(p);
    }
  }

  private static String initialPlan(Person p, SplittableRandom r) {
    double u = r.nextDouble();
    if (p.company != null) {
      return u < 0.55 ? "free" : u < 0.75 ? "pro" : "team";
    }
    return u < 0.8 ? "free" : "pro";
  }

  private static double returnProbability(Person p, int d, double weekday) {
    int idle = d - p.lastDay;
    int age = d - p.arrivalDay;
    double base =
        p.signedUp
            ? 0.05 + 0.40 * p.engagement
            : (p.intendsToSignUp ? 0.10 : 0.03) * (0.4 + p.engagement);
    double decay = 1.0 / (1.0 + 0.025 * age) * (idle > 7 ? 0.5 : 1.0);
    return base * decay * weekday;
  }

  private static boolean churned(Person p, int idle) {
    return p.signedUp ? idle > 45 : idle > 21;
  }

  // ------------------------------------------------------------------ planning

  /** A planned session: who, when, how many events, and the seed of its gaps and choices. */
  private record Slot(Person person, long start, int length, long seed) {}

  private long[] budgets() {
    int days = options.days();
    double[] w = new double[days];
    SplittableRandom r = new SplittableRandom(mix(options.seed() ^ 0xBB67AE8584CAA73BL));
    for (int d = 0; d < days; d++) {
      double growth = Math.exp(Math.log(1.8) * d / Math.max(1, days - 1));
      double spike =
          d == launchDay ? 1.9 : d == launchDay + 1 ? 1.35 : d == launchDay + 2 ? 1.12 : 1.0;
      w[d] = growth * weekday(d) * spike * (0.94 + 0.12 * r.nextDouble());
    }
    double sum = 0;
    for (double x : w) {
      sum += x;
    }
    long total = options.events();
    long[] out = new long[days];
    double[] rest = new double[days];
    long given = 0;
    for (int d = 0; d < days; d++) {
      double exact = total * w[d] / sum;
      out[d] = (long) Math.floor(exact);
      rest[d] = exact - out[d];
      given += out[d];
    }
    Integer[] order = new Integer[days];
    for (int d = 0; d < days; d++) {
      order[d] = d;
    }
    java.util.Arrays.sort(
        order, Comparator.comparingDouble((Integer d) -> -rest[d]).thenComparingInt(d -> d));
    for (int i = 0; given < total; i = (i + 1) % days) {
      out[order[i]]++;
      given++;
    }
    return out;
  }

  private double weekday(int d) {
    long micros = windowStart + d * DAY + DAY / 2;
    DayOfWeek dow =
        Instant.EPOCH
            .plus(micros, java.time.temporal.ChronoUnit.MICROS)
            .atZone(java.time.ZoneOffset.UTC)
            .getDayOfWeek();
    return WEEKDAY[dow.ordinal()];
  }

  private void planDay(int d) {
    long dayStart = windowStart + d * DAY;
    long dayEnd = Math.min(dayStart + DAY, now);
    Instant noon = Instant.EPOCH.plus(dayStart + DAY / 2, java.time.temporal.ChronoUnit.MICROS);
    for (int i = 0; i < zones.length; i++) {
      offsets[i] = zones[i].getOffset(noon).getTotalSeconds();
    }
    double weekday = weekday(d);
    long budget = budgets[d];
    long cap = (long) (budget * RETURNING_SHARE);
    long used = 0;
    List<Slot> out = new ArrayList<>();
    List<Person> back = new ArrayList<>();
    int keep = 0;
    for (Person p : pool) {
      if (churned(p, d - p.lastDay)) {
        continue;
      }
      pool.set(keep++, p);
      if (p.busyUntil + 30 * MINUTE < dayEnd - HOUR
          && plan.nextDouble() < returnProbability(p, d, weekday)) {
        back.add(p);
      }
    }
    pool.subList(keep, pool.size()).clear();
    Collections.shuffle(back, plan);
    for (Person p : back) {
      int length = sessionLength(p);
      if (used + length > cap) {
        break;
      }
      Slot s = schedule(p, length, Math.max(dayStart, p.busyUntil + 30 * MINUTE), dayEnd, false);
      if (s == null) {
        continue;
      }
      out.add(s);
      used += length;
      if (p.signedUp && plan.nextDouble() < 0.35 * p.engagement) {
        int again = sessionLength(p);
        long from = p.busyUntil + HOUR + plan.nextLong(6 * HOUR);
        Slot s2 =
            used + again <= cap && from < dayEnd - HOUR
                ? schedule(p, again, from, dayEnd, false)
                : null;
        if (s2 != null) {
          out.add(s2);
          used += again;
        }
      }
    }
    while (used < budget) {
      Person p = newPerson(d, false);
      pool.add(p);
      int length = (int) Math.min(sessionLength(p), budget - used);
      out.add(schedule(p, length, dayStart, dayEnd, true));
      used += length;
    }
    out.sort(Comparator.comparingLong(Slot::start));
    slots = out;
    nextSlot = 0;
  }

  private int sessionLength(Person p) {
    int n;
    if (p.sessions == 0 && !p.existing) {
      n =
          p.platform.web()
              ? (plan.nextDouble() < 0.42 ? 1 : 2 + geometric(4.5))
              : 2 + geometric(4.0);
    } else if (!p.signedUp) {
      n = plan.nextDouble() < 0.3 ? 1 : 1 + geometric(3.5);
    } else {
      n = 2 + geometric(3.0 + 7.0 * p.engagement);
    }
    return Math.min(n, MAX_SESSION);
  }

  private int geometric(double mean) {
    return (int) (-Math.log(1 - plan.nextDouble()) * mean);
  }

  /**
   * A session of {@code length} events starting in [from, to) at a likely local hour, moved earlier
   * when it would end after "now"; {@code null} when it does not fit (unless forced).
   */
  private Slot schedule(Person p, int length, long from, long to, boolean force) {
    if (!force && to - from < 15 * MINUTE) {
      return null;
    }
    long seed = plan.nextLong();
    long duration = duration(seed, length);
    int offset = offsets[p.place];
    long start = from;
    for (int i = 0; i < 40; i++) {
      start = from + plan.nextLong(Math.max(1, to - from));
      int hour = (int) Math.floorMod(Math.floorDiv(start, SECOND) + offset, 86_400L) / 3600;
      if (plan.nextDouble() < DIURNAL[hour]) {
        break;
      }
    }
    start = Math.min(start, now - duration - SECOND);
    if (start < from && !force) {
      return null;
    }
    start = Math.max(start, windowStart + SECOND);
    p.busyUntil = start + duration;
    return new Slot(p, start, length, seed);
  }

  /** The longest a session of {@code length} events with these gaps can last. */
  private static long duration(long seed, int length) {
    SplittableRandom g = new SplittableRandom(seed);
    long total = 0;
    for (int i = 1; i < length; i++) {
      total += gap(g);
    }
    return total;
  }

  /** The time to the next event of a session: at least 3 s, median about half a minute. */
  private static long gap(SplittableRandom g) {
    double seconds = Math.min(600, Math.exp(3.3 + 0.9 * g.nextGaussian()));
    return 3 * SECOND + (long) (seconds * SECOND);
  }

  // ------------------------------------------------------------------ sessions

  /** The state of one session being emitted. */
  private final class Walk {
    final Person p;
    final SplittableRandom r;
    final SplittableRandom gaps;
    final String sessionId;
    final boolean firstVisit;
    final long epochDay;
    int room;
    long t;
    boolean started;
    // web: the current page and the campaign of the landing page
    Page page;
    Source campaign;
    int lastProduct = -1;
    String userAgent;
    String browserVersion;
    String osVersion;
    Release release;

    Walk(Slot s) {
      this.p = s.person();
      this.r = new SplittableRandom(mix(s.seed()));
      this.gaps = new SplittableRandom(s.seed());
      this.room = s.length();
      this.t = s.start();
      this.sessionId = scrambledHex(sessionCount++ + salt, 62);
      this.firstVisit = p.sessions == 0 && !p.existing;
      this.epochDay = Math.floorDiv(s.start(), DAY);
    }

    /** The time of the next event; backend events follow their cause within seconds. */
    long tick(boolean quick) {
      if (!started) {
        started = true;
        return t;
      }
      long g = gap(gaps);
      t += quick ? SECOND + g % (2 * SECOND) : g;
      return t;
    }
  }

  /** A web page: Segment's page properties. */
  private record Page(String name, String path, String search, String title, String referrer) {
    String url() {
      return World.SITE + path + (search == null ? "" : search);
    }

    Page next(String name, String path, String search, String title) {
      return new Page(name, path, search, title, url());
    }
  }

  private void runSession(Slot s) {
    Person p = s.person();
    Walk w = new Walk(s);
    if (!p.seen) {
      p.seen = true;
      people++;
    }
    if (p.platform.web()) {
      webSession(w);
    } else {
      appSession(w);
    }
    if (w.room != 0) {
      throw new IllegalStateException(
          "a session emitted " + (s.length() - w.room) + " of " + s.length() + " events");
    }
    p.sessions++;
    p.lastDay = day;
  }

  private void webSession(Walk w) {
    Person p = w.p;
    String ua =
        switch (p.browser) {
          case CHROME_WINDOWS -> chromeUa("Windows NT 10.0; Win64; x64", chrome(w), "");
          case CHROME_MAC -> chromeUa("Macintosh; Intel Mac OS X 10_15_7", chrome(w), "");
          case CHROME_LINUX -> chromeUa("X11; Linux x86_64", chrome(w), "");
          case EDGE_WINDOWS ->
              chromeUa(
                  "Windows NT 10.0; Win64; x64", chrome(w), " Edg/" + w.browserVersion + ".0.0.0");
          case CHROME_ANDROID ->
              "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/"
                  + chrome(w)
                  + ".0.0.0 Mobile Safari/537.36";
          case FIREFOX_WINDOWS -> firefoxUa("Windows NT 10.0; Win64; x64", w);
          case FIREFOX_UBUNTU -> firefoxUa("X11; Ubuntu; Linux x86_64", w);
          case SAFARI_MAC ->
              "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/"
                  + apple(w)
                  + " Safari/605.1.15";
          case SAFARI_IPHONE -> {
            String v = apple(w);
            w.osVersion = v;
            yield "Mozilla/5.0 (iPhone; CPU iPhone OS "
                + v.replace('.', '_')
                + " like Mac OS X) AppleWebKit/605.1.15"
                + " (KHTML, like Gecko) Version/"
                + v
                + " Mobile/15E148 Safari/604.1";
          }
        };
    w.userAgent = ua;
    if (w.osVersion == null) {
      w.osVersion = p.browser.osVersion;
    }
    Page landing;
    if (w.firstVisit) {
      landing = landing(p.source.landing(), p.source.referrer(), w.r);
      w.campaign = p.source.utmSource() == null ? null : p.source;
      if (w.campaign != null) {
        landing = withCampaign(landing, w.campaign, w.r);
      }
    } else {
      double u = w.r.nextDouble();
      if (u < 0.12) {
        Source news = World.NEWSLETTER;
        w.campaign = news;
        landing = withCampaign(landing("blog", null, w.r), news, w.r);
      } else if (u < 0.27) {
        landing = landing("product", "https://www.google.com/", w.r);
      } else {
        landing =
            p.signedUp
                ? new Page("Library", "/library", null, "Your library | Pixelmart", null)
                : new Page("Home", "/", null, "Pixelmart | Design assets for product teams", null);
      }
    }
    w.page = landing;
    if (p.signedUp && !p.identified) {
      identify(w);
    }
    if (w.room > 0) {
      pageView(w);
    }
    if (p.signedUp && w.room > 0 && w.r.nextDouble() < 0.3) {
      track(
          w,
          "Logged In",
          Json.object().put("method", pickOf(w.r, "password", "password", "google", "sso")).done());
    }
    while (w.room > 0) {
      step(w);
    }
  }

  private void appSession(Walk w) {
    Person p = w.p;
    List<Release> releases =
        p.platform == Platform.IOS ? World.IOS_RELEASES : World.ANDROID_RELEASES;
    Release current = releases.getFirst();
    for (Release rel : releases) {
      long shipped = windowStart + (long) (rel.at() * options.days() * DAY) + p.lagDays * DAY;
      if (shipped <= w.t) {
        current = rel;
      }
    }
    w.release = current;
    w.osVersion = p.platform == Platform.IOS ? apple(w) : Integer.toString(p.androidVersion);
    if (p.signedUp && !p.identified) {
      identify(w);
    }
    if (!p.installed && w.room > 0) {
      track(
          w,
          "Application Installed",
          Json.object()
              .put("version", current.version())
              .put("build", Integer.toString(current.build()))
              .done());
      p.installed = true;
    }
    if (w.room > 0) {
      track(
          w,
          "Application Opened",
          Json.object()
              .put("from_background", !w.firstVisit && w.r.nextDouble() < 0.4)
              .put("version", current.version())
              .put("build", Integer.toString(current.build()))
              .done());
    }
    if (w.room > 0) {
      screen(w, p.signedUp ? "Library" : "Home", null);
    }
    while (w.room > 0) {
      step(w);
    }
  }

  private enum Step {
    VIEW_PRODUCT,
    BROWSE,
    SEARCH,
    ADD_TO_CART,
    SIGN_UP,
    CHECKOUT,
    INVITE,
    UPGRADE,
    READ
  }

  private static final Step[] STEPS = Step.values();

  /** One step of a session, chosen among those that fit the room left. */
  private void step(Walk w) {
    Person p = w.p;
    double e = p.engagement;
    double[] weights = new double[STEPS.length];
    weights[Step.VIEW_PRODUCT.ordinal()] = w.room >= 2 ? 4 : 0;
    weights[Step.BROWSE.ordinal()] = 3;
    weights[Step.SEARCH.ordinal()] = 0.8;
    weights[Step.ADD_TO_CART.ordinal()] =
        w.lastProduct >= 0 && p.cartSize < p.cart.length ? (p.buyer ? 0.3 + 1.2 * e : 0.15) : 0;
    weights[Step.SIGN_UP.ordinal()] =
        !p.signedUp && p.intendsToSignUp && w.room >= 3 ? (p.cartSize > 0 ? 3 : 1.5) : 0;
    weights[Step.CHECKOUT.ordinal()] =
        p.buyer && p.signedUp && p.cartSize > 0 && w.room >= 2 ? 1 + 2 * e : 0;
    weights[Step.INVITE.ordinal()] = p.grouped ? 0.3 : 0;
    weights[Step.UPGRADE.ordinal()] = p.signedUp && p.plan.equals("free") && w.room >= 3 ? 0.12 : 0;
    weights[Step.READ.ordinal()] = p.platform.web() ? 0.8 : 0;
    switch (STEPS[pick(w.r, weights)]) {
      case VIEW_PRODUCT -> viewProduct(w);
      case BROWSE -> browse(w);
      case SEARCH ->
          track(
              w,
              "Products Searched",
              Json.object()
                  .put("query", World.SEARCHES.get(w.r.nextInt(World.SEARCHES.size())))
                  .done());
      case ADD_TO_CART -> addToCart(w);
      case SIGN_UP -> signUp(w);
      case CHECKOUT -> checkout(w);
      case INVITE ->
          track(
              w,
              "Invited Teammate",
              Json.object()
                  .put("role", pickOf(w.r, "editor", "editor", "viewer", "admin"))
                  .put("method", pickOf(w.r, "email", "email", "link"))
                  .put("company_id", p.company.id())
                  .done());
      case UPGRADE -> upgrade(w);
      case READ -> {
        World.Post post = World.POSTS.get(w.r.nextInt(World.POSTS.size()));
        w.page =
            w.page.next(
                "Blog Post", "/blog/" + post.slug(), null, post.title() + " | Pixelmart Blog");
        pageView(w);
      }
    }
  }

  private void viewProduct(Walk w) {
    int i = productIndex(w.r);
    Product pr = World.PRODUCTS.get(i);
    w.lastProduct = i;
    if (w.p.platform.web()) {
      w.page = w.page.next("Product", "/products/" + pr.slug(), null, pr.name() + " | Pixelmart");
      pageView(w);
    } else {
      screen(w, "Product", pr.id());
    }
    track(w, "Viewed Product", product(Json.object(), pr).done());
  }

  private void browse(Walk w) {
    if (w.p.platform.web()) {
      double u = w.r.nextDouble();
      if (u < 0.45) {
        String category = World.CATEGORIES.get(w.r.nextInt(World.CATEGORIES.size()));
        w.page =
            w.page.next(
                "Category", "/products", "?category=" + slug(category), category + " | Pixelmart");
      } else if (u < 0.65) {
        w.page = w.page.next("Home", "/", null, "Pixelmart | Design assets for product teams");
      } else if (u < 0.85 || !w.p.signedUp) {
        w.page = w.page.next("Pricing", "/pricing", null, "Pricing | Pixelmart");
      } else {
        w.page = w.page.next("Library", "/library", null, "Your library | Pixelmart");
      }
      pageView(w);
    } else {
      screen(
          w,
          pickOf(w.r, "Home", "Browse", "Browse", "Search", w.p.signedUp ? "Library" : "Home"),
          null);
    }
  }

  private void addToCart(Walk w) {
    Person p = w.p;
    Product pr = World.PRODUCTS.get(w.lastProduct);
    p.cart[p.cartSize++] = w.lastProduct;
    track(
        w,
        "Added to Cart",
        product(Json.object(), pr).put("quantity", 1).put("cart_size", p.cartSize).done());
    w.lastProduct = -1;
  }

  private void signUp(Walk w) {
    Person p = w.p;
    if (p.platform.web()) {
      w.page = w.page.next("Sign Up", "/signup", null, "Create your account | Pixelmart");
      pageView(w);
    } else {
      screen(w, "Sign Up", null);
    }
    p.signedUp = true;
    p.signedUpAt = w.t;
    p.plan = initialPlan(p, w.r);
    signUps++;
    identify(w);
    track(
        w,
        "Signed Up",
        Json.object()
            .put("method", pickOf(w.r, "email", "email", "google", "apple", "github"))
            .put("plan", p.plan)
            .put(
                "first_touch_source",
                p.source.utmSource() != null
                    ? p.source.utmSource()
                    : p.source.referrer() == null ? "direct" : host(p.source.referrer()))
            .done());
    if (w.room > 0 && w.r.nextDouble() < (p.platform.web() ? 0.1 : 0.5)) {
      Event.Builder b = start(w, "alias", null);
      b.previousId = anonymousId(p);
      emit(w, b);
    }
    if (w.room > 0) {
      backend(
          w,
          "notifications",
          "Email Sent",
          Json.object().put("template", "welcome").put("channel", "email").done());
    }
    if (p.company != null && w.room > 0) {
      group(w);
    }
  }

  private void checkout(Walk w) {
    Person p = w.p;
    String orderId = "ord_" + scrambledBase36(orderCount++ ^ salt, 40);
    double value = 0;
    for (int k = 0; k < p.cartSize; k++) {
      value += World.PRODUCTS.get(p.cart[k]).price();
    }
    if (p.platform.web()) {
      w.page = w.page.next("Checkout", "/checkout", null, "Checkout | Pixelmart");
      pageView(w);
    } else {
      screen(w, "Checkout", null);
    }
    track(
        w,
        "Checkout Started",
        products(
                Json.object().put("order_id", orderId).money("value", value).put("currency", "USD"),
                p)
            .done());
    if (w.room > 0 && w.r.nextDouble() < 0.72) {
      String method = World.PAYMENT_METHODS.get(w.r.nextInt(World.PAYMENT_METHODS.size()));
      boolean coupon = w.r.nextDouble() < 0.15;
      double paid = coupon ? value * 0.8 : value;
      Json props =
          Json.object()
              .put("order_id", orderId)
              .money("revenue", paid)
              .money("price", value)
              .put("currency", "USD")
              .put("quantity", p.cartSize)
              .put("payment_method", method);
      if (coupon) {
        props.put("coupon", "WELCOME20");
      }
      track(w, "Purchase", products(props, p).done());
      orders++;
      revenue += paid;
      p.cartSize = 0;
      if (w.room > 0) {
        backend(
            w,
            "billing",
            "Payment Succeeded",
            Json.object()
                .put("order_id", orderId)
                .money("amount", paid)
                .put("currency", "USD")
                .put("payment_method", method)
                .done());
      }
    }
  }

  private void upgrade(Walk w) {
    Person p = w.p;
    String to = p.company != null && w.r.nextDouble() < 0.5 ? "team" : "pro";
    if (p.platform.web()) {
      w.page = w.page.next("Pricing", "/pricing", null, "Pricing | Pixelmart");
      pageView(w);
    } else {
      screen(w, "Plans", null);
    }
    boolean annual = w.r.nextDouble() < 0.35;
    double monthly = to.equals("team") ? 29 : 12;
    track(
        w,
        "Upgraded Plan",
        Json.object()
            .put("from_plan", p.plan)
            .put("to_plan", to)
            .put("billing", annual ? "annual" : "monthly")
            .money("revenue", annual ? monthly * 10 : monthly)
            .put("currency", "USD")
            .done());
    p.plan = to;
    identify(w);
  }

  // ------------------------------------------------------------------ events

  private void pageView(Walk w) {
    Page pg = w.page;
    Event.Builder b = start(w, "page", pg.name());
    b.properties =
        Json.object()
            .put("name", pg.name())
            .put("path", pg.path())
            .put("referrer", pg.referrer())
            .put("search", pg.search())
            .put("title", pg.title())
            .put("url", pg.url())
            .done();
    emit(w, b);
  }

  private void screen(Walk w, String name, String productId) {
    Event.Builder b = start(w, "screen", name);
    if (productId != null) {
      b.properties = Json.object().put("product_id", productId).done();
    }
    emit(w, b);
  }

  private void track(Walk w, String name, String properties) {
    Event.Builder b = start(w, "track", name);
    b.properties = properties;
    emit(w, b);
  }

  private void identify(Walk w) {
    Person p = w.p;
    p.identified = true;
    Event.Builder b = start(w, "identify", null);
    String first = World.FIRST_NAMES.get(p.firstName);
    String last = World.LAST_NAMES.get(p.lastName);
    String domain =
        p.company != null ? p.company.domain() : World.PERSONAL_DOMAINS.get(p.personalDomain);
    Json traits =
        Json.object()
            .put("email", ascii(first) + "." + ascii(last) + (p.n % 97) + "@" + domain)
            .put("name", first + " " + last)
            .put("plan", p.plan)
            .put(
                "created_at",
                Instant.EPOCH
                    .plus(p.signedUpAt / 1000, java.time.temporal.ChronoUnit.MILLIS)
                    .toString());
    if (p.company != null) {
      traits.begin("company").put("id", p.company.id()).put("name", p.company.name()).end();
    }
    b.traits = traits.done();
    emit(w, b);
  }

  private void group(Walk w) {
    Person p = w.p;
    p.grouped = true;
    Event.Builder b = start(w, "group", null);
    b.groupId = p.company.id();
    b.traits =
        Json.object()
            .put("name", p.company.name())
            .put("industry", p.company.industry())
            .put("employees", p.company.employees())
            .put("plan", p.plan)
            .put("website", "https://" + p.company.domain())
            .done();
    emit(w, b);
  }

  /** An event a backend service sends about the person: user id only, no device. */
  private void backend(Walk w, String service, String name, String properties) {
    Person p = w.p;
    Event.Builder b = Event.builder();
    long t = w.tick(true);
    b.eventId = eventId();
    b.appId = options.projectId();
    b.type = "track";
    b.event = name;
    b.userId = userId(p);
    times(b, t, 50_000 + w.r.nextLong(900_000), 0);
    b.properties = properties;
    b.libraryName = World.JAVA_LIBRARY[0];
    b.libraryVersion = World.JAVA_LIBRARY[1];
    b.service = service;
    b.context =
        Json.object()
            .begin("library")
            .put("name", b.libraryName)
            .put("version", b.libraryVersion)
            .end()
            .put("service", service)
            .done();
    emit(w, b);
  }

  /** A client event with the columns of the person's device filled and its context written. */
  private Event.Builder start(Walk w, String type, String name) {
    Person p = w.p;
    Place place = World.PLACES.get(p.place);
    Event.Builder b = Event.builder();
    long t = w.tick(false);
    b.eventId = eventId();
    b.appId = options.projectId();
    b.type = type;
    b.event = name;
    b.anonymousId = anonymousId(p);
    b.userId = p.identified ? userId(p) : null;
    b.sessionId = w.sessionId;
    b.groupId = p.grouped ? p.company.id() : null;
    b.country = place.country();
    b.region = place.region();
    b.city = place.city();
    b.locale = place.locale();
    b.timezone = place.timezone();
    b.screenWidth = p.screenWidth;
    b.screenHeight = p.screenHeight;
    b.osVersion = w.osVersion;
    Json c = Json.object();
    if (p.platform.web()) {
      times(b, t, 150_000 + w.r.nextLong(2_500_000), 0);
      Page pg = w.page;
      b.pageUrl = pg.url();
      b.pagePath = pg.path();
      b.pageTitle = pg.title();
      b.referrer = pg.referrer();
      b.libraryName = World.WEB_LIBRARY[0];
      b.libraryVersion = World.WEB_LIBRARY[1];
      b.browser = p.browser.name;
      b.browserVersion = w.browserVersion;
      b.os = p.browser.os;
      b.deviceType = p.browser.deviceType;
      c.begin("library").put("name", b.libraryName).put("version", b.libraryVersion).end();
      c.begin("page")
          .put("path", pg.path())
          .put("referrer", pg.referrer())
          .put("search", pg.search())
          .put("title", pg.title())
          .put("url", b.pageUrl)
          .end();
      c.put("userAgent", w.userAgent);
      Source cmp = w.campaign;
      if (cmp != null && pg.search() != null && pg.search().contains("utm_source=")) {
        b.utmSource = cmp.utmSource();
        b.utmMedium = cmp.utmMedium();
        b.utmCampaign = cmp.utmCampaign();
        b.utmTerm = param(pg.search(), "utm_term");
        b.utmContent = param(pg.search(), "utm_content");
        c.begin("campaign")
            .put("source", b.utmSource)
            .put("medium", b.utmMedium)
            .put("name", b.utmCampaign)
            .put("term", b.utmTerm)
            .put("content", b.utmContent)
            .end();
      }
    } else {
      times(b, t, SECOND + w.r.nextLong(29 * SECOND), p.clockSkew);
      Device d = p.device;
      String[] lib = p.platform == Platform.IOS ? World.IOS_LIBRARY : World.ANDROID_LIBRARY;
      b.libraryName = lib[0];
      b.libraryVersion = lib[1];
      b.deviceType = d.type();
      b.deviceManufacturer = d.manufacturer();
      b.deviceModel = d.model();
      b.os = p.platform == Platform.IOS ? "iOS" : "Android";
      b.appVersion = w.release.version();
      c.begin("app")
          .put("name", World.APP_NAME)
          .put("version", b.appVersion)
          .put("build", Integer.toString(w.release.build()))
          .put("namespace", "example.pixelmart")
          .end();
      c.begin("device")
          .put("id", anonymousId(p))
          .put("manufacturer", d.manufacturer())
          .put("model", d.model())
          .put("type", d.type())
          .end();
      c.begin("library").put("name", b.libraryName).put("version", b.libraryVersion).end();
      c.begin("network").put("wifi", w.r.nextDouble() < 0.6).end();
      c.begin("os").put("name", b.os).put("version", b.osVersion).end();
    }
    c.put("locale", b.locale).put("timezone", b.timezone);
    c.begin("screen")
        .put("width", p.screenWidth)
        .put("height", p.screenHeight)
        .put("density", p.density)
        .end();
    c.begin("location").put("country", b.country).put("region", b.region).put("city", b.city).end();
    c.put("sessionId", b.sessionId);
    c.put("groupId", b.groupId);
    b.context = c.done();
    return b;
  }

  /**
   * Fills the four times: the event happened at {@code t}, reached the server {@code delay} later
   * (never after "now"); the device's clock is {@code skew} off, which the server corrects.
   */
  private void times(Event.Builder b, long t, long delay, long skew) {
    b.timestamp = t;
    b.receivedAt = Math.min(t + delay, now);
    b.originalTimestamp = t + skew;
    b.sentAt = b.receivedAt + skew;
  }

  private void emit(Walk w, Event.Builder b) {
    if (w.room <= 0) {
      throw new IllegalStateException("a session step overran its room");
    }
    w.room--;
    emitted++;
    pending.addLast(b.build());
  }

  // ------------------------------------------------------------------ vocabulary helpers

  private Page landing(String kind, String referrer, SplittableRandom r) {
    return switch (kind) {
      case "product" -> {
        Product pr = World.PRODUCTS.get(productIndex(r));
        yield new Page(
            "Product", "/products/" + pr.slug(), null, pr.name() + " | Pixelmart", referrer);
      }
      case "category" -> {
        String category = World.CATEGORIES.get(r.nextInt(World.CATEGORIES.size()));
        yield new Page(
            "Category",
            "/products",
            "?category=" + slug(category),
            category + " | Pixelmart",
            referrer);
      }
      case "blog" -> {
        World.Post post = World.POSTS.get(r.nextInt(World.POSTS.size()));
        yield new Page(
            "Blog Post",
            "/blog/" + post.slug(),
            null,
            post.title() + " | Pixelmart Blog",
            referrer);
      }
      case "/pricing" -> new Page("Pricing", "/pricing", null, "Pricing | Pixelmart", referrer);
      default ->
          new Page("Home", "/", null, "Pixelmart | Design assets for product teams", referrer);
    };
  }

  /** The landing page with the campaign's UTM parameters in its query string. */
  private static Page withCampaign(Page pg, Source s, SplittableRandom r) {
    StringBuilder q = new StringBuilder(pg.search() == null ? "?" : pg.search() + "&");
    q.append("utm_source=")
        .append(s.utmSource())
        .append("&utm_medium=")
        .append(s.utmMedium())
        .append("&utm_campaign=")
        .append(s.utmCampaign());
    if (s.terms() != null) {
      q.append("&utm_term=")
          .append(
              java.net.URLEncoder.encode(
                  s.terms()[r.nextInt(s.terms().length)], java.nio.charset.StandardCharsets.UTF_8));
    }
    if (s.contents() != null) {
      q.append("&utm_content=").append(s.contents()[r.nextInt(s.contents().length)]);
    }
    return new Page(pg.name(), pg.path(), q.toString(), pg.title(), pg.referrer());
  }

  private static String param(String search, String name) {
    for (String pair : search.substring(1).split("&")) {
      if (pair.startsWith(name + "=")) {
        return java.net.URLDecoder.decode(
            pair.substring(name.length() + 1), java.nio.charset.StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  private static Json product(Json j, Product pr) {
    return j.put("product_id", pr.id())
        .put("sku", pr.sku())
        .put("name", pr.name())
        .put("category", pr.category())
        .money("price", pr.price())
        .put("currency", "USD");
  }

  private static Json products(Json j, Person p) {
    j.array("products");
    for (int k = 0; k < p.cartSize; k++) {
      product(j.element(), World.PRODUCTS.get(p.cart[k])).put("quantity", 1).end();
    }
    return j.endArray();
  }

  /** Popular products are viewed far more often (a power law over the catalogue). */
  private static int productIndex(SplittableRandom r) {
    return (int) (World.PRODUCTS.size() * Math.pow(r.nextDouble(), 1.8));
  }

  private String chrome(Walk w) {
    w.browserVersion = Long.toString(131 + Math.floorDiv(w.epochDay - w.p.lagDays - 20_039, 28));
    return w.browserVersion;
  }

  private static String chromeUa(String platform, String version, String suffix) {
    return "Mozilla/5.0 ("
        + platform
        + ") AppleWebKit/537.36 (KHTML, like Gecko) Chrome/"
        + version
        + ".0.0.0 Safari/537.36"
        + suffix;
  }

  private static String firefoxUa(String platform, Walk w) {
    w.browserVersion = (133 + Math.floorDiv(w.epochDay - w.p.lagDays - 20_053, 28)) + ".0";
    return "Mozilla/5.0 ("
        + platform
        + "; rv:"
        + w.browserVersion
        + ") Gecko/20100101 Firefox/"
        + w.browserVersion;
  }

  /**
   * The Apple OS (and Safari) version a person runs on that day: a major release each September.
   */
  private static String apple(Walk w) {
    long d = w.epochDay - w.p.lagDays - 19_618; // iOS 17.0 shipped on 2023-09-18
    long major = 17 + Math.floorDiv(d, 365);
    if (major >= 19) {
      major += 7; // iOS 18 was followed by iOS 26
    }
    long minor = Math.min(6, Math.floorMod(d, 365) / 55);
    String v = major + "." + minor;
    if (w.p.platform.web()) {
      w.browserVersion = v;
    }
    return v;
  }

  private static String host(String url) {
    return java.net.URI.create(url).getHost().replaceFirst("^www\\.", "");
  }

  private static String slug(String s) {
    return s.toLowerCase(java.util.Locale.ROOT).replace(' ', '-');
  }

  private static String ascii(String s) {
    return java.text.Normalizer.normalize(s, java.text.Normalizer.Form.NFD)
        .replaceAll("[^A-Za-z]", "")
        .toLowerCase(java.util.Locale.ROOT);
  }

  private static String pickOf(SplittableRandom r, String... values) {
    return values[r.nextInt(values.length)];
  }

  private static int pick(SplittableRandom r, int[] weights) {
    int total = 0;
    for (int w : weights) {
      total += w;
    }
    int x = r.nextInt(total);
    for (int i = 0; i < weights.length; i++) {
      x -= weights[i];
      if (x < 0) {
        return i;
      }
    }
    return weights.length - 1;
  }

  private static int pick(SplittableRandom r, double[] weights) {
    double total = 0;
    for (double w : weights) {
      total += w;
    }
    double x = r.nextDouble() * total;
    int last = 0;
    for (int i = 0; i < weights.length; i++) {
      if (weights[i] > 0) {
        last = i;
        x -= weights[i];
        if (x < 0) {
          return i;
        }
      }
    }
    return last;
  }

  // ------------------------------------------------------------------ identifiers

  private String eventId() {
    return uuid(emitted);
  }

  private String anonymousId(Person p) {
    return uuid(p.n ^ 0x2545F4914F6CDD1DL);
  }

  private String userId(Person p) {
    return "usr_" + scrambledBase36(p.n + salt, 40);
  }

  /**
   * A version-4-shaped UUID, distinct for distinct {@code n} (the low 62 bits are a bijection of
   * n).
   */
  private String uuid(long n) {
    long hi = (mix(n ^ salt) & ~0xF000L) | 0x4000L;
    long lo = scramble(n + salt, 62) | 0x8000000000000000L;
    return new UUID(hi, lo).toString();
  }

  private static String scrambledHex(long n, int bits) {
    String s = Long.toHexString(scramble(n, bits));
    return "0".repeat(Math.max(0, (bits + 3) / 4 - s.length())) + s;
  }

  private static String scrambledBase36(long n, int bits) {
    String s = Long.toString(scramble(n, bits), 36);
    return "0".repeat(Math.max(0, 8 - s.length())) + s;
  }

  /**
   * A bijection of the low {@code bits} bits: distinct inputs below 2^bits give distinct outputs.
   */
  static long scramble(long x, int bits) {
    long mask = (1L << bits) - 1;
    x &= mask;
    x = (x * 0x9E3779B97F4A7C15L) & mask;
    x ^= x >>> (bits / 2);
    x = (x * 0xBF58476D1CE4E5B9L) & mask;
    x ^= x >>> (bits / 2 + 1);
    return x;
  }

  /** SplitMix64's finaliser: spreads a seed over all bits. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
