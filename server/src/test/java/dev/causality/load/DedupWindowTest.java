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
  void theWindowRunsFromTheFirstCopyOfAnId() {
    DedupWindow w = new DedupWindow(HOUR, 10);
    String k = DedupWindow.key("p", "a");
    w.add(k, 0);
    w.add(k, HOUR / 2);
    assertThat(w.size()).isEqualTo(1);
    w.expire(HOUR - 1);
    assertThat(w.contains(k)).isTrue();
    w.expire(HOUR + 1);
    assertThat(w.contains(k)).as("forgotten a window after its first copy").isFalse();
    assertThat(w.size()).isZero();
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

  /** The plain model the compact window must agree with: a map of key to newest time and a FIFO. */
  private static final class Model {
    final long window;
    final int max;
    final java.util.HashMap<String, Long> seen = new java.util.HashMap<>();
    final java.util.ArrayDeque<java.util.Map.Entry<String, Long>> order =
        new java.util.ArrayDeque<>();
    long evicted;

    Model(long window, int max) {
      this.window = window;
      this.max = max;
    }

    void add(String k, long t) {
      if (seen.putIfAbsent(k, t) != null) {
        return;
      }
      order.addLast(java.util.Map.entry(k, t));
      while (seen.size() > max && !order.isEmpty()) {
        if (removeHead()) {
          evicted++;
        }
      }
    }

    void expire(long now) {
      while (!order.isEmpty() && order.peekFirst().getValue() < now - window) {
        removeHead();
      }
    }

    boolean removeHead() {
      var e = order.pollFirst();
      Long cur = seen.get(e.getKey());
      if (cur != null && cur.longValue() == e.getValue()) {
        seen.remove(e.getKey());
        return true;
      }
      return false;
    }
  }

  @Test
  void agreesWithAPlainMapOverAMillionRandomOperations() {
    java.util.Random r = new java.util.Random(42);
    for (int cap : new int[] {50, 5_000, 1_000_000}) {
      DedupWindow w = new DedupWindow(1_000, cap);
      Model m = new Model(1_000, cap);
      long now = 0;
      for (int op = 0; op < 350_000; op++) {
        now += r.nextInt(3);
        String key = DedupWindow.key("p" + r.nextInt(3), "e" + r.nextInt(20_000));
        switch (r.nextInt(10)) {
          case 0 -> {
            w.expire(now);
            m.expire(now);
          }
          case 1, 2, 3, 4 -> {
            w.add(key, now);
            m.add(key, now);
          }
          default ->
              assertThat(w.contains(key))
                  .as("contains %s at op %d (cap %d)", key, op, cap)
                  .isEqualTo(m.seen.containsKey(key));
        }
        if (op % 10_000 == 0) {
          assertThat(w.size()).isEqualTo(m.seen.size());
        }
      }
      assertThat(w.size()).isEqualTo(m.seen.size());
      assertThat(w.evictedEarly()).isEqualTo(m.evicted);
      for (String k : m.seen.keySet()) {
        assertThat(w.contains(k)).isTrue();
      }
    }
  }

  @Test
  void aRecordHashesLikeItsProjectAndIdAsStrings() throws Exception {
    DedupWindow w = new DedupWindow(HOUR, 100);
    dev.causality.event.Event e = dev.causality.event.Events.track("X").id("m-\u00e9-1").build();
    dev.causality.event.EventRecord r = dev.causality.event.EventRecord.of(e);
    assertThat(w.hash(r))
        .isEqualTo(w.hash(e.appId(), e.eventId()))
        .isEqualTo(w.hash(DedupWindow.key(e.appId(), e.eventId())));
    w.add(w.hash(r), 1);
    assertThat(w.contains(DedupWindow.key(e.appId(), e.eventId()))).isTrue();
    assertThat(w.contains(w.hash(e.appId(), "other"))).isFalse();
  }

  @Test
  void theBatchSetKeepsEachHashOnce() {
    IdSet s = new IdSet(2048);
    java.util.Set<Long> model = new java.util.HashSet<>();
    java.util.Random r = new java.util.Random(3);
    for (int i = 0; i < 50_000; i++) {
      long h = 1 + r.nextInt(20_000);
      assertThat(s.add(h)).isEqualTo(model.add(h));
    }
    assertThat(s.size()).isEqualTo(model.size());
    s.clear();
    assertThat(s.size()).isZero();
    assertThat(s.add(5)).isTrue();
  }
}
