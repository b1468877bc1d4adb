package dev.causality.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.causality.server.TestServer;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LiveRoutesIT {
  private static final String TOKEN = "live-token-0123456789";
  private static TestServer server;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    server = TestServer.start(c -> c.withAdminToken(TOKEN));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** Reads the SSE stream on a thread; each event's id and data lines arrive as one string. */
  private static BlockingQueue<String> listen(String path, String lastEventId) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(server.uri(path)).header("Authorization", "Bearer " + TOKEN);
    if (lastEventId != null) {
      b.header("Last-Event-ID", lastEventId);
    }
    HttpResponse<InputStream> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
    BlockingQueue<String> events = new ArrayBlockingQueue<>(100);
    Thread.ofVirtual()
        .start(() -> {
          try (BufferedReader in =
              new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            StringBuilder sb = new StringBuilder();
            for (String line; (line = in.readLine()) != null; ) {
              if (line.isEmpty()) {
                if (sb.indexOf("data:") >= 0) {
                  events.add(sb.toString());
                }
                sb.setLength(0);
              } else {
                sb.append(line).append('\n');
              }
            }
          } catch (Exception e) {
            // stream closed
          }
        });
    return events;
  }

  private static void track(String event) {
    HttpResponse<String> r =
        server.post(
            "/v1/track",
            "{\"userId\":\"u1\",\"event\":\"" + event + "\"}",
            "X-Write-Key",
            TestServer.KEY);
    assertThat(r.statusCode()).isEqualTo(200);
  }

  @Test
  void streamsAcceptedEventsOfTheProjectAndResumesAfterLastEventId() throws Exception {
    BlockingQueue<String> events = listen("/api/live?project=default", null);
    Thread.sleep(
        200); // the stream subscribes before it answers its first line; give the request a moment
    track("Live One");
    track("Live Two");
    String first = events.poll(10, TimeUnit.SECONDS);
    String second = events.poll(10, TimeUnit.SECONDS);
    assertThat(first)
        .contains("event: event")
        .contains("\"event\":\"Live One\"")
        .contains("\"appId\":\"default\"");
    assertThat(second).contains("\"event\":\"Live Two\"");
    String firstId =
        first.lines().filter(l -> l.startsWith("id: ")).findFirst().orElseThrow().substring(4);

    List<String> replay = new ArrayList<>();
    BlockingQueue<String> resumed = listen("/api/live?project=default", firstId);
    replay.add(resumed.poll(10, TimeUnit.SECONDS));
    assertThat(replay.getFirst()).contains("\"event\":\"Live Two\"");
  }

  @Test
  void otherProjectsAreNotSent() throws Exception {
    BlockingQueue<String> events = listen("/api/live?project=elsewhere", null);
    Thread.sleep(200);
    track("Not For Elsewhere");
    assertThat(events.poll(500, TimeUnit.MILLISECONDS)).isNull();
  }

  @Test
  void needsCredentials() {
    assertThat(server.get("/api/live?project=default").statusCode()).isEqualTo(401);
  }
}
