package dev.causality.query;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * A field of an event a query can filter, group or aggregate on: a promoted column ({@code
 * country}, {@code browser}, {@code event}…) or a path into {@code properties}, {@code traits} or
 * {@code context} ({@code properties.plan}, {@code context.app.build}).
 */
public record Field(String name, String sql) {
  static final Set<String> COLUMNS =
      Set.of(
          "event_id",
          "type",
          "event",
          "user_id",
          "anonymous_id",
          "session_id",
          "group_id",
          "page_url",
          "page_path",
          "page_title",
          "referrer",
          "utm_source",
          "utm_medium",
          "utm_campaign",
          "utm_term",
          "utm_content",
          "ip",
          "country",
          "region",
          "city",
          "device_type",
          "os",
          "os_version",
          "browser",
          "browser_version",
          "device_manufacturer",
          "device_model",
          "app_version",
          "locale",
          "timezone",
          "screen_width",
          "screen_height",
          "library_name",
          "library_version",
          "service");
  private static final Pattern SEGMENT = Pattern.compile("[^\"'\\\\\\p{Cntrl}]{1,200}");

  /** Parses a field name; {@code where} names the request part for the error message. */
  static Field parse(String where, String name) {
    if (name == null || name.isBlank()) {
      throw QueryException.invalid(where, "a field name is required");
    }
    String n = name.equals("event_name") ? "event" : name;
    if (COLUMNS.contains(n)) {
      return new Field(n, "\"" + n + "\"");
    }
    int dot = n.indexOf('.');
    String root = dot < 0 ? n : n.substring(0, dot);
    if (dot > 0 && (root.equals("properties") || root.equals("traits") || root.equals("context"))) {
      StringBuilder path = new StringBuilder("$");
      for (String segment : n.substring(dot + 1).split("\\.", -1)) {
        if (!SEGMENT.matcher(segment).matches()) {
          throw QueryException.invalid(
              where,
              "'"
                  + name
                  + "' has an empty or invalid path segment (quotes,"
                  + " backslashes and control characters are not allowed)");
        }
        path.append(".\"").append(segment).append('"');
      }
      return new Field(name, "json_extract_string(\"" + root + "\", '" + path + "')");
    }
    throw QueryException.invalid(
        where,
        "unknown field '"
            + name
            + "'; use a column such as country or"
            + " browser, or properties.<key>, traits.<key>, context.<key>");
  }
}
