package dev.causality.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A service JVM that exits without closing its client still delivers: the shutdown hook flushes.
 */
class ShutdownHookIT {
  static String location(Class<?> c) throws URISyntaxException {
    return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
  }

  @Test
  void eventsTrackedBeforeTheJvmExitsAreDelivered() throws Exception {
    try (RealServer server = RealServer.start()) {
      String service = "exiting-" + UUID.randomUUID();
      // the SDK needs nothing but its own classes and the JDK
      String classpath =
          location(Causality.class) + File.pathSeparator + location(ExitingService.class);
      Process p =
          new ProcessBuilder(
                  List.of(
                      Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                      "-cp",
                      classpath,
                      ExitingService.class.getName(),
                      server.url(),
                      RealServer.KEY,
                      service,
                      "150"))
              .redirectErrorStream(true)
              .start();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the service JVM exits").isTrue();
      String output =
          new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      assertThat(p.exitValue()).as(output).isZero();
      assertThat(output).contains("tracked 150");
      assertThat(server.count("service = '" + service + "' AND event = 'exiting'")).isEqualTo(150);
    }
  }
}
