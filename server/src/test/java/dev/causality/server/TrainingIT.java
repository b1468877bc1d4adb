package dev.causality.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingIT {
  @TempDir Path dir;

  @Test
  void everyAcknowledgedEventOfTheTrainingTrafficIsStoredOnceWithItsOwnId() throws Exception {
    Training.Result r;
    try (TestServer s = TestServer.start(dir, c -> c)) {
      r = new Training(s.server().port(), TestServer.KEY).run(Duration.ofSeconds(2), 2);
    }
    assertThat(r.failed()).isZero();
    // whole rounds of batches of 100 and single calls, at least one per sender
    int perRound = Training.BATCHES_PER_ROUND * Training.BATCH + Training.SINGLES_PER_ROUND;
    assertThat(r.events()).isGreaterThanOrEqualTo(2L * perRound);
    assertThat(r.events() % perRound).isZero();
    assertThat(r.requests())
        .isEqualTo(
            r.events() / perRound * (Training.BATCHES_PER_ROUND + Training.SINGLES_PER_ROUND));
    MainIT.Run sql =
        MainIT.run(
            "sql",
            "SELECT count(*) AS n, count(DISTINCT event_id) AS ids, "
                + "count(*) FILTER (WHERE context->>'$.library.name' IS NOT NULL) AS with_library "
                + "FROM events",
            "--format",
            "csv",
            "--data-dir",
            dir.toString());
    assertThat(sql.code()).as(sql.err()).isZero();
    assertThat(sql.out()).contains(r.events() + "," + r.events() + "," + r.events());
  }

  @Test
  void requestsTheServerRefusesAreCountedAsFailed() throws Exception {
    try (TestServer s = TestServer.start(dir, c -> c)) {
      Training.Result r =
          new Training(s.server().port(), "not-a-key-of-this-server").run(Duration.ofSeconds(1), 1);
      assertThat(r.requests()).isPositive();
      assertThat(r.events()).isZero();
      assertThat(r.failed()).isGreaterThanOrEqualTo(r.requests());
    }
  }

  @Test
  void theDemoEventsAreRenderedAsSegmentMessagesWithoutTheirId() throws Exception {
    List<Training.Message> messages = Training.render(500);
    assertThat(messages).hasSize(500);
    ObjectMapper json = new ObjectMapper();
    for (Training.Message m : messages) {
      JsonNode msg = json.readTree("{\"messageId\":\"x\"," + m.rest());
      assertThat(msg.get("type").asText()).isEqualTo(m.type());
      assertThat(msg.get("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
      assertThat(msg.get("context").isObject()).isTrue();
      assertThat(msg.get("properties").isObject()).isTrue();
      assertThat(msg.has("userId") || msg.has("anonymousId")).isTrue();
      if (m.type().equals("track")) {
        assertThat(msg.get("event").asText()).isNotEmpty();
      }
    }
    assertThat(messages.stream().map(Training.Message::type).distinct())
        .contains("track", "page", "screen", "identify");
  }
}
