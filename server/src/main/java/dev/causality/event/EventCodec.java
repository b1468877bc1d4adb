package dev.causality.event;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The log's record format for an {@link Event}: its row as one JSON object. */
public final class EventCodec {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final ObjectReader READER = MAPPER.readerFor(Event.class);

  private EventCodec() {}

  /**
   * Writes the row with a streaming generator, field by field: databind's record serialiser
   * calls every accessor reflectively, which profiling showed among the top costs of ingestion.
   * Absent (null) columns are left out; {@link #decode} reads them back as null.
   */
  public static byte[] encode(Event e) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(256 + e.properties().length() + e.context().length());
    try (com.fasterxml.jackson.core.JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
      g.writeStartObject();
      str(g, "eventId", e.eventId());
      str(g, "appId", e.appId());
      str(g, "type", e.type());
      str(g, "event", e.event());
      str(g, "userId", e.userId());
      str(g, "anonymousId", e.anonymousId());
      str(g, "sessionId", e.sessionId());
      str(g, "groupId", e.groupId());
      str(g, "previousId", e.previousId());
      g.writeNumberField("timestamp", e.timestamp());
      g.writeNumberField("originalTimestamp", e.originalTimestamp());
      g.writeNumberField("sentAt", e.sentAt());
      g.writeNumberField("receivedAt", e.receivedAt());
      if (e.timestampClamped()) {
        g.writeBooleanField("timestampClamped", true);
      }
      str(g, "properties", e.properties());
      str(g, "traits", e.traits());
      str(g, "context", e.context());
      str(g, "pageUrl", e.pageUrl());
      str(g, "pagePath", e.pagePath());
      str(g, "pageTitle", e.pageTitle());
      str(g, "referrer", e.referrer());
      str(g, "utmSource", e.utmSource());
      str(g, "utmMedium", e.utmMedium());
      str(g, "utmCampaign", e.utmCampaign());
      str(g, "utmTerm", e.utmTerm());
      str(g, "utmContent", e.utmContent());
      str(g, "ip", e.ip());
      str(g, "country", e.country());
      str(g, "region", e.region());
      str(g, "city", e.city());
      str(g, "deviceType", e.deviceType());
      str(g, "os", e.os());
      str(g, "osVersion", e.osVersion());
      str(g, "browser", e.browser());
      str(g, "browserVersion", e.browserVersion());
      str(g, "deviceManufacturer", e.deviceManufacturer());
      str(g, "deviceModel", e.deviceModel());
      str(g, "appVersion", e.appVersion());
      str(g, "locale", e.locale());
      str(g, "timezone", e.timezone());
      if (e.screenWidth() != null) {
        g.writeNumberField("screenWidth", e.screenWidth());
      }
      if (e.screenHeight() != null) {
        g.writeNumberField("screenHeight", e.screenHeight());
      }
      str(g, "libraryName", e.libraryName());
      str(g, "libraryVersion", e.libraryVersion());
      str(g, "service", e.service());
      g.writeEndObject();
    } catch (IOException ex) {
      throw new UncheckedIOException("cannot encode event " + e.eventId(), ex);
    }
    return out.toByteArray();
  }

  private static void str(com.fasterxml.jackson.core.JsonGenerator g, String name, String value) throws IOException {
    if (value != null) {
      g.writeStringField(name, value);
    }
  }

  /** Decodes a record; throws {@link IOException} when the bytes are not an event. */
  public static Event decode(byte[] bytes) throws IOException {
    return READER.readValue(bytes);
  }
}
