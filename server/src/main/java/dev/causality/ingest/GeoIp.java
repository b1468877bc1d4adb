package dev.causality.ingest;

import com.maxmind.geoip2.DatabaseReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
      return new GeoIp(
          new DatabaseReader.Builder(file.toFile())
              .withCache(new com.maxmind.db.CHMCache())
              .build());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot open GeoIP database " + file + " (CAUSALITY_GEOIP_DB)", e);
    }
  }

  Optional<Place> locate(String ip) {
    Optional<InetAddress> address = literal(ip);
    if (address.isEmpty()) {
      return Optional.empty();
    }
    try {
      return reader
          .tryCity(address.get())
          .map(r ->
              new Place(
                  r.getCountry().getIsoCode(),
                  r.getMostSpecificSubdivision().getName(),
                  r.getCity().getName()));
    } catch (IOException | com.maxmind.geoip2.exception.GeoIp2Exception | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static final Pattern IPV4 =
      Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

  /**
   * The address {@code ip} spells, never looked up by name: {@link InetAddress#getByName} resolves
   * anything that is not a literal, such as {@code cafe.be}, over DNS.
   */
  private static Optional<InetAddress> literal(String ip) {
    try {
      Matcher v4 = IPV4.matcher(ip);
      if (v4.matches()) {
        byte[] a = new byte[4];
        for (int i = 0; i < 4; i++) {
          int octet = Integer.parseInt(v4.group(i + 1));
          if (octet > 255) {
            return Optional.empty();
          }
          a[i] = (byte) octet;
        }
        return Optional.of(InetAddress.getByAddress(a));
      }
      // with a colon, getByName parses an IPv6 literal or fails; it never resolves a name
      return IPV6.matcher(ip).matches() ? Optional.of(InetAddress.getByName(ip)) : Optional.empty();
    } catch (UnknownHostException e) {
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
