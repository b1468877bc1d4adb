package dev.causality.warehouse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.causality.event.Event;
import dev.causality.event.EventRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the stored events look like: event names per project, and per event the property keys with
 * their JSON types and most frequent values. Kept current by every load (no scans at request time);
 * feeds property pickers and the LLM prompt.
 */
public final class Catalog {
  /*
   * Implementation note. Keys are flattened JSON paths of `properties` (`item.sku`), at most
   * three levels deep; identify calls contribute their `traits` under the event `$identify`,
   * page and screen calls are listed as `$pageview` and `$screen`. Values are counted only for
   * scalars of at most 100 characters, and only for the first MAX_VALUES distinct values of a
   * key: past that the key is marked high-cardinality (user ids, timestamps) and only the counts
   * of values already seen keep growing, so memory stays bounded whatever clients send.
   */

  static final int MAX_VALUES = 100;
  static final int MAX_KEYS_PER_EVENT = 500;
  private static final JsonFactory JSON_FACTORY = new JsonFactory();

  /** An event name with how often and when it was last seen (epoch micros). */
  public record EventInfo(String event, long count, long lastSeenMicros) {}

  /** A property key, its types (JSON type → count) and its top values (value → count). */
  public record PropertyInfo(
      String key,
      Map<String, Long> types,
      long count,
      boolean highCardinality,
      List<Map.Entry<String, Long>> topValues) {}

  private static final class EventStats {
    long count;
    long lastSeen;
    final Map<String, KeyStats> keys = new HashMap<>();
  }

  private static final class KeyStats {
    long count;
    final Map<String, Long> types = new HashMap<>();
    final Map<String, Long> values = new HashMap<>();
    boolean highCardinality;
  }

  private final Map<String, Map<String, EventStats>> projects = new HashMap<>();

  /**
   * Adds what {@code rows} show (tests and rebuilds; loads go through {@link #delta} and {@link
   * #apply}).
   */
  public synchronized void observe(List<Event> rows) {
    apply(delta(rows));
  }

  /**
   * The increments {@code rows} would add, without changing this catalog: applied with {@link
   * #apply} only once the rows are committed, and stored beside them in the same transaction.
   */
  public synchronized List<Row> delta(List<Event> rows) {
    Catalog batch = new Catalog();
    batch.count(rows);
    return deltaOf(batch);
  }

  /** The increments of a catalog that counted only new rows (see {@link #count(Event)}). */
  synchronized List<Row> deltaOf(Catalog batch) {
    List<Row> out = new ArrayList<>();
    for (Row r : batch.rows()) {
      if (r.kind().equals("value")) {
        KeyStats k =
            projects.getOrDefault(r.appId(), Map.of()).containsKey(r.event())
                ? projects.get(r.appId()).get(r.event()).keys.get(r.key())
                : null;
        if (k != null && !k.values.containsKey(r.item()) && k.values.size() >= MAX_VALUES) {
          out.add(new Row(r.appId(), r.event(), r.key(), "high", 0, "key"));
          continue;
        }
      }
      out.add(r);
    }
    return out;
  }

  /** Merges increments computed by {@link #delta} (or read back from storage). */
  public synchronized void apply(List<Row> delta) {
    for (Row r : delta) {
      EventStats s =
          projects
              .computeIfAbsent(r.appId(), k -> new HashMap<>())
              .computeIfAbsent(r.event(), k -> new EventStats());
      switch (r.kind()) {
        case "event" -> {
          s.count += r.count();
          s.lastSeen = Math.max(s.lastSeen, Long.parseLong(r.item()));
        }
        case "key" -> {
          KeyStats k = s.keys.computeIfAbsent(r.key(), x -> new KeyStats());
          k.count += r.count();
          k.highCardinality |= r.item().equals("high");
        }
        case "type" ->
            s.keys
                .computeIfAbsent(r.key(), x -> new KeyStats())
                .types
                .merge(r.item(), r.count(), Long::sum);
        case "value" -> {
          KeyStats k = s.keys.computeIfAbsent(r.key(), x -> new KeyStats());
          if (k.values.containsKey(r.item()) || k.values.size() < MAX_VALUES) {
            k.values.merge(r.item(), r.count(), Long::sum);
          } else {
            k.highCardinality = true;
          }
        }
        default -> throw new IllegalArgumentException("unknown catalog row kind " + r.kind());
      }
    }
  }

  private void count(List<Event> rows) {
    for (Event e : rows) {
      count(e);
    }
  }

  /** Counts one row into this catalog (a fresh one per load, see {@link #deltaOf}). */
  void count(Event e) {
    count(EventRecord.of(e));
  }

  /** Counts one stored record, parsing its JSON column in place. */
  void count(EventRecord r) {
    String name;
    if (r.textEquals(EventRecord.TYPE, "track")) {
      name = r.present(EventRecord.EVENT) ? r.text(EventRecord.EVENT) : "$unnamed";
    } else {
      name =
          switch (r.text(EventRecord.TYPE)) {
            case "page" -> "$pageview";
            case "screen" -> "$screen";
            case "identify" -> "$identify";
            case "group" -> "$group";
            case "alias" -> "$alias";
            default -> r.present(EventRecord.EVENT) ? r.text(EventRecord.EVENT) : "$unnamed";
          };
    }
    EventStats s =
        projects
            .computeIfAbsent(r.text(EventRecord.APP_ID), k -> new HashMap<>())
            .computeIfAbsent(name, k -> new EventStats());
    s.count++;
    s.lastSeen = Math.max(s.lastSeen, r.time(EventRecord.TIMESTAMP));
    int column =
        r.textEquals(EventRecord.TYPE, "identify") || r.textEquals(EventRecord.TYPE, "group")
            ? EventRecord.TRAITS
            : EventRecord.PROPERTIES;
    if (r.present(column) && r.length(column) > 2) {
      try (JsonParser p =
          JSON_FACTORY.createParser(r.array(), r.offset(column), r.length(column))) {
        if (p.nextToken() == JsonToken.START_OBJECT) {
          walk(s, "", p, 0);
        }
      } catch (IOException ignored) {
        // stored JSON always parses; a row that does not simply adds no keys
      }
    }
  }

  /**
   * Counts the fields of the object the parser is in, read as tokens rather than as a tree (the
   * stored JSON was written from a tree, so numbers read back as the text a tree would give).
   */
  private static void walk(EventStats s, String prefix, JsonParser p, int depth)
      throws IOException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = prefix.isEmpty() ? p.currentName() : prefix + p.currentName();
      JsonToken t = p.nextToken();
      if (t == JsonToken.START_OBJECT && depth < 2) {
        walk(s, key + ".", p, depth + 1);
        continue;
      }
      KeyStats k = s.keys.get(key);
      if (k == null) {
        if (s.keys.size() >= MAX_KEYS_PER_EVENT) {
          p.skipChildren();
          continue;
        }
        k = new KeyStats();
        s.keys.put(key, k);
      }
      k.count++;
      k.types.merge(type(t), 1L, Long::sum);
      switch (t) {
        case START_OBJECT, START_ARRAY -> p.skipChildren();
        case VALUE_NULL -> {}
        default -> {
          String value = p.getText();
          if (value.length() <= 100) {
            if (k.values.containsKey(value)) {
              k.values.merge(value, 1L, Long::sum);
            } else if (k.values.size() < MAX_VALUES) {
              k.values.put(value, 1L);
            } else {
              k.highCardinality = true;
            }
          }
        }
      }
    }
  }

  private static String type(JsonToken t) {
    return switch (t) {
      case VALUE_STRING -> "string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
      case VALUE_TRUE, VALUE_FALSE -> "boolean";
      case START_ARRAY -> "array";
      case START_OBJECT -> "object";
      case VALUE_NULL -> "null";
      default -> "other";
    };
  }

  /** Event names of a project, most frequent first. */
  public synchronized List<EventInfo> events(String projectId) {
    List<EventInfo> out = new ArrayList<>();
    projects
        .getOrDefault(projectId, Map.of())
        .forEach((name, s) -> out.add(new EventInfo(name, s.count, s.lastSeen)));
    out.sort(Comparator.comparingLong(EventInfo::count).reversed().thenComparing(EventInfo::event));
    return out;
  }

  /**
   * Property keys of an event (or of every event when {@code event} is {@code $any}), most frequent
   * first.
   */
  public synchronized List<PropertyInfo> properties(String projectId, String event, int topValues) {
    Map<String, KeyStats> merged = new HashMap<>();
    projects
        .getOrDefault(projectId, Map.of())
        .forEach((name, s) -> {
          if (event.equals("$any") || event.equals(name)) {
            s.keys.forEach((key, k) -> {
              KeyStats m = merged.computeIfAbsent(key, x -> new KeyStats());
              m.count += k.count;
              k.types.forEach((t, c) -> m.types.merge(t, c, Long::sum));
              k.values.forEach((v, c) -> m.values.merge(v, c, Long::sum));
              m.highCardinality |= k.highCardinality;
            });
          }
        });
    List<PropertyInfo> out = new ArrayList<>();
    merged.forEach((key, k) -> {
      List<Map.Entry<String, Long>> top =
          k.values.entrySet().stream()
              .sorted(
                  Map.Entry.<String, Long>comparingByValue()
                      .reversed()
                      .thenComparing(Map.Entry.comparingByKey()))
              .limit(topValues)
              .map(en -> Map.entry(en.getKey(), en.getValue()))
              .toList();
      out.add(
          new PropertyInfo(
              key,
              Map.copyOf(k.types),
              k.count,
              k.highCardinality || k.values.size() >= MAX_VALUES,
              top));
    });
    out.sort(
        Comparator.comparingLong(PropertyInfo::count).reversed().thenComparing(PropertyInfo::key));
    return out;
  }

  /**
   * One increment of the persisted form. {@code kind} is event (item = last seen micros), key (item
   * = "high" when high-cardinality), type (item = JSON type) or value (item = the value).
   */
  public record Row(String appId, String event, String key, String item, long count, String kind) {}

  synchronized List<Row> rows() {
    List<Row> out = new ArrayList<>();
    projects.forEach((app, events) ->
        events.forEach((name, s) -> {
          out.add(new Row(app, name, "", Long.toString(s.lastSeen), s.count, "event"));
          s.keys.forEach((key, k) -> {
            out.add(new Row(app, name, key, k.highCardinality ? "high" : "", k.count, "key"));
            k.types.forEach((t, c) -> out.add(new Row(app, name, key, t, c, "type")));
            k.values.forEach((v, c) -> out.add(new Row(app, name, key, v, c, "value")));
          });
        }));
    return out;
  }
}
