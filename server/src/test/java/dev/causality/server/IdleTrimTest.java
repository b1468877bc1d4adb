package dev.causality.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class IdleTrimTest {
  @Test
  void trimsOnlyWhileActivityStandsStill() {
    AtomicLong position = new AtomicLong();
    AtomicInteger trims = new AtomicInteger();
    IdleTrim t = new IdleTrim(position::get, () -> "trim " + trims.incrementAndGet());
    assertThat(t.check()).as("the first look only notes where things are").isEmpty();
    position.addAndGet(100);
    assertThat(t.check()).as("busy").isEmpty();
    assertThat(t.check()).as("quiet for one interval").contains("trim 1");
    assertThat(t.check()).as("still quiet").contains("trim 2");
    for (int i = 0; i < 5; i++) {
      position.addAndGet(5);
      assertThat(t.check()).as("busy again, look %d", i).isEmpty();
    }
    assertThat(t.check()).as("quiet again").contains("trim 3");
    assertThat(trims).hasValue(3);
  }

  @Test
  void theJvmsOwnTrimAnswersWithWhatItGaveBack() {
    // glibc on Linux: "Trim native heap: RSS+Swap: 120M->100M (-20M)"; elsewhere "Not available"
    assertThat(IdleTrim.trimNativeHeap()).containsAnyOf("RSS", "Not available");
  }
}
