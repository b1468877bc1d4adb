package dev.causality.ingest;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import nl.basjes.parse.useragent.AbstractUserAgentAnalyzerDirect;
import nl.basjes.parse.useragent.UserAgent;
import nl.basjes.parse.useragent.UserAgentAnalyzer;
import nl.basjes.parse.useragent.analyze.MatcherAction;
import nl.basjes.parse.useragent.analyze.UserAgentStringMatchMaker;
import org.slf4j.LoggerFactory;

/**
 * User agent → browser, OS and device type, by Yauaa. Yauaa takes seconds to load its rules, so it
 * loads on a background thread from start-up and results are cached per user-agent string.
 */
final class UserAgents {

  /** The parts of a user agent the events table keeps. */
  record Parsed(
      String browser, String browserVersion, String os, String osVersion, String deviceType) {}

  private final CompletableFuture<UserAgentAnalyzer> analyzer;
  private final LoadingCache<String, Parsed> cache;

  UserAgents(int cacheSize) {
    this.analyzer =
        CompletableFuture.supplyAsync(
            () -> {
              UserAgentAnalyzer built = build();
              compact(built);
              // loading the rules leaves ~200 MB of garbage; collect it now so an idle server
              // returns that memory instead of carrying it until the next full collection
              System.gc();
              return built;
            },
            r -> Thread.ofPlatform().name("useragent-init").daemon(true).start(r));
    this.cache = Caffeine.newBuilder().maximumSize(cacheSize).build(this::analyze);
  }

  /** Yauaa with the rules for the fields the events table keeps, initialised now. */
  static UserAgentAnalyzer build() {
    return UserAgentAnalyzer.newBuilder()
        .hideMatcherLoadStats()
        .dropTests()
        .withoutCache()
        .withFields(
            UserAgent.AGENT_NAME,
            UserAgent.AGENT_VERSION,
            UserAgent.OPERATING_SYSTEM_NAME,
            UserAgent.OPERATING_SYSTEM_VERSION,
            UserAgent.DEVICE_CLASS)
        .immediateInitialization()
        .build();
  }

  /**
   * Shrinks the largest table a built analyzer keeps, in place; returns how many of its sets were
   * replaced, or -1 when this Yauaa version does not have the table (logged; parsing is unchanged).
   *
   * <p>Yauaa's match maker maps ~200,000 token keys to the rule actions each key informs, one
   * {@code LinkedHashSet} per key, sized for 16 entries; four in five hold a single action. That is
   * ~45 MB of an idle server's ~115 MB of rules. Once the analyzer is initialised the sets are only
   * read (looked up by key and iterated), so each becomes an array-backed set with the same members
   * in the same order. Yauaa has no option for this, so it is reached by reflection; {@code
   * UserAgentsTest} checks that parsing gives the same results with and without it, and fails on a
   * Yauaa version where the table is gone.
   */
  static int compact(UserAgentAnalyzer analyzer) {
    try {
      Method matchMaker = AbstractUserAgentAnalyzerDirect.class.getDeclaredMethod("getMatchMaker");
      matchMaker.setAccessible(true);
      Field actions = UserAgentStringMatchMaker.class.getDeclaredField("informMatcherActions");
      actions.setAccessible(true);
      @SuppressWarnings("unchecked")
      Map<String, Set<MatcherAction>> byKey =
          (Map<String, Set<MatcherAction>>) actions.get(matchMaker.invoke(analyzer));
      int replaced = 0;
      for (Map.Entry<String, Set<MatcherAction>> entry : byKey.entrySet()) {
        if (!(entry.getValue() instanceof ArraySet)) {
          entry.setValue(new ArraySet<>(entry.getValue()));
          replaced++;
        }
      }
      return replaced;
    } catch (ReflectiveOperationException | RuntimeException e) {
      LoggerFactory.getLogger(UserAgents.class)
          .warn("could not compact the user-agent rules; they use ~45 MB more memory", e);
      return -1;
    }
  }

  /** A read-only set in an array, iterated in the order of the set it copies. */
  private static final class ArraySet<E> extends AbstractSet<E> {
    private final List<E> members;

    ArraySet(Set<E> copied) {
      this.members = List.copyOf(copied);
    }

    @Override
    public Iterator<E> iterator() {
      return members.iterator();
    }

    @Override
    public int size() {
      return members.size();
    }
  }

  /** Whether the rules are loaded (parsing before that waits for them). */
  boolean loaded() {
    return analyzer.isDone();
  }

  /** The parsed user agent; {@code null} when the parser is unavailable (logged once). */
  Parsed parse(String userAgent) {
    String ua = userAgent.length() > 1024 ? userAgent.substring(0, 1024) : userAgent;
    try {
      return cache.get(ua);
    } catch (RuntimeException e) {
      if (!failureLogged) {
        failureLogged = true;
        LoggerFactory.getLogger(UserAgents.class)
            .error(
                "user-agent parsing is unavailable; events are stored without browser/OS columns",
                e);
      }
      return null;
    }
  }

  private volatile boolean failureLogged;

  private Parsed analyze(String ua) {
    UserAgent parsed = analyzer.join().parse(ua);
    return new Parsed(
        known(parsed.getValue(UserAgent.AGENT_NAME)),
        known(parsed.getValue(UserAgent.AGENT_VERSION)),
        known(parsed.getValue(UserAgent.OPERATING_SYSTEM_NAME)),
        known(parsed.getValue(UserAgent.OPERATING_SYSTEM_VERSION)),
        deviceType(parsed.getValue(UserAgent.DEVICE_CLASS)));
  }

  private static String known(String v) {
    if (v == null || v.isEmpty() || v.startsWith("??") || v.equalsIgnoreCase("Unknown")) {
      return null;
    }
    return v;
  }

  static String deviceType(String deviceClass) {
    if (deviceClass == null) {
      return null;
    }
    return switch (deviceClass) {
      case "Desktop" -> "desktop";
      case "Phone", "Mobile" -> "mobile";
      case "Tablet" -> "tablet";
      case "Robot", "Robot Mobile", "Robot Imitator", "Spy", "Hacker" -> "bot";
      case "Watch",
          "Augmented Reality",
          "Virtual Reality",
          "eReader",
          "Set-top box",
          "TV",
          "Game Console",
          "Car" ->
          deviceClass.toLowerCase(Locale.ROOT);
      default -> known(deviceClass) == null ? null : "other";
    };
  }
}
