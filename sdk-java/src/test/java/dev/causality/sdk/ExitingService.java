package dev.causality.sdk;

import java.time.Duration;
import java.util.Map;

/**
 * A service for {@link ShutdownHookIT}: tracks events and returns from {@code main} without closing
 * its client, so that only the shutdown hook can deliver them.
 */
public final class ExitingService {
  private ExitingService() {}

  public static void main(String[] args) {
    String url = args[0];
    String key = args[1];
    String service = args[2];
    int events = Integer.parseInt(args[3]);
    AnalyticsClient client =
        Causality.builder(key)
            .endpoint(url)
            .service(service)
            .flushInterval(Duration.ofHours(1))
            .build();
    for (int i = 0; i < events; i++) {
      client.track("exiting", Map.of("i", i));
    }
    System.out.println("tracked " + client.stats().tracked());
  }
}
