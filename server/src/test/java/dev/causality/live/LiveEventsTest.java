package dev.causality.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.causality.event.Event;
import dev.causality.event.Events;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LiveEventsTest {
  private final AtomicLong now =
      new AtomicLong(Instant.parse("2026-11-23T10:00:00Z").toEpochMilli());
  private final InstantSource clock = () -> Instant.ofEpochMilli(now.get());

  private static Event event(String name) {
    return Events.track(name).build();
  }

  @Test
  void keepsNothingWhileNobodyListens() throws Exception {
    LiveEvents live = new LiveEvents(10, Duration.ofSeconds(60), clock);
    live.publish(List.of(event("A")));
    assertThat(live.lastSeq()).isZero();
  }

  @Test
  void aSubscriberGetsEventsInOrderAndResumesAfterTheLastOneItSaw() throws Exception {
    LiveEvents live = new LiveEvents(4, Duration.ofSeconds(60), clock);
    live.subscribe();
    live.publish(List.of(event("A"), event("B")));
    List<LiveEvents.Entry> got = live.after(0, Duration.ZERO);
    assertThat(got).extracting(LiveEvents.Entry::seq).containsExactly(1L, 2L);
    assertThat(got.getFirst().json()).contains("\"event\":\"A\"");
    live.unsubscribe();
    // Within the grace period events are still kept, so a reconnect misses nothing.
    now.addAndGet(30_000);
    live.publish(List.of(event("C")));
    live.subscribe();
    assertThat(live.after(2, Duration.ZERO)).extracting(LiveEvents.Entry::seq).containsExactly(3L);
    // The ring holds the last 4; an older cursor resumes from the oldest held.
    live.publish(List.of(event("D"), event("E"), event("F"), event("G")));
    assertThat(live.after(1, Duration.ZERO))
        .extracting(LiveEvents.Entry::seq)
        .containsExactly(4L, 5L, 6L, 7L);
  }

  @Test
  void closingEndsAWait() throws Exception {
    LiveEvents live = new LiveEvents(4, Duration.ofSeconds(60), clock);
    live.close();
    assertThat(live.after(0, Duration.ofSeconds(30))).isEmpty();
    assertThat(live.closed()).isTrue();
  }
}
