package dev.causality.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.causality.server.TestServer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GeoIP enrichment end to end: a real server with a generated GeoIP2-City database. */
class GeoIpIT {

  @TempDir Path dir;

  /** A browser's event (it has an Origin, no context.ip), sent with an X-Forwarded-For header. */
  private static String trackForwarded(TestServer server, String forwardedFor) {
    String id = UUID.randomUUID().toString();
    var r =
        server.post(
            "/v1/track",
            "{\"userId\":\"u\",\"event\":\"E\",\"messageId\":\"" + id + "\"}",
            "X-Write-Key",
            TestServer.KEY,
            "Origin",
            "https://shop.example",
            "X-Forwarded-For",
            forwardedFor);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return id;
  }

  @Test
  void behindATrustedProxyTheClientIsTheFirstForwardedAddress() {
    Path db = GeoIpTest.citiesFile(dir);
    try (TestServer server =
        TestServer.start(c -> c.withGeoIpDatabase(db).withIpMode("keep").withTrustProxy(true))) {
      assertThat(place(server, trackForwarded(server, "198.51.100.77, 10.0.0.1")))
          .containsExactly("DE", "Berlin", "Berlin", "198.51.100.77");
      assertThat(place(server, trackForwarded(server, " , 203.0.113.9,10.0.0.1")).get(3))
          .as("empty entries are skipped")
          .isEqualTo("203.0.113.9");
      // a header that names nobody (it answered 500 before): the peer address
      assertThat(place(server, trackForwarded(server, ",,,")).get(3)).isEqualTo("127.0.0.1");
    }
    try (TestServer server = TestServer.start(c -> c.withIpMode("keep"))) {
      assertThat(place(server, trackForwarded(server, "198.51.100.77")).get(3))
          .as("without trust-proxy the header is ignored")
          .isEqualTo("127.0.0.1");
    }
  }

  private static String track(TestServer server, String ip) {
    String id = UUID.randomUUID().toString();
    var r =
        server.post(
            "/v1/track",
            "{\"userId\":\"u\",\"event\":\"E\",\"messageId\":\""
                + id
                + "\",\"context\":{\"ip\":\""
                + ip
                + "\"}}",
            "X-Write-Key",
            TestServer.KEY);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return id;
  }

  /** country, region, city, ip of the stored event. */
  private static List<Object> place(TestServer server, String id) {
    List<List<Object>> rows =
        server.query("SELECT country, region, city, ip FROM events WHERE event_id = '" + id + "'");
    assertThat(rows).as("stored rows of " + id).hasSize(1);
    return rows.getFirst();
  }

  @Test
  void placesTheFullAddressThenStoresItTruncated() {
    Path db = GeoIpTest.citiesFile(dir);
    try (TestServer server = TestServer.start(c -> c.withGeoIpDatabase(db))) {
      String sydney = track(server, "203.0.113.9");
      String melbourne = track(server, "203.0.113.200");
      String berlin = track(server, "198.51.100.77");
      String barcelona = track(server, "2001:db8:1:ffff::1");
      String nowhere = track(server, "192.168.1.1");

      assertThat(place(server, sydney))
          .containsExactly("AU", "New South Wales", "Sydney", "203.0.113.0");
      // truncated first, 203.0.113.200 would be placed in Sydney like 203.0.113.0
      assertThat(place(server, melbourne))
          .containsExactly("AU", "Victoria", "Melbourne", "203.0.113.0");
      assertThat(place(server, berlin)).containsExactly("DE", "Berlin", "Berlin", "198.51.100.0");
      assertThat(place(server, barcelona))
          .containsExactly("ES", "Barcelona", "Barcelona", "2001:db8:1:0:0:0:0:0");
      assertThat(place(server, nowhere)).containsExactly(null, null, null, "192.168.1.0");
    }
  }

  @Test
  void dropModeStillPlacesTheEventButStoresNoAddress() {
    Path db = GeoIpTest.citiesFile(dir);
    try (TestServer server = TestServer.start(c -> c.withGeoIpDatabase(db).withIpMode("drop"))) {
      String sydney = track(server, "203.0.113.9");
      String nowhere = track(server, "10.0.0.1");

      assertThat(place(server, sydney)).containsExactly("AU", "New South Wales", "Sydney", null);
      assertThat(place(server, nowhere)).containsExactly(null, null, null, null);
    }
  }

  @Test
  void keepModeStoresTheAddressAsSent() {
    Path db = GeoIpTest.citiesFile(dir);
    try (TestServer server = TestServer.start(c -> c.withGeoIpDatabase(db).withIpMode("keep"))) {
      String berlin = track(server, "198.51.100.77");
      assertThat(place(server, berlin)).containsExactly("DE", "Berlin", "Berlin", "198.51.100.77");
    }
  }

  @Test
  void withoutADatabaseNothingIsPlaced() {
    try (TestServer server = TestServer.start()) {
      String sydney = track(server, "203.0.113.9");
      assertThat(place(server, sydney)).containsExactly(null, null, null, "203.0.113.0");
    }
  }

  @Test
  void garbageInTheIpFieldIsStoredWithoutPlace() {
    Path db = GeoIpTest.citiesFile(dir);
    try (TestServer server = TestServer.start(c -> c.withGeoIpDatabase(db))) {
      String garbage = track(server, "not-an-ip");
      List<Object> row = place(server, garbage);
      assertThat(Arrays.asList(row.get(0), row.get(1), row.get(2))).containsOnlyNulls();
    }
  }
}
