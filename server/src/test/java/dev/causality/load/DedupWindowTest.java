package dev.causality.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DedupWindowTest {
  private static final long HOUR = 3_600_000_000L;

  @Test
  void remembersIdsForTheWindowThenForgetsThem() {
    DedupWindow w = new DedupWindow(24 * HOUR, 1000);
    w.add(DedupWindow.key("p", "a"), 0);
    w.add(DedupWindow.key("p", "b"), 10 * HOUR);
    w.expire(20 * HOUR);
    assertThat(w.contains(DedupWindow.key("p", "a"))).isTrue();
    w.expire(24 * HOUR + 1);
    assertThat(w.contains(DedupWindow.key("p", "a"))).isFalse();
    assertThat(w.contains(DedupWindow.key("p", "b"))).isTrue();
    assertThat(w.size()).isEqualTo(1);
  }

  @Test
  void idsArePerProject() {
    DedupWindow w = new DedupWindow(HOUR, 10);
    w.add(DedupWindow.key("p1", "a"), 0);
    assertThat(w.contains(DedupWindow.key("p2", "a"))).isFalse();
  }

  @Test
  void readdedIdIsNotForgottenByItsStaleEntry() {
    DedupWindow w = new DedupWindow(HOUR, 10);
    String k = DedupWindow.key("p", "a");
    w.add(k, 0);
    w.add(k, HOUR / 2);
    w.expire(HOUR + 1);
    assertThat(w.contains(k)).isTrue();
    w.expire(HOUR + HOUR / 2 + 1);
    assertThat(w.contains(k)).isFalse();
  }

  @Test
  void evictsOldestPastTheCapAndCountsIt() {
    DedupWindow w = new DedupWindow(HOUR, 2);
    w.add(DedupWindow.key("p", "a"), 1);
    w.add(DedupWindow.key("p", "b"), 2);
    w.add(DedupWindow.key("p", "c"), 3);
    assertThat(w.contains(DedupWindow.key("p", "a"))).isFalse();
    assertThat(w.contains(DedupWindow.key("p", "c"))).isTrue();
    assertThat(w.evictedEarly()).isEqualTo(1);
  }

  @Test
  void zeroWindowDisablesDedup() {
    DedupWindow w = new DedupWindow(0, 10);
    w.add(DedupWindow.key("p", "a"), 1);
    assertThat(w.contains(DedupWindow.key("p", "a"))).isFalse();
  }

  @Test
  void rejectsBadSettings() {
    assertThatThrownBy(() -> new DedupWindow(-1, 10)).hasMessageContaining("window");
    assertThatThrownBy(() -> new DedupWindow(1, 0)).hasMessageContaining("maxIds");
  }
}
