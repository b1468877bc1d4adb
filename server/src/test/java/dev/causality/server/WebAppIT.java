package dev.causality.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The web app end to end: the real server serves the app built into its classes, and {@code
 * web/e2e/e2e.mjs} drives Debian's Chromium through it with playwright-core (sign in with a
 * password, send events, trend with a filter and a breakdown, SQL, dashboard, live view). Fails
 * when Chromium or Node.js is missing; screenshots land in {@code server/target/screenshots}.
 */
class WebAppIT {
  private static final String EMAIL = "ada@example.com";
  private static final String PASSWORD = "webapp-e2e-password";
  private static final Path WEB = Path.of("..", "web").toAbsolutePath().normalize();
  private static TestServer server;

  @BeforeAll
  static void start() {
    server =
        TestServer.start(c ->
            c.withAccounts(
                new Config.Accounts(
                    Optional.of(EMAIL), Optional.of(PASSWORD), false, Optional.empty())));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void theServerServesTheAppWithAFallbackForClientRoutes() {
    HttpResponse<String> root = server.get("/");
    assertThat(root.statusCode()).isEqualTo(302);
    assertThat(root.headers().firstValue("Location")).hasValue("/app/");
    HttpResponse<String> index = server.get("/app/");
    assertThat(index.statusCode())
        .as("the app is not built into the classes; run the Maven build without -Dweb.skip")
        .isEqualTo(200);
    assertThat(index.body()).contains("<div id=\"root\">");
    HttpResponse<String> route = server.get("/app/dashboards/some-id");
    assertThat(route.statusCode()).isEqualTo(200);
    assertThat(route.body()).isEqualTo(index.body());
    assertThat(server.get("/app/assets/missing.js").statusCode()).isEqualTo(404);
    String script = index.body().replaceAll("(?s).*src=\"(/app/assets/[^\"]+\\.js)\".*", "$1");
    HttpResponse<String> js = server.get(script);
    assertThat(js.statusCode()).isEqualTo(200);
    assertThat(js.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/javascript"));
  }

  @Test
  void aPersonUsesTheAppInChromium() throws Exception {
    assertThat(new File("/usr/bin/chromium"))
        .as("Debian's chromium is needed (apt-get install chromium)")
        .exists();
    assertThat(WEB.resolve("node_modules/playwright-core"))
        .as("npm ci in web/ installs playwright-core")
        .exists();
    Path shots = Path.of("target", "screenshots").toAbsolutePath();
    Files.createDirectories(shots);
    Path log = Path.of("target", "webapp-e2e.log").toAbsolutePath();
    ProcessBuilder pb =
        new ProcessBuilder(List.of("node", "e2e/e2e.mjs"))
            .directory(WEB.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().put("BASE_URL", "http://127.0.0.1:" + server.server().port());
    pb.environment().put("WRITE_KEY", TestServer.KEY);
    pb.environment().put("LOGIN_EMAIL", EMAIL);
    pb.environment().put("LOGIN_PASSWORD", PASSWORD);
    pb.environment().put("SCREENSHOT_DIR", shots.toString());
    Process p = pb.start();
    boolean done = p.waitFor(5, TimeUnit.MINUTES);
    if (!done) {
      p.destroyForcibly();
    }
    String out = Files.readString(log);
    assertThat(done).as("the browser test did not finish in 5 minutes:\n" + out).isTrue();
    assertThat(p.exitValue()).as("the browser test failed:\n" + out).isZero();
    assertThat(out).contains("e2e: passed");
  }
}
