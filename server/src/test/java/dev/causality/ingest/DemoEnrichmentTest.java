package dev.causality.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.causality.demo.DemoData;
import dev.causality.event.Event;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Demo events look like ingested ones: enriching each demo event's context and properties the way
 * ingestion does (user agents parsed by the real parser) gives back the demo's own columns.
 */
class DemoEnrichmentTest {
  static final Map<String, Function<Event, Object>> DERIVED = new LinkedHashMap<>();

  static {
    DERIVED.put("page_url", Event::pageUrl);
    DERIVED.put("page_path", Event::pagePath);
    DERIVED.put("page_title", Event::pageTitle);
    DERIVED.put("referrer", Event::referrer);
    DERIVED.put("utm_source", Event::utmSource);
    DERIVED.put("utm_medium", Event::utmMedium);
    DERIVED.put("utm_campaign", Event::utmCampaign);
    DERIVED.put("utm_term", Event::utmTerm);
    DERIVED.put("utm_content", Event::utmContent);
    DERIVED.put("library_name", Event::libraryName);
    DERIVED.put("library_version", Event::libraryVersion);
    DERIVED.put("device_type", Event::deviceType);
    DERIVED.put("device_manufacturer", Event::deviceManufacturer);
    DERIVED.put("device_model", Event::deviceModel);
    DERIVED.put("os", Event::os);
    DERIVED.put("os_version", Event::osVersion);
    DERIVED.put("browser", Event::browser);
    DERIVED.put("browser_version", Event::browserVersion);
    DERIVED.put("app_version", Event::appVersion);
    DERIVED.put("locale", Event::locale);
    DERIVED.put("timezone", Event::timezone);
    DERIVED.put("screen_width", Event::screenWidth);
    DERIVED.put("screen_height", Event::screenHeight);
    DERIVED.put("session_id", Event::sessionId);
    DERIVED.put("group_id", Event::groupId);
    DERIVED.put("service", Event::service);
  }

  @Test
  void columnsAreWhatIngestionDerivesFromTheContext() throws Exception {
    ObjectMapper json = new ObjectMapper();
    Enricher enricher = new Enricher(new UserAgents(1_000), Optional.empty(), Enricher.IpMode.KEEP);
    // browser and OS versions follow the date, so a fixed one keeps this test stable
    List<Event> events =
        new DemoData(
                new DemoData.Options("p", 20_000, 90, 3),
                InstantSource.fixed(Instant.parse("2026-11-23T12:00:00Z")))
            .stream().toList();
    for (Event demo : events) {
      Event.Builder b = Event.builder();
      b.eventId = demo.eventId();
      b.appId = demo.appId();
      b.type = demo.type();
      b.groupId = demo.type().equals("group") ? demo.groupId() : null;
      enricher.enrich(
          b,
          (ObjectNode) json.readTree(demo.context()),
          (ObjectNode) json.readTree(demo.properties()),
          new RequestInfo(
              demo.receivedAt(), "127.0.0.1", Optional.empty(), false, Optional.empty()));
      Event ingested = b.build();
      DERIVED.forEach((column, value) ->
          assertThat(value.apply(ingested))
              .as("%s of %s %s", column, demo.type(), demo.context())
              .isEqualTo(value.apply(demo)));
    }
  }
}
