package dev.causality.ingest;

import static dev.causality.ingest.MmdbWriter.uint16;
import static dev.causality.ingest.MmdbWriter.uint32;
import static dev.causality.ingest.MmdbWriter.uint64;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.maxmind.db.Reader;
import com.maxmind.geoip2.DatabaseReader;
import com.maxmind.geoip2.model.CityResponse;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link GeoIp} and the test {@link MmdbWriter}, read back with MaxMind's own reader. */
class GeoIpTest {

  @TempDir Path dir;

  /**
   * A small GeoIP2-City database: two IPv4 /24s (one with a /25 inside it), an IPv6 /48 with two
   * levels of subdivision and a network known only to the country.
   */
  static MmdbWriter cities() {
    return new MmdbWriter("GeoIP2-City", List.of("en", "de"))
        .insert(
            "203.0.113.0/24",
            city(
                country(2077456, "AU", "Australia", false),
                List.of(subdivision(2155400, "NSW", "New South Wales")),
                2147714,
                "Sydney",
                -33.8688,
                151.2093))
        .insert(
            "203.0.113.128/25",
            city(
                country(2077456, "AU", "Australia", false),
                List.of(subdivision(2145234, "VIC", "Victoria")),
                2158177,
                "Melbourne",
                -37.8136,
                144.9631))
        .insert(
            "198.51.100.0/24",
            city(
                country(2921044, "DE", "Germany", true),
                List.of(subdivision(2950157, "BE", "Berlin")),
                2950159,
                "Berlin",
                52.52,
                13.405))
        .insert(
            "2001:db8:1::/48",
            city(
                country(2510769, "ES", "Spain", true),
                List.of(
                    subdivision(3336901, "CT", "Catalonia"),
                    subdivision(6355232, "B", "Barcelona")),
                3128760,
                "Barcelona",
                41.3874,
                2.1686))
        .insert("192.0.2.0/24", Map.of("country", country(3017382, "FR", "France", true)));
  }

  static Path citiesFile(Path dir) {
    return cities().write(dir.resolve("cities.mmdb"));
  }

  private static Map<String, Object> names(String en) {
    return Map.of("en", en, "de", en + " (de)");
  }

  private static Map<String, Object> country(
      long geonameId, String isoCode, String name, boolean eu) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("geoname_id", uint32(geonameId));
    m.put("iso_code", isoCode);
    m.put("is_in_european_union", eu);
    m.put("names", names(name));
    return m;
  }

  private static Map<String, Object> subdivision(long geonameId, String isoCode, String name) {
    return Map.of("geoname_id", uint32(geonameId), "iso_code", isoCode, "names", names(name));
  }

  private static Map<String, Object> city(
      Map<String, Object> country,
      List<Map<String, Object>> subdivisions,
      long cityId,
      String city,
      double latitude,
      double longitude) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("city", Map.of("geoname_id", uint32(cityId), "names", names(city)));
    m.put("country", country);
    m.put("registered_country", country);
    m.put("subdivisions", subdivisions);
    m.put(
        "location",
        Map.of(
            "latitude",
            latitude,
            "longitude",
            longitude,
            "accuracy_radius",
            uint16(20),
            "time_zone",
            "Etc/UTC"));
    return m;
  }

  private static CityResponse city(DatabaseReader reader, String ip) throws Exception {
    return reader
        .tryCity(InetAddress.getByName(ip))
        .orElseThrow(() -> new AssertionError("no record for " + ip));
  }

  @ParameterizedTest
  @ValueSource(ints = {24, 28, 32})
  void theRealReaderFindsEveryNetworkAtEveryRecordSize(int recordSize) throws Exception {
    Path file =
        cities().recordSize(recordSize).write(dir.resolve("cities-" + recordSize + ".mmdb"));
    try (DatabaseReader reader = new DatabaseReader.Builder(file.toFile()).build()) {
      CityResponse sydney = city(reader, "203.0.113.9");
      assertThat(sydney.country().isoCode()).isEqualTo("AU");
      assertThat(sydney.country().name()).isEqualTo("Australia");
      assertThat(sydney.country().geonameId()).isEqualTo(2077456L);
      assertThat(sydney.country().isInEuropeanUnion()).isFalse();
      assertThat(sydney.registeredCountry().isoCode()).isEqualTo("AU");
      assertThat(sydney.mostSpecificSubdivision().name()).isEqualTo("New South Wales");
      assertThat(sydney.mostSpecificSubdivision().isoCode()).isEqualTo("NSW");
      assertThat(sydney.city().name()).isEqualTo("Sydney");
      assertThat(sydney.city().names()).containsEntry("de", "Sydney (de)");
      assertThat(sydney.location().latitude()).isEqualTo(-33.8688);
      assertThat(sydney.location().longitude()).isEqualTo(151.2093);
      assertThat(sydney.location().accuracyRadius()).isEqualTo(20);
      assertThat(sydney.location().timeZone()).isEqualTo("Etc/UTC");
      assertThat(sydney.traits().network())
          .hasToString("203.0.113.0/25"); // the /25 inside splits the /24

      CityResponse melbourne = city(reader, "203.0.113.200");
      assertThat(melbourne.city().name()).isEqualTo("Melbourne");
      assertThat(melbourne.mostSpecificSubdivision().name()).isEqualTo("Victoria");
      assertThat(melbourne.traits().network()).hasToString("203.0.113.128/25");
      assertThat(city(reader, "203.0.113.0").city().name()).isEqualTo("Sydney");
      assertThat(city(reader, "203.0.113.255").city().name()).isEqualTo("Melbourne");

      CityResponse berlin = city(reader, "198.51.100.77");
      assertThat(berlin.country().isoCode()).isEqualTo("DE");
      assertThat(berlin.country().isInEuropeanUnion()).isTrue();
      assertThat(berlin.mostSpecificSubdivision().name()).isEqualTo("Berlin");
      assertThat(berlin.city().name()).isEqualTo("Berlin");
      assertThat(berlin.traits().network()).hasToString("198.51.100.0/24");

      CityResponse barcelona = city(reader, "2001:db8:1:ffff::1");
      assertThat(barcelona.country().isoCode()).isEqualTo("ES");
      assertThat(barcelona.leastSpecificSubdivision().name()).isEqualTo("Catalonia");
      assertThat(barcelona.mostSpecificSubdivision().name()).isEqualTo("Barcelona");
      assertThat(barcelona.city().name()).isEqualTo("Barcelona");
      assertThat(barcelona.traits().network()).hasToString("2001:db8:1:0:0:0:0:0/48");

      CityResponse france = city(reader, "192.0.2.1");
      assertThat(france.country().isoCode()).isEqualTo("FR");
      assertThat(france.subdivisions()).isEmpty();
      assertThat(france.city().name()).isNull();

      for (String unknown :
          List.of(
              "10.0.0.1", "203.0.112.255", "203.0.114.0", "198.51.101.1", "2001:db8:2::1", "::1")) {
        assertThat(reader.tryCity(InetAddress.getByName(unknown))).as(unknown).isEmpty();
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {24, 28, 32})
  void metadataSaysWhatWasWritten(int recordSize) throws IOException {
    Path file =
        cities()
            .recordSize(recordSize)
            .buildTime(Instant.parse("2026-03-04T05:06:07Z"))
            .write(dir.resolve("m.mmdb"));
    try (Reader reader = new Reader(file.toFile())) {
      var m = reader.getMetadata();
      assertThat(m.databaseType()).isEqualTo("GeoIP2-City");
      assertThat(m.ipVersion()).isEqualTo(6);
      assertThat(m.recordSize()).isEqualTo(recordSize);
      assertThat(m.binaryFormatMajorVersion()).isEqualTo(2);
      assertThat(m.binaryFormatMinorVersion()).isZero();
      assertThat(m.languages()).containsExactly("en", "de");
      assertThat(m.description()).containsEntry("en", "Causality test database");
      assertThat(m.buildTime()).isEqualTo(Instant.parse("2026-03-04T05:06:07Z"));
      // 96 nodes down to ::/96, 24 more to each IPv4 /24 and one for the /25; 48 to the IPv6 /48
      assertThat(m.nodeCount()).isGreaterThan(96 + 24).isLessThan(96 + 3 * 24 + 48 + 1);
    }
  }

  @Test
  void everyValueTypeRoundTrips() throws IOException {
    String long300 = "x".repeat(300);
    String long70k = "é".repeat(35_000); // 70,000 UTF-8 bytes: the three-byte size form
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("string", "Zürich");
    data.put("empty", "");
    data.put("string29", "y".repeat(29));
    data.put("string300", long300);
    data.put("string70k", long70k);
    data.put("double", 0.1);
    data.put("float", 1.5f);
    data.put("true", true);
    data.put("false", false);
    data.put("bytes", new byte[] {1, 2, (byte) 0xFF});
    data.put("uint16", uint16(65_535));
    data.put("uint32", uint32(4_294_967_295L));
    data.put("uint32zero", uint32(0));
    data.put("uint64", uint64(Long.MAX_VALUE));
    data.put("array", List.of("a", uint16(7), List.of()));
    data.put("map", Map.of("nested", Map.of("deeper", "yes")));
    Path file =
        new MmdbWriter("Test", List.of("en"))
            .insert("10.0.0.0/8", data)
            .write(dir.resolve("types.mmdb"));

    try (Reader reader = new Reader(file.toFile())) {
      @SuppressWarnings("unchecked")
      Map<String, Object> read = reader.get(InetAddress.getByName("10.1.2.3"), Map.class);
      assertThat(read).containsOnlyKeys(data.keySet());
      assertThat(read)
          .containsEntry("string", "Zürich")
          .containsEntry("empty", "")
          .containsEntry("string29", "y".repeat(29))
          .containsEntry("string300", long300)
          .containsEntry("string70k", long70k)
          .containsEntry("double", 0.1)
          .containsEntry("float", 1.5f)
          .containsEntry("true", true)
          .containsEntry("false", false)
          .containsEntry("uint16", 65_535)
          .containsEntry("uint32", 4_294_967_295L)
          .containsEntry("uint32zero", 0L)
          .containsEntry("uint64", BigInteger.valueOf(Long.MAX_VALUE))
          .containsEntry("array", List.of("a", 7, List.of()))
          .containsEntry("map", Map.of("nested", Map.of("deeper", "yes")));
      assertThat((byte[]) read.get("bytes")).containsExactly(1, 2, 0xFF);
      assertThat(reader.get(InetAddress.getByName("11.0.0.1"), Map.class)).isNull();
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {28, 32})
  void recordsBeyond24BitsPointPastALargeDataSection(int recordSize) throws IOException {
    // a 16.8 MB first record pushes the second one's pointer past 2^24: the 28-bit middle nibble
    String large = "z".repeat(16_800_000);
    MmdbWriter w =
        new MmdbWriter("Test", List.of("en"))
            .recordSize(recordSize)
            .insert("10.0.0.0/8", Map.of("v", large))
            .insert("11.0.0.0/16", Map.of("v", "small"));
    Path file = w.write(dir.resolve("large.mmdb"));
    try (Reader reader = new Reader(file.toFile())) {
      assertThat(reader.get(InetAddress.getByName("11.0.1.1"), Map.class))
          .isEqualTo(Map.of("v", "small"));
      assertThat(reader.get(InetAddress.getByName("10.9.9.9"), Map.class))
          .isEqualTo(Map.of("v", large));
    }
    assertThatThrownBy(() -> w.recordSize(24).toBytes())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("24 bits");
  }

  @Test
  void aNetworkCoveringOneInsertedBeforeIsRefused() {
    MmdbWriter w = new MmdbWriter("Test", List.of("en")).insert("10.1.0.0/16", Map.of("a", "b"));
    assertThatThrownBy(() -> w.insert("10.0.0.0/8", Map.of("a", "c")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("10.0.0.0/8");
  }

  @Test
  void locatesCountryRegionAndCity() {
    try (GeoIp geo = GeoIp.open(citiesFile(dir))) {
      assertThat(geo.locate("203.0.113.9"))
          .contains(new GeoIp.Place("AU", "New South Wales", "Sydney"));
      assertThat(geo.locate("203.0.113.130"))
          .contains(new GeoIp.Place("AU", "Victoria", "Melbourne"));
      assertThat(geo.locate("198.51.100.1")).contains(new GeoIp.Place("DE", "Berlin", "Berlin"));
      assertThat(geo.locate("::ffff:198.51.100.1"))
          .contains(new GeoIp.Place("DE", "Berlin", "Berlin"));
      assertThat(geo.locate("2001:db8:1::42"))
          .contains(new GeoIp.Place("ES", "Barcelona", "Barcelona"));
      assertThat(geo.locate("2001:DB8:1:0:0:0:0:42"))
          .contains(new GeoIp.Place("ES", "Barcelona", "Barcelona"));
      assertThat(geo.locate("192.0.2.200")).contains(new GeoIp.Place("FR", null, null));
    }
  }

  @Test
  void anAddressNotInTheDatabaseIsNowhere() {
    try (GeoIp geo = GeoIp.open(citiesFile(dir))) {
      assertThat(geo.locate("10.0.0.1")).isEmpty();
      assertThat(geo.locate("127.0.0.1")).isEmpty();
      assertThat(geo.locate("198.51.101.1")).isEmpty();
      assertThat(geo.locate("2001:db8:2::1")).isEmpty();
      assertThat(geo.locate("::1")).isEmpty();
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        " ",
        "not an ip",
        "203.0.113.9 ",
        " 203.0.113.9",
        "203.0.113.9/24",
        "203.0.113.256",
        "999.0.113.9",
        "203.0.113.9.1",
        "::g",
        "abc:def",
        "2001:db8:1::42::1",
        "2001:db8:1::42%eth0",
        "[2001:db8:1::42]",
        "localhost"
      })
  void garbageIsNowhere(String input) {
    try (GeoIp geo = GeoIp.open(citiesFile(dir))) {
      assertThat(geo.locate(input)).isEmpty();
    }
  }

  /**
   * Run in a child JVM by {@link #aHostNameIsNeverLookedUp}: what the resolver and GeoIp make of
   * names.
   */
  static final class LocateInChild {
    public static void main(String[] args) {
      try (GeoIp geo = GeoIp.open(Path.of(args[0]))) {
        for (String name : Arrays.copyOfRange(args, 1, args.length)) {
          String resolved;
          try {
            resolved = InetAddress.getByName(name).getHostAddress();
          } catch (UnknownHostException e) {
            resolved = "unresolved";
          }
          System.out.println(
              name
                  + " resolved="
                  + resolved
                  + " located="
                  + geo.locate(name).map(GeoIp.Place::city).orElse("nowhere"));
        }
      }
    }
  }

  @Test
  void aHostNameIsNeverLookedUp() throws Exception {
    // a child JVM whose resolver maps names made of hex digits and dots to Sydney's network
    Path hosts = Files.writeString(dir.resolve("hosts"), "203.0.113.9 cafe.be face dead.beef\n");
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djdk.net.hosts.file=" + hosts,
                "-cp",
                System.getProperty("java.class.path"),
                LocateInChild.class.getName(),
                citiesFile(dir).toString(),
                "cafe.be",
                "face",
                "dead.beef")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out.lines())
        .containsExactly(
            "cafe.be resolved=203.0.113.9 located=nowhere",
            "face resolved=203.0.113.9 located=nowhere",
            "dead.beef resolved=203.0.113.9 located=nowhere");
  }

  @Test
  void aFileThatIsNotADatabaseIsRefusedWithItsName() throws IOException {
    Path bogus = Files.writeString(dir.resolve("bogus.mmdb"), "not a database");
    assertThatThrownBy(() -> GeoIp.open(bogus))
        .hasMessageContaining("bogus.mmdb")
        .hasMessageContaining("CAUSALITY_GEOIP_DB");
  }
}
