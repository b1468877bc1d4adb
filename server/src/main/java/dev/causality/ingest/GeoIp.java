package dev.causality.ingest;

import com.maxmind.geoip2.DatabaseReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Optional;

/** IP → country, region, city from a MaxMind-format (.mmdb) database file. */
final class GeoIp implements AutoCloseable {

  /** Where an IP address is; ISO country code, region name, city name. */
  record Place(String country, String region, String city) {}

  private final DatabaseReader reader;

  private GeoIp(DatabaseReader reader) {
    this.reader = reader;
  }

  static GeoIp open(Path file) {
    try {
      return new GeoIp(new DatabaseReader.Builder(file.toFile()).withCache(new com.maxmind.db.CHMCache()).build());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open GeoIP database " + file + " (CAUSALITY_GEOIP_DB)", e);
    }
  }

  Optional<Place> locate(String ip) {
    if (ip.isEmpty() || !ip.matches("[0-9A-Fa-f:.]+")) {
      return Optional.empty();
    }
    try {
      return reader
          .tryCity(InetAddress.getByName(ip))
          .map(
              r ->
                  new Place(
                      r.getCountry().getIsoCode(),
                      r.getMostSpecificSubdivision().getName(),
                      r.getCity().getName()));
    } catch (IOException | com.maxmind.geoip2.exception.GeoIp2Exception | RuntimeException e) {
      return Optional.empty();
    }
  }

  @Override
  public void close() {
    try {
      reader.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
