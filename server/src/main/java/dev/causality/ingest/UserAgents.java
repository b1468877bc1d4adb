package dev.causality.ingest;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import nl.basjes.parse.useragent.UserAgent;
import nl.basjes.parse.useragent.UserAgentAnalyzer;
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
              UserAgentAnalyzer built =
                  UserAgentAnalyzer.newBuilder()
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
              // loading the rules leaves ~200 MB of garbage; collect it now so an idle server
              // returns that memory instead of carrying it until the next full collection
              System.gc();
              return built;
            },
            r -> Thread.ofPlatform().name("useragent-init").daemon(true).start(r));
    this.cache = Caffeine.newBuilder().maximumSize(cacheSize).build(this::analyze);
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
