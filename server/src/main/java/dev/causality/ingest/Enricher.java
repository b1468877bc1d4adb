package dev.causality.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.causality.event.Event;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * The enrich step: promotes context fields to columns and adds what the request implies — IP (kept,
 * truncated or dropped), user agent → browser/OS/device, GeoIP → place, page and UTM.
 */
final class Enricher {

  /** What to store of a client's IP address. */
  enum IpMode {
    KEEP,
    /** IPv4 to /24, IPv6 to /48. */
    TRUNCATE,
    DROP
  }

  private final UserAgents userAgents;
  private final Optional<GeoIp> geoIp;
  private final IpMode ipMode;

  Enricher(UserAgents userAgents, Optional<GeoIp> geoIp, IpMode ipMode) {
    this.userAgents = userAgents;
    this.geoIp = geoIp;
    this.ipMode = ipMode;
  }

  void enrich(Event.Builder b, ObjectNode context, ObjectNode properties, RequestInfo info) {
    JsonNode page = context.path("page");
    boolean pageCall = b.type.equals("page");
    b.pageUrl = first(pageCall ? str(properties, "url") : null, str(page, "url"));
    b.pagePath = first(pageCall ? str(properties, "path") : null, str(page, "path"));
    b.pageTitle = first(pageCall ? str(properties, "title") : null, str(page, "title"));
    b.referrer =
        first(
            pageCall ? str(properties, "referrer") : null,
            str(page, "referrer"),
            str(context.path("referrer"), "url"));
    if (b.pagePath == null && b.pageUrl != null) {
      b.pagePath = uri(b.pageUrl).map(URI::getRawPath).filter(p -> !p.isEmpty()).orElse(null);
    }
    JsonNode campaign = context.path("campaign");
    b.utmSource = str(campaign, "source");
    b.utmMedium = str(campaign, "medium");
    b.utmCampaign = str(campaign, "name");
    b.utmTerm = str(campaign, "term");
    b.utmContent = str(campaign, "content");
    if (b.pageUrl != null
        && b.utmSource == null
        && b.utmMedium == null
        && b.utmCampaign == null
        && b.pageUrl.contains("utm_")) {
      utmFromUrl(b);
    }

    JsonNode library = context.path("library");
    b.libraryName = str(library, "name");
    b.libraryVersion = str(library, "version");
    JsonNode device = context.path("device");
    b.deviceType = lower(str(device, "type"));
    b.deviceManufacturer = str(device, "manufacturer");
    b.deviceModel = str(device, "model");
    JsonNode os = context.path("os");
    b.os = str(os, "name");
    b.osVersion = str(os, "version");
    b.appVersion = str(context.path("app"), "version");
    b.locale = str(context, "locale");
    b.timezone = str(context, "timezone");
    b.screenWidth = integer(context.path("screen"), "width");
    b.screenHeight = integer(context.path("screen"), "height");
    if (b.sessionId == null) {
      b.sessionId = first(str(context, "sessionId"), str(context, "session_id"));
    }
    if (b.service == null) {
      b.service = first(str(context, "service"), str(context.path("service"), "name"));
    }
    if (b.groupId == null) {
      b.groupId = str(context, "groupId");
    }

    String ua = str(context, "userAgent");
    if (ua == null && info.fromBrowser() && info.userAgent().isPresent()) {
      ua = info.userAgent().get();
      context.put("userAgent", ua);
    }
    UserAgents.Parsed parsed = ua == null ? null : userAgents.parse(ua);
    if (parsed != null) {
      b.browser = parsed.browser();
      b.browserVersion = parsed.browserVersion();
      if (b.os == null) {
        b.os = parsed.os();
        b.osVersion = parsed.osVersion();
      }
      if (b.deviceType == null) {
        b.deviceType = parsed.deviceType();
      }
    }

    String ip = str(context, "ip");
    if (ip == null && info.fromBrowser()) {
      ip = info.remoteIp();
    }
    if (ip != null) {
      String fullIp = ip;
      geoIp
          .flatMap(g -> g.locate(fullIp))
          .ifPresent(place -> {
            b.country = place.country();
            b.region = place.region();
            b.city = place.city();
          });
      b.ip =
          switch (ipMode) {
            case KEEP -> ip;
            case TRUNCATE -> truncate(ip);
            case DROP -> null;
          };
    }
  }

  private static void utmFromUrl(Event.Builder b) {
    Optional<URI> u = uri(b.pageUrl);
    String query = u.map(URI::getRawQuery).orElse(null);
    if (query == null) {
      return;
    }
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        continue;
      }
      String name = pair.substring(0, eq);
      String value = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      switch (name) {
        case "utm_source" -> b.utmSource = value;
        case "utm_medium" -> b.utmMedium = value;
        case "utm_campaign" -> b.utmCampaign = value;
        case "utm_term" -> b.utmTerm = value;
        case "utm_content" -> b.utmContent = value;
        default -> {}
      }
    }
  }

  /** Four groups of one to three ASCII digits separated by dots. */
  private static boolean dottedQuad(String s) {
    int groups = 0;
    int digits = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        if (++digits > 3) {
          return false;
        }
      } else if (c == '.' && digits > 0 && groups < 3) {
        groups++;
        digits = 0;
      } else {
        return false;
      }
    }
    return groups == 3 && digits > 0;
  }

  /** Zeroes the host part: IPv4 to /24, IPv6 to /48; {@code null} when it is not an IP address. */
  static String truncate(String ip) {
    if (dottedQuad(ip)) {
      return ip.substring(0, ip.lastIndexOf('.')) + ".0";
    }
    if (ip.indexOf(':') < 0 || !ip.matches("[0-9A-Fa-f:.]+")) {
      return null;
    }
    try {
      byte[] a = java.net.InetAddress.getByName(ip).getAddress(); // a literal: no lookup
      if (a.length != 16) {
        return truncate(java.net.InetAddress.getByAddress(a).getHostAddress());
      }
      java.util.Arrays.fill(a, 6, 16, (byte) 0);
      return java.net.InetAddress.getByAddress(a).getHostAddress();
    } catch (java.net.UnknownHostException e) {
      return null;
    }
  }

  private static Optional<URI> uri(String s) {
    try {
      return Optional.of(URI.create(s));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static String str(JsonNode n, String field) {
    JsonNode v = n.path(field);
    if (v.isTextual()) {
      String s = v.asText();
      return s.isEmpty() ? null : s;
    }
    return v.isNumber() || v.isBoolean() ? v.asText() : null;
  }

  private static Integer integer(JsonNode n, String field) {
    JsonNode v = n.path(field);
    return v.canConvertToInt() ? v.intValue() : null;
  }

  private static String lower(String s) {
    return s == null ? null : s.toLowerCase(Locale.ROOT);
  }

  @SafeVarargs
  private static <T> T first(T... values) {
    for (T v : values) {
      if (v != null) {
        return v;
      }
    }
    return null;
  }
}
