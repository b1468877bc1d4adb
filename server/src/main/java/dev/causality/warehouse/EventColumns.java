package dev.causality.warehouse;

import dev.causality.event.Event;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The columns of the {@code events} table, in order: the one place DDL and loading come from. The
 * table has one more, last: {@code user_key}, derived from these ({@link UserKey}) and added by a
 * later schema migration, so that this list stays the first migration's table.
 */
final class EventColumns {

  enum Kind {
    TEXT("VARCHAR"),
    JSON("JSON"),
    TIME("TIMESTAMP"),
    INT("INTEGER"),
    BOOL("BOOLEAN");

    final String sql;

    Kind(String sql) {
      this.sql = sql;
    }
  }

  record Column(String name, Kind kind, Function<Event, Object> value) {}

  static final List<Column> ALL =
      List.of(
          new Column("event_id", Kind.TEXT, Event::eventId),
          new Column("app_id", Kind.TEXT, Event::appId),
          new Column("type", Kind.TEXT, Event::type),
          new Column("event", Kind.TEXT, Event::event),
          new Column("user_id", Kind.TEXT, Event::userId),
          new Column("anonymous_id", Kind.TEXT, Event::anonymousId),
          new Column("session_id", Kind.TEXT, Event::sessionId),
          new Column("group_id", Kind.TEXT, Event::groupId),
          new Column("previous_id", Kind.TEXT, Event::previousId),
          new Column("timestamp", Kind.TIME, Event::timestamp),
          new Column("original_timestamp", Kind.TIME, Event::originalTimestamp),
          new Column("sent_at", Kind.TIME, Event::sentAt),
          new Column("received_at", Kind.TIME, Event::receivedAt),
          new Column("timestamp_clamped", Kind.BOOL, Event::timestampClamped),
          new Column("properties", Kind.JSON, Event::properties),
          new Column("traits", Kind.JSON, Event::traits),
          new Column("context", Kind.JSON, Event::context),
          new Column("page_url", Kind.TEXT, Event::pageUrl),
          new Column("page_path", Kind.TEXT, Event::pagePath),
          new Column("page_title", Kind.TEXT, Event::pageTitle),
          new Column("referrer", Kind.TEXT, Event::referrer),
          new Column("utm_source", Kind.TEXT, Event::utmSource),
          new Column("utm_medium", Kind.TEXT, Event::utmMedium),
          new Column("utm_campaign", Kind.TEXT, Event::utmCampaign),
          new Column("utm_term", Kind.TEXT, Event::utmTerm),
          new Column("utm_content", Kind.TEXT, Event::utmContent),
          new Column("ip", Kind.TEXT, Event::ip),
          new Column("country", Kind.TEXT, Event::country),
          new Column("region", Kind.TEXT, Event::region),
          new Column("city", Kind.TEXT, Event::city),
          new Column("device_type", Kind.TEXT, Event::deviceType),
          new Column("os", Kind.TEXT, Event::os),
          new Column("os_version", Kind.TEXT, Event::osVersion),
          new Column("browser", Kind.TEXT, Event::browser),
          new Column("browser_version", Kind.TEXT, Event::browserVersion),
          new Column("device_manufacturer", Kind.TEXT, Event::deviceManufacturer),
          new Column("device_model", Kind.TEXT, Event::deviceModel),
          new Column("app_version", Kind.TEXT, Event::appVersion),
          new Column("locale", Kind.TEXT, Event::locale),
          new Column("timezone", Kind.TEXT, Event::timezone),
          new Column("screen_width", Kind.INT, Event::screenWidth),
          new Column("screen_height", Kind.INT, Event::screenHeight),
          new Column("library_name", Kind.TEXT, Event::libraryName),
          new Column("library_version", Kind.TEXT, Event::libraryVersion),
          new Column("service", Kind.TEXT, Event::service));

  static String ddl() {
    return ALL.stream()
        .map(c -> "\"" + c.name() + "\" " + c.kind().sql + (notNull(c) ? " NOT NULL" : ""))
        .collect(Collectors.joining(",\n  ", "CREATE TABLE IF NOT EXISTS events (\n  ", "\n)"));
  }

  private static boolean notNull(Column c) {
    return switch (c.name()) {
      case "event_id", "app_id", "type", "timestamp", "received_at" -> true;
      default -> false;
    };
  }

  private EventColumns() {}
}
