package dev.causality.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EnrichmentTest {

  @ParameterizedTest
  @CsvSource({
    "203.0.113.77, 203.0.113.0",
    "10.1.2.3, 10.1.2.0",
    "2001:db8:85a3:8d3:1319:8a2e:370:7348, 2001:db8:85a3:0:0:0:0:0",
    "2001:db8::1, 2001:db8:0:0:0:0:0:0",
    "::ffff:192.0.2.128, 192.0.2.0",
    "not-an-ip, ",
    "example.com, ",
  })
  void truncatesIpsToTheirNetwork(String ip, String expected) {
    assertThat(Enricher.truncate(ip)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({
    "Desktop, desktop",
    "Phone, mobile",
    "Tablet, tablet",
    "Robot, bot",
    "TV, tv",
    "Unknown, ",
    "Anything Else, other",
  })
  void mapsDeviceClasses(String deviceClass, String expected) {
    assertThat(UserAgents.deviceType(deviceClass)).isEqualTo(expected);
  }

  @Test
  void routesIgnorePrefixesAndTrailingSlashes() {
    assertThat(Route.of("/v1/batch/")).get().extracting(Route::shape).isEqualTo(Route.Shape.BATCH);
    assertThat(Route.of("/a/b/v1/p"))
        .get()
        .extracting(Route::impliedType)
        .isEqualTo(Optional.of("page"));
    assertThat(Route.of("/v1/events/ingest"))
        .get()
        .extracting(Route::shape)
        .isEqualTo(Route.Shape.NATIVE);
    assertThat(Route.of("/v1/unknown")).isEmpty();
    assertThat(Route.of("/health")).isEmpty();
  }

  @Test
  void parsesIsoTimesWithAndWithoutOffsets() {
    assertThat(Pipeline.parseTime("t", Optional.of("2024-01-01T00:00:00Z")))
        .hasValue(1_704_067_200_000_000L);
    assertThat(Pipeline.parseTime("t", Optional.of("2024-01-01T01:00:00.5+01:00")))
        .hasValue(1_704_067_200_500_000L);
    assertThat(Pipeline.parseTime("t", Optional.of("2024-01-01T00:00:00")))
        .hasValue(1_704_067_200_000_000L);
    assertThat(Pipeline.parseTime("t", Optional.empty())).isEmpty();
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> Pipeline.parseTime("sentAt", Optional.of("yesterday")))
        .hasMessageContaining("'sentAt' is not an ISO-8601 date-time");
  }
}
