package dev.causality.bench;

import java.time.Instant;
import java.util.SplittableRandom;

/**
 * Realistic Segment messages for the benchmarks: a web shop's track, page and identify calls with
 * the context analytics.js sends (page, campaign, user agent, locale, IP; the library at batch
 * level), about 500 bytes each. Deterministic for a seed, so two runs send the same traffic shape.
 */
final class SampleEvents {
  /*
   * Implementation note. The load generator must not compete with the server for the two cores
   * more than necessary, so messages are rendered once into batch templates and every request
   * only overwrites the fixed-width messageId placeholders in a copy of a template (see
   * LoadGenerator). A messageId placeholder is exactly ID_WIDTH characters of '0'.
   */

  static final int ID_WIDTH = 32;
  static final String ID_PLACEHOLDER = "0".repeat(ID_WIDTH);

  private static final String[] TRACK_EVENTS = {
    "Product Viewed", "Product Added", "Cart Viewed", "Checkout Started", "Order Completed",
    "Products Searched", "Product Clicked", "Coupon Applied", "Signed Up", "Video Played"
  };
  private static final String[] CATEGORIES = {
    "shoes", "jackets", "bags", "hats", "socks", "shirts"
  };
  private static final String[] PATHS = {"/", "/search", "/cart", "/checkout", "/account", "/p/"};
  private static final String[] TITLES = {
    "Home", "Search results", "Your cart", "Checkout", "Account", "Product"
  };
  private static final String[] REFERRERS = {
    "https://www.google.com/",
    "https://duckduckgo.com/",
    "https://news.ycombinator.com/",
    "",
    "https://t.co/x1y2z3"
  };
  private static final String[] SOURCES = {"google", "newsletter", "twitter", "bing"};
  private static final String[] MEDIUMS = {"cpc", "email", "social", "organic"};
  private static final String[] LOCALES = {"en-US", "en-GB", "de-DE", "fr-FR", "es-ES", "nl-NL"};
  private static final String[] USER_AGENTS = {
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
  };

  private final SplittableRandom random;
  private final int users;

  SampleEvents(long seed, int users) {
    this.random = new SplittableRandom(seed);
    this.users = users;
  }

  /** One message as JSON, with {@code messageId} set to {@link #ID_PLACEHOLDER}. */
  String message(Instant time) {
    Instant at = time.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    int roll = random.nextInt(100);
    String type = roll < 75 ? "track" : roll < 95 ? "page" : "identify";
    StringBuilder s = new StringBuilder(560);
    int user = random.nextInt(users);
    s.append("{\"type\":\"").append(type).append('"');
    if (type.equals("track")) {
      s.append(",\"event\":\"").append(pick(TRACK_EVENTS)).append('"');
    } else if (type.equals("page")) {
      s.append(",\"name\":\"").append(pick(TITLES)).append('"');
    }
    if (random.nextInt(10) < 8) {
      s.append(",\"userId\":\"user_").append(user).append('"');
    } else {
      s.append(",\"anonymousId\":\"").append(uuidLike()).append('"');
    }
    s.append(",\"messageId\":\"").append(ID_PLACEHOLDER).append('"');
    s.append(",\"timestamp\":\"").append(at).append('"');
    int pathIdx = random.nextInt(PATHS.length);
    String sku = "sku_" + random.nextInt(5000);
    String path = PATHS[pathIdx].equals("/p/") ? "/p/" + sku : PATHS[pathIdx];
    switch (type) {
      case "track" ->
          s.append(",\"properties\":{\"product_id\":\"")
              .append(sku)
              .append("\",\"category\":\"")
              .append(pick(CATEGORIES))
              .append("\",\"price\":")
              .append(random.nextInt(1000, 20000) / 100.0)
              .append('}');
      case "page" -> s.append(",\"properties\":{\"path\":\"").append(path).append("\"}");
      default ->
          s.append(",\"traits\":{\"plan\":\"")
              .append(random.nextBoolean() ? "pro" : "free")
              .append("\",\"email\":\"user_")
              .append(user)
              .append("@example.com\"}");
    }
    s.append(",\"context\":{\"page\":{\"url\":\"https://shop.example.com").append(path);
    boolean campaign = random.nextInt(4) == 0;
    if (campaign) {
      s.append("?utm_source=")
          .append(pick(SOURCES))
          .append("&utm_medium=")
          .append(pick(MEDIUMS))
          .append("&utm_campaign=spring_sale");
    }
    s.append("\",\"path\":\"")
        .append(path)
        .append("\",\"referrer\":\"")
        .append(pick(REFERRERS))
        .append("\"}");
    s.append(",\"userAgent\":\"").append(pick(USER_AGENTS)).append('"');
    s.append(",\"locale\":\"").append(pick(LOCALES)).append('"');
    s.append(",\"ip\":\"")
        .append(random.nextInt(1, 224))
        .append('.')
        .append(random.nextInt(256))
        .append('.')
        .append(random.nextInt(256))
        .append('.')
        .append(random.nextInt(1, 255))
        .append('"');
    s.append("}}");
    return s.toString();
  }

  /** A Segment batch body of {@code size} messages. */
  String batch(int size, Instant time) {
    Instant at = time.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    StringBuilder s = new StringBuilder(size * 520 + 64);
    s.append("{\"batch\":[");
    for (int i = 0; i < size; i++) {
      if (i > 0) {
        s.append(',');
      }
      s.append(message(at));
    }
    s.append("],\"context\":{\"library\":{\"name\":\"analytics.js\",\"version\":\"next-1.70.0\"}}");
    s.append(",\"sentAt\":\"").append(at).append("\"}");
    return s.toString();
  }

  private String pick(String[] values) {
    return values[random.nextInt(values.length)];
  }

  private String uuidLike() {
    return String.format(
        "%08x-%04x-4%03x-a%03x-%012x",
        random.nextInt() & 0xffffffffL,
        random.nextInt(0x10000),
        random.nextInt(0x1000),
        random.nextInt(0x1000),
        random.nextLong() & 0xffffffffffffL);
  }
}
